__version__ = "0.1.0"

# PyTorch reads PYTORCH_ENABLE_MPS_FALLBACK once, when torch loads: ask for it before any module here imports torch
from .core import request_mps_fallback as _request_mps_fallback
_request_mps_fallback()
