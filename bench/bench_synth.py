"""Synthetic samples per second on one core: new labels (mathtext layout included), synthesis, InkML writing.

    python bench/bench_synth.py [--n 500] [--bank outputs/synth/bank]

The bank is loaded from --bank when it is there, else built from the CROHME training files (not saved). Source labels
are those of CROHME train + extra. Each stage counts CPU seconds (time.process_time), which a busy shared machine
disturbs less than wall time; `hmer_ink_synth` runs the same stages, one sample after the other, in each worker.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import argparse, functools, platform, sys, tempfile, time
from pathlib import Path
import numpy as np
from hmer_ink.core import shared_data
from hmer_ink.datasets import find_inkml
from hmer_ink.inkml import write_inkml
from hmer_ink.synth import SymbolBank, drawable, glyph_table, layout, synthesize, SynthError
from hmer_ink.synth_labels import LabelGenerator, _source_labels

def cpu(fn):
    "CPU seconds of `fn()`, and its result"
    t0 = time.process_time()
    res = fn()
    return time.process_time() - t0, res

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--n', type=int, default=500, help='samples to time')
    p.add_argument('--bank', default='outputs/synth/bank', help='a saved symbol bank (built from CROHME if absent)')
    a = p.parse_args()
    dirs = [d for d in (shared_data('crohme/train'), shared_data('crohme/extra')) if d]
    if not dirs: sys.exit('bench_synth: needs ../shared/data/crohme')
    files = [f for d in dirs for f in find_inkml(d)]
    t_bank, bank = cpu(lambda: SymbolBank.load(a.bank) if (Path(a.bank)/'symbols.json').exists() else SymbolBank.build(files))
    labels = _source_labels(files, None)
    t_init, gen = cpu(lambda: LabelGenerator(labels, ok=functools.partial(drawable, bank=bank)))
    t_table, _ = cpu(glyph_table)
    rngs = [np.random.default_rng([0, i]) for i in range(a.n)]
    t_gen, made = cpu(lambda: [gen(r) for r in rngs])
    def synth():
        out = []
        for (l, how), r in zip(made, rngs):
            try: out.append(synthesize(l, bank, r, label_method=how))
            except SynthError: pass
        return out
    t_syn, inks = cpu(synth)
    layout.cache_clear()
    t_lay, _ = cpu(lambda: [layout(l) for l, _ in made])
    with tempfile.TemporaryDirectory() as tmp:
        t_write, _ = cpu(lambda: [write_inkml(k, Path(tmp)/f'{i}.inkml') for i, k in enumerate(inks)])
    per = (t_gen + t_syn + t_write) / len(inks)
    distinct = {l for l, _ in made}
    print(f'{platform.node()}  {platform.python_version()}  one core, CPU seconds; {bank}')
    print(f'setup: bank {t_bank:.1f}s, {len(gen.sources)} sources + pool {len(gen.pool)} in {t_init:.1f}s, glyph table {t_table:.1f}s')
    print(f'{"stage":<34}{"ms/sample":>10}')
    for name, t in [('new label (tries + layout)', t_gen), ('  of which one mathtext layout', t_lay),
                    ('synthesize (layout cached)', t_syn), ('write_inkml', t_write)]:
        print(f'{name:<34}{1000 * t / len(inks):>10.2f}')
    print(f'{len(inks)}/{a.n} samples made: {1 / per:.0f} samples/s per core '
          f'(~{2 * 60 / per:,.0f} per minute on 2 cores); {len(distinct)} distinct labels, '
          f'{len(distinct - set(gen.sources))} not in the sources; mean {np.mean([k.n_points for k in inks]):.0f} points')

if __name__ == '__main__': main()
