"""Files per second reading the CROHME training set: lxml's bare parse (the ceiling) against `read_inkml`, one core.

    python bench/bench_inkml.py [--rounds 3]        (or: make bench-inkml)

Each benchmark is a function `files -> seconds` (None to skip) listed in BENCHES; the table is built from rows of
(name, files, seconds), so adding a line to BENCHES adds a row. One-core rows count CPU seconds (time.process_time),
which other work on a shared machine disturbs far less than wall time; rows that use several cores count wall seconds.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import argparse, platform, sys, time
from pathlib import Path
from lxml import etree
from hmer_ink.core import shared_data
from hmer_ink import inkml
from hmer_ink.inkml import InkMLError, read_inkml, PARSER_OPTIONS

def timed(fn, files:list[Path]) -> float:
    "CPU seconds `fn` takes over every file, one core; bad files (CROHME has one empty file) count, their errors are ignored"
    t0 = time.process_time()  # CPU time: a busy machine disturbs it less than wall time
    for f in files:
        try: fn(f)
        except (InkMLError, etree.XMLSyntaxError): pass
    return time.process_time() - t0

def lxml_parser(parser:etree.XMLParser):
    "Read a file's bytes and parse them with `parser`: the least work any reader has to do"
    def parse(path):
        with open(path, 'rb') as f: return etree.fromstring(f.read(), parser)
    return parse

# lxml's default parser refuses most CROHME files (xml:ids that are not NCNames), so the bare parse needs recover=True
bare = lxml_parser(etree.XMLParser(recover=True))
hardened = lxml_parser(etree.XMLParser(**PARSER_OPTIONS))  # read_inkml's own parser options (collect_ids=False is ~2x faster)

def bench_lxml(files): return timed(bare, files)
def bench_lxml_hardened(files): return timed(hardened, files)
def bench_read_inkml(files): return timed(read_inkml, files)

def bench_per_point(files):
    "read_inkml with the traces parsed point by point in Python instead of by one numpy call per file (for reference)"
    vectorized = inkml.parse_traces
    inkml.parse_traces = lambda texts, n, path=None: [inkml._parse_trace(t, n, i, path) for i, t in enumerate(texts)]
    try: return timed(read_inkml, files)
    finally: inkml.parse_traces = vectorized

def bench_cache(files) -> float:
    "Wall seconds to build a training cache of `files` on all cores (read, normalize label and ink, pack)"
    import shutil, tempfile
    from hmer_ink.datasets import build_cache
    out = Path(tempfile.mkdtemp())/'cache'
    t0 = time.perf_counter()
    try: build_cache(files, out, n_workers=os.cpu_count(), progress=False)
    finally: secs = time.perf_counter() - t0; shutil.rmtree(out.parent, ignore_errors=True)
    return secs

BENCHES = [  # (name, function files -> seconds or None, rounds: True to take the best of --rounds runs)
    ('lxml fromstring, recover=True (ceiling)', bench_lxml, True),
    ('lxml fromstring, read_inkml options', bench_lxml_hardened, True),
    ('read_inkml', bench_read_inkml, True),
    ('read_inkml, per-point trace parse', bench_per_point, True),
    (f'cache build, all {os.cpu_count()} cores (wall)', bench_cache, False),
]

def print_table(rows:list[tuple[str, int, float]]):
    "Files/s of each (name, files, seconds) row, and its share of the first row's"
    print(f"{'method':<42} {'files':>6} {'seconds':>8} {'files/s':>9} {'vs ceiling':>10}")
    for name, n, secs in rows:
        print(f'{name:<42} {n:>6} {secs:>8.2f} {n / secs:>9,.0f} {(n / secs) / (rows[0][1] / rows[0][2]):>10.2f}')

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rounds', type=int, default=3, help='best of this many runs per benchmark')
    args = p.parse_args()
    root = shared_data('crohme/train')
    if root is None: sys.exit('bench_inkml: no CROHME training set (shared_data("crohme/train") is None): nothing to measure')
    files = sorted(root.rglob('*.inkml'))
    for f in files: f.read_bytes()  # warm the page cache: we measure parsing, not the disk
    print(f'{len(files)} files in {root}; {platform.processor() or platform.machine()}, Python {platform.python_version()}, '
          f'lxml {etree.__version__}')
    best = {}
    for i in range(args.rounds):  # rounds interleave the benchmarks, so that a busy machine slows them alike
        for name, fn, rounds in BENCHES:
            if (i == 0 or rounds) and (secs := fn(files)) is not None: best[name] = min(best.get(name, secs), secs)
    print_table([(name, len(files), secs) for name, secs in best.items()])

if __name__ == '__main__': main()
