"""What a user waits for: milliseconds per expression of `Recognizer.predict`, from the InkML file to the LaTeX (reading,
featurizing, encoder and search), for each engine, decoding, thread count and batch size. Prints a markdown table.

    python bench/bench_decode.py [--model CKPT] [--data DIR] [--n 100] [--beams 1 5] [--threads 1 2]
                                 [--batch-sizes 1 32] [--engines torch onnx] [--onnx-dir DIR] [--profile]

The model is the bundled one unless --model names a checkpoint; `onnx` exports it to a temporary folder first (or
reads --onnx-dir) and needs `pip install 'hmer-ink[onnx]'`. The expressions are the first --n InkML files of the folder
(default: CROHME's validation set, `crohme/valid`) in name order. At batch size 1 every file is read alone, as in the
drawing pad, and the median and p90 are over the files; at larger batch sizes the files are read in chunks of that
size (`predict(paths, batch_size=bs)`) and the per-expression time of each chunk is its time over its size. Each row
starts with a warm-up call. Expressions/s is the files over the row's total time. "same reading" counts the files whose
reading equals the first engine's for the same decoding, threads and batch size. Every row prints the 1-minute load
average when it started: the machine may be shared, so pin the run (`taskset -c 1`) and say what else ran.

--profile adds where the time of one-thread, batch-size-1 PyTorch decoding goes (the widest of --beams): reading the
file, featurizing, the encoder, the decoder's first state, its steps, reordering the beams' caches, the rest of the
search (top-k and bookkeeping in Python), the CTC head and the CTC rescoring of the final beams. The parts are timed by
wrapping those functions, so their sum is at most the total; what remains is `Recognizer`'s own work (batching,
turning ids into LaTeX).
"""
import contextlib, os, statistics, sys, tempfile, time
from collections import defaultdict
from pathlib import Path
import numpy as np, torch
from _common import parser, data_folder
from hmer_ink import decoding, predict as predict_mod
from hmer_ink.predict import Recognizer

def load_avg() -> float: return os.getloadavg()[0]

def timed(f, *args, **kw):
    "Milliseconds `f(*args, **kw)` took, and its result"
    t0 = time.perf_counter()
    out = f(*args, **kw)
    return 1000 * (time.perf_counter() - t0), out

def run(rec:Recognizer, files:list, beam:int, bs:int) -> tuple[list[float], float, list[str]]:
    "(ms per expression of each file or chunk, total seconds, readings) of `rec` on `files`, `bs` at a time"
    rec.predict(files[0] if bs == 1 else files[:bs], beam=beam, batch_size=bs)  # warm-up
    ms, readings, t0 = [], [], time.perf_counter()
    for i in range(0, len(files), bs):
        chunk = files[i:i + bs]
        t, preds = timed(rec.predict, chunk[0] if bs == 1 else chunk, beam=beam, batch_size=bs)
        preds = [preds] if bs == 1 else preds
        bad = [p.error for p in preds if p.error]
        if bad: sys.exit(f'bench_decode: {bad[0]}')
        ms.append(t / len(chunk)); readings += [p.latex for p in preds]
    return ms, time.perf_counter() - t0, readings

def recognizers(engines:list, model, onnx_dir, threads:int) -> tuple[dict, Path|None]:
    "({engine: Recognizer} running on `threads` threads, the ONNX export they use)"
    torch.set_num_threads(threads)
    recs = {}
    for e in engines:
        if e == 'torch': recs[e] = Recognizer.from_checkpoint(model, 'cpu')
        else:
            from hmer_ink.export import export_onnx
            if onnx_dir is None: onnx_dir = export_onnx(model, Path(tempfile.mkdtemp())/'onnx').parent
            recs[e] = Recognizer.from_onnx(onnx_dir, threads=threads)
    return recs, onnx_dir

def table(a, files) -> list[str]:
    "The rows of the latency table"
    rows = ['| engine | decoding | threads | batch size | median ms | p90 ms | expressions/s | same reading | load average |',
            '|---|---|---|---|---|---|---|---|---|']
    onnx_dir = a.onnx_dir
    for threads in a.threads:
        recs, onnx_dir = recognizers(a.engines, a.model, onnx_dir, threads)
        for beam in a.beams:
            for bs in a.batch_sizes:
                ref = None
                for name, rec in recs.items():
                    load = load_avg()
                    ms, secs, readings = run(rec, files, beam, bs)
                    ref = ref or readings
                    same = sum(r == s for r, s in zip(readings, ref))
                    dec = 'greedy' if beam == 1 else f'beam {beam}'
                    rows.append(f'| {name} | {dec} | {threads} | {bs} | {statistics.median(ms):.1f} | '
                                f'{np.percentile(ms, 90):.1f} | {len(files) / secs:.1f} | {same}/{len(files)} | {load:.2f} |')
                    print(rows[-1], file=sys.stderr, flush=True)
    return rows

