"""What the benchmark scripts share: the `--model`/`--data` options and the data folder they default to."""
import argparse, sys
from pathlib import Path
from hmer_ink.core import shared_data

def parser(doc:str, n:int, n_help:str='files') -> argparse.ArgumentParser:
    "A parser whose help is the script's `doc`, with `--model`, `--data` and `--n` (default `n`)"
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', help='checkpoint (default: the bundled model)')
    p.add_argument('--data', help="folder of InkML files (default: shared_data('crohme/valid'))")
    p.add_argument('--n', type=int, default=n, help=n_help)
    return p

def data_folder(a:argparse.Namespace, script:str) -> Path:
    "The folder `--data` names, else the shared `crohme/valid`; exits saying so when there is neither"
    data = Path(a.data) if a.data else shared_data('crohme/valid')
    if data is None: sys.exit(f'{script}: no --data given and no shared crohme/valid to default to')
    return data
