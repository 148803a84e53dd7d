"Run every notebook's tests in parallel and close with a 'N passed, N failed' line."
import argparse, os, sys, time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

def _run(fn, flags):
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    from nbdev.test import test_nb
    t0 = time.time()
    ok, _ = test_nb(fn, skip_flags=[f for f in ['slow'] if f not in flags], force_flags=flags)
    return fn, ok, time.time() - t0

def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('paths', nargs='*', help='notebooks (default: every nbs/*.ipynb)')
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--flags', default='', help='space-separated flags to run, e.g. slow')
    a = p.parse_args()
    root = Path(__file__).resolve().parent.parent
    nbs = [Path(x) for x in a.paths] or sorted(f for f in (root/'nbs').rglob('*.ipynb')
                                               if not any(s.startswith(('_', '.')) for s in f.relative_to(root/'nbs').parts))
    flags = a.flags.split()
    t0, failed = time.time(), []
    with ProcessPoolExecutor(a.workers, max_tasks_per_child=1) as ex:  # nbdev swaps __main__ in a worker
        futs = [ex.submit(_run, str(f), flags) for f in nbs]
        for fut in as_completed(futs):
            fn, ok, dt = fut.result()
            print(f"{'ok  ' if ok else 'FAIL'} {Path(fn).name:<40} {dt:6.1f}s", flush=True)
            if not ok: failed.append(fn)
    print(f"notebooks in {time.time()-t0:.0f}s")
    print(f"{len(nbs)-len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed or not nbs else 0)

if __name__ == '__main__': main()