PARTS = {  # part: (module or object attribute path, name); resolved on the recognizer's model
    'read the file': (predict_mod, 'as_ink'),
    'featurize': (predict_mod, 'prepare'),
    'search, other (top-k, bookkeeping)': (decoding, 'decoder_beam_search'),
    'CTC rescoring': (decoding, 'rescore'),
}

@contextlib.contextmanager
def wrapped(owner, name:str, acc:dict, key:str):
    "`owner.name` replaced, for the block, by itself adding its milliseconds to `acc[key]` and its calls to `acc[key#]`"
    f, own = getattr(owner, name), name in vars(owner)  # a module's function, or an object's (class) method
    def g(*args, **kw):
        ms, out = timed(f, *args, **kw)
        acc[key] += ms; acc[key + '#'] += 1
        return out
    setattr(owner, name, g)
    try: yield
    finally:
        if own: setattr(owner, name, f)
        else: delattr(owner, name)  # the class's method shows through again

def profile(a, files) -> list[str]:
    "Rows of the breakdown of one-thread, batch-size-1 PyTorch decoding"
    torch.set_num_threads(1)
    rec, beam = Recognizer.from_checkpoint(a.model, 'cpu'), max(a.beams)
    m, acc = rec.model, defaultdict(float)
    parts = dict(PARTS)
    parts.update({'encoder': (m, 'encode'), "decoder's first state": (m.decoder, 'init_state'),
                  'decoder steps': (m.decoder, 'step'), 'reorder the caches': (m.decoder, 'reorder')})
    if m.ctc_head is not None: parts['CTC head'] = (m.ctc_head, 'forward')
    rec.predict(files[0], beam=beam)  # warm-up
    with contextlib.ExitStack() as stack:
        for key, (owner, name) in parts.items(): stack.enter_context(wrapped(owner, name, acc, key))
        total = sum(timed(rec.predict, f, beam=beam)[0] for f in files)
    n = len(files)
    acc['search, other (top-k, bookkeeping)'] -= sum(acc[k] for k in ("decoder's first state", 'decoder steps',
                                                                     'reorder the caches'))
    order = ['read the file', 'featurize', 'encoder', 'CTC head', "decoder's first state", 'decoder steps',
             'reorder the caches', 'search, other (top-k, bookkeeping)', 'CTC rescoring']
    rows = [f'| part | ms per expression | share | calls per expression |', '|---|---|---|---|']
    for k in order:
        if k in parts: rows.append(f'| {k} | {acc[k] / n:.2f} | {acc[k] / total:.0%} | {acc[k + "#"] / n:.1f} |')
    rest = total - sum(acc[k] for k in order if k in parts)
    rows += [f'| Recognizer (batching, ids to LaTeX, the rest) | {rest / n:.2f} | {rest / total:.0%} | |',
             f'| **total** (`Recognizer.predict(path)`) | **{total / n:.2f}** | 100% | |']
    return rows

def main():
    p = parser(__doc__, 100, 'expressions')
    p.add_argument('--beams', type=int, nargs='+', default=[1, 5], help='beam widths (1: greedy; 5: the default)')
    p.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    p.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 32])
    p.add_argument('--engines', nargs='+', default=['torch', 'onnx'], choices=['torch', 'onnx'])
    p.add_argument('--onnx-dir', help='an export (hmer_ink_export --onnx) to run instead of exporting --model')
    p.add_argument('--profile', action='store_true', help='add the breakdown of 1-thread, batch-size-1 PyTorch decoding')
    a = p.parse_args()
    data = data_folder(a, 'bench_decode')
    files = sorted(Path(data).glob('*.inkml'))[:a.n]
    if not files: sys.exit(f'bench_decode: no .inkml files in {data}')
    load0 = load_avg()
    rows = table(a, files)
    prof = profile(a, files) if a.profile else []
    print(f'\n`Recognizer.predict` from the file to the LaTeX, model {a.model or "bundled"}, {len(files)} expressions of '
          f'{data.parent.name}/{data.name}, torch {torch.__version__}, {os.cpu_count()} CPUs, '
          f'load average {load0:.2f} -> {load_avg():.2f}\n')
    print('\n'.join(rows))
    if prof: print(f'\nWhere the time goes: PyTorch, beam {max(a.beams)}, batch size 1, 1 thread\n\n' + '\n'.join(prof))

if __name__ == '__main__': main()
