"""Decoding speed on this machine: expressions/s of greedy decoding and beam search at batch sizes 1 and 32, and the
median latency per expression at batch size 1. Prints a markdown table.

    python bench/bench_decode.py [--model ckpt.pt] [--data DIR] [--n 64] [--beam 5] [--threads 2] [--repeat 1] [--bf16]

With --repeat r, each configuration runs r times and the fastest run is reported (the machine is shared: the title
gives its load average).

Without --model, a randomly initialised model of the default size (ModelConfig.preset('default'), v=120) is timed.
Its outputs are meaningless and it seldom emits eos, so unless --max-len is given it decodes as many tokens as the
labels of the expressions have on average (the tokens/expression column says what was decoded).
"""
import argparse, contextlib, os, statistics, sys, time
from pathlib import Path
import torch
from hmer_ink.core import shared_data
from hmer_ink.inkml import read_inkml
from hmer_ink.features import FeatureConfig, prepare
from hmer_ink.latex import Vocab, tokenize, normalize_latex
from hmer_ink.models.model import HMERModel, ModelConfig
from hmer_ink.decoding import decode

def load_model(path):
    "(model, FeatureConfig, title) from a checkpoint, or a random default-size model when `path` is None"
    if path is None:
        feats = FeatureConfig()
        model = HMERModel(ModelConfig.preset('default'), feats.n_features, 120)
        return model, feats, 'randomly initialised default model'
    from hmer_ink.checkpoint import load_checkpoint, load_model_weights
    ck = load_checkpoint(path)
    feats = FeatureConfig(**(ck.get('features') or ck['config']['features']))
    model = HMERModel(ModelConfig(**ck['config']['model']), feats.n_features, len(Vocab.from_dict(ck['vocab'])))
    return load_model_weights(model, ck), feats, f'checkpoint {Path(path).name}'

def n_label_tokens(label):
    "Tokens of a normalized label (of the raw one where it does not normalize; 0 without a label)"
    if not label: return 0
    try: return len(tokenize(normalize_latex(label)))
    except ValueError: return len(tokenize(label))

def load_inputs(data, n, feats):
    "Features (t, f) of the first `n` InkML files of `data`, in name order, and their labels' mean token count"
    files = sorted(Path(data).glob('*.inkml'))[:n]
    if not files: sys.exit(f'bench_decode: no .inkml files in {data}')
    inks = [read_inkml(f) for f in files]
    xs = [torch.from_numpy(prepare(ink, feats)) for ink in inks]  # (t, f) each
    return xs, statistics.mean(n_label_tokens(ink.label) for ink in inks)

def collate(xs):
    "Zero-padded (b, t, f) batch and lengths (b,)"
    x_len = torch.tensor([len(x) for x in xs])
    x = torch.zeros(len(xs), int(x_len.max()), xs[0].shape[1])  # (b, t, f)
    for i, xi in enumerate(xs): x[i, :len(xi)] = xi
    return x, x_len

def run(model, xs, bs, beam, max_len, bf16):
    "Seconds per batch and tokens decoded, over `xs` in batches of `bs` (after one warm-up batch)"
    ctx = torch.autocast('cpu', dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
    batches = [collate(xs[i:i + bs]) for i in range(0, len(xs), bs)]
    times, n_tok = [], 0
    with torch.inference_mode(), ctx:
        decode(model, *batches[0], beam=beam, max_len=max_len)
        for x, x_len in batches:
            t0 = time.perf_counter()
            ids = decode(model, x, x_len, beam=beam, max_len=max_len)
            times.append(time.perf_counter() - t0)
            n_tok += sum(map(len, ids))
    return times, n_tok

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', help='checkpoint (default: a random model of the default size)')
    p.add_argument('--data', help="folder of InkML files (default: shared_data('crohme/valid'))")
    p.add_argument('--n', type=int, default=64, help='expressions')
    p.add_argument('--beam', type=int, default=5)
    p.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 32])
    p.add_argument('--max-len', type=int, help='most tokens per expression (default: 200, or see above)')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--repeat', type=int, default=1, help='runs per configuration; the fastest counts')
    p.add_argument('--bf16', action='store_true', help='bf16 autocast')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    load0 = os.getloadavg()[0]
    data = a.data or shared_data('crohme/valid')
    if data is None: sys.exit('bench_decode: no --data and no shared crohme/valid data')
    model, feats, title = load_model(a.model)
    model.eval()
    xs, mean_tokens = load_inputs(data, a.n, feats)
    max_len = a.max_len or (200 if a.model else max(1, round(mean_tokens)))
    rows = []
    for name, beam in [('greedy', 1), (f'beam {a.beam}', a.beam)]:
        for bs in a.batch_sizes:
            runs = [run(model, xs, bs, beam, max_len, a.bf16) for _ in range(a.repeat)]
            times, n_tok = min(runs, key=lambda r: sum(r[0]))  # the fastest run
            med = f'{1000 * statistics.median(times):.0f}' if bs == 1 else ''
            rows.append(f'| {name} | {bs} | {len(xs) / sum(times):.1f} | {med} | {n_tok / len(xs):.1f} |')
    print(f'\nDecoding speed, {title} ({model.n_params / 1e6:.1f}M params, {model.cfg.encoder} + {model.cfg.decoder}{" + CTC" if model.cfg.ctc else ""}), '
          f'{len(xs)} expressions of {Path(data).parent.name}/{Path(data).name}, {a.threads} threads, {"bf16" if a.bf16 else "fp32"}, '
          f'max_len {max_len} (labels: {mean_tokens:.1f} tokens on average), best of {a.repeat}, '
          f'load average {load0:.1f} -> {os.getloadavg()[0]:.1f}\n')
    print('| decoding | batch size | expressions/s | median ms/expression | tokens/expression |')
    print('|---|---|---|---|---|')
    print('\n'.join(rows))

if __name__ == '__main__': main()
