"""What a user of the drawing pad waits for, with the bundled model: reading a drawing, and re-reading it after a click
on an alternative or on another of the n best. Prints a table.

    python bench/bench_pad.py [--model CKPT] [--data DIR] [--n 50] [--threads 1] [--beam 5]

Each file of --data (default: `crohme/valid`) is drawn into a `DrawingPad` (its strokes, no browser) and read once
(`recognize`); then the least likely token that has alternatives is selected and its first alternative clicked
(`choose`: the forced re-reading and the pad's update, as the button's handler runs them), and the second of the n best
taken (`use`). Times are wall-clock per action in the Python kernel, batch size 1; the page adds its own messaging
and typesetting on top (the browser test prints that). The load average is printed beside them.
"""
import os, time
import numpy as np, torch
from _common import parser, data_folder
from hmer_ink.inkml import read_inkml
from hmer_ink.predict import Recognizer
from hmer_ink.widgets import DrawingPad

def timed(f) -> float:
    t0 = time.perf_counter()
    f()
    return (time.perf_counter() - t0) * 1000

def pick(tokens:list[dict]) -> int|None:
    "The least likely token that has alternatives"
    ok = [i for i, t in enumerate(tokens) if t['alternatives'] and t['p'] is not None]
    return min(ok, key=lambda i: tokens[i]['p']) if ok else None

def main():
    p = parser(__doc__, 50, 'files, spread over the folder')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--beam', type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data = data_folder(a, 'bench_pad')
    files = sorted(data.glob('*.inkml'))
    files = [files[i] for i in np.linspace(0, len(files) - 1, min(a.n, len(files))).astype(int)]
    rec = Recognizer.from_checkpoint(a.model, 'cpu')
    pad = DrawingPad(rec, beam=a.beam, delay_s=0, auto=False)
    times = {'read the drawing (recognize)': [], 'click an alternative (choose)': [], 'take the 2nd best (use)': []}
    for f in files:
        ink = read_inkml(f)
        pad.clear()
        for s in ink.strokes: pad.add_stroke(s[:, :3] if s.shape[1] >= 3 else s[:, :2])
        times['read the drawing (recognize)'].append(timed(pad.recognize))
        if (i := pick(pad.tokens)) is not None:
            times['click an alternative (choose)'].append(timed(lambda: pad.choose(i, pad.tokens[i]['alternatives'][0]['latex'])))
        if len(pad.readings) > 1: times['take the 2nd best (use)'].append(timed(lambda: pad.use(1)))
    load = ' / '.join(f'{x:.2f}' for x in os.getloadavg())
    print(f'\nDrawing pad, model {a.model or "bundled"}, beam {a.beam}, {a.threads} thread(s), batch size 1, '
          f'{len(files)} files of {data.parent.name}/{data.name}; load average {load}\n')
    print('| action | n | median ms | p90 ms |')
    print('|---|---|---|---|')
    for name, ts in times.items():
        if ts: print(f'| {name} | {len(ts)} | {np.median(ts):.1f} | {np.percentile(ts, 90):.1f} |')

if __name__ == '__main__': main()
