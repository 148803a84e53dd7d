"""Which strokes each token was read from, scored against CROHME's symbol segmentation (`traceGroup`s). Prints a table.

    python bench/bench_align.py [--model CKPT] [--data DIR] [--n N] [--beam 5]

Every file of --data (default: `crohme/valid`) with a segmentation is read with `tokens=True`; each token's strokes come
from the decoder's cross-attention (`predict.token_strokes`). Scored by `metrics.stroke_alignment`: a symbol is exactly
right when one token holds exactly its strokes and has its label; a stroke is right when its token has its symbol's
label. The rows: all readings, and the readings equal to the truth (where only the alignment can be wrong).
"""
import sys, time
from _common import parser, data_folder
from hmer_ink.inkml import read_inkml
from hmer_ink.metrics import stroke_alignment
from hmer_ink.predict import Recognizer

def main():
    p = parser(__doc__, 0, 'files (0: all)')
    p.add_argument('--beam', type=int, default=5)
    a = p.parse_args()
    data = data_folder(a, 'bench_align')
    files = sorted(data.glob('*.inkml'))[:a.n or None]
    inks = [i for f in files if (i := read_inkml(f)).symbols]
    if not inks: sys.exit(f'bench_align: no segmented InkML files in {data}')
    rec, t0 = Recognizer.from_checkpoint(a.model, 'cpu'), time.perf_counter()
    preds = rec.predict_inks(inks, beam=a.beam, tokens=True, batch_size=32)
    secs = time.perf_counter() - t0
    rows = {'all readings': [], 'readings equal to the truth': []}
    for ink, pr in zip(inks, preds):
        if pr.error or not pr.tokens: continue
        s = stroke_alignment(pr.tokens, ink.symbols)
        rows['all readings'].append(s)
        if pr.latex == pr.truth: rows['readings equal to the truth'].append(s)
    print(f'\nStroke alignment of model {a.model or "bundled"} on {len(inks)} segmented files of {data.parent.name}/{data.name}, '
          f'beam {a.beam} ({secs:.0f} s)\n')
    print('| readings | expressions | symbols | symbols exactly right | strokes | strokes in a token of their label |')
    print('|---|---|---|---|---|---|')
    for name, ss in rows.items():
        n = {k: sum(s[k] for s in ss) for k in ('symbols', 'symbols_right', 'strokes', 'strokes_right')}
        print(f"| {name} | {len(ss)} | {n['symbols']} | {n['symbols_right'] / max(n['symbols'], 1):.1%} | {n['strokes']} | "
              f"{n['strokes_right'] / max(n['strokes'], 1):.1%} |")

if __name__ == '__main__': main()
