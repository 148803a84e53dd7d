"""Real-browser checks of the widgets: headless Chromium (Playwright) against servers started on localhost.

  python tools/browser_test.py pad --checkpoint tiny.pt --out pad.png
      JupyterLab on a free port (no token) opens a notebook showing a DrawingPad; two strokes are drawn with the
      mouse; checks the kernel got them (with timestamps and pressures) and that the reading appears in the page;
      then corrects it as a user would: clicks a token, picks its first alternative (the time from the click to the
      new reading in the page is printed), copies it, narrows the window (nothing may be cut off) and erases a symbol.
      Writes the screenshots to --out (and -narrow.png) and the pad's first state (as the kernel saw it) beside (.json).
  python tools/browser_test.py dashboard --run outputs/<run> --out dash.png [--make [MAKEFILE]] [--train CMD...]
      `python -m hmer_ink.dashboard RUN` (what `make dashboard` runs; with --make, `make dashboard RUN= PORT=`
      itself) on a free port; optionally starts a training command first; loads the page, waits for the monitor to
      show an epoch (and, while the run trains, for the page to update), screenshots it (and -first.png at load).

Exit status 0: passed; 77: skipped (the reason is printed: no chromium, playwright or jupyterlab); 1: failed.
Every wait has a timeout, and every process started here is stopped at the end.
"""
import argparse, json, math, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--headless=new']
SKIP = 77

def skip_reason(need_lab:bool=False) -> str|None:
    "Why the browser tests cannot run here, or None"
    if not Path(CHROMIUM).exists(): return f'no chromium at {CHROMIUM} (apt-get install chromium, or set $CHROMIUM)'
    try: import playwright.sync_api  # noqa: F401
    except ImportError: return 'playwright is not installed (pip install playwright; no `playwright install` needed)'
    if need_lab:
        try: import jupyterlab, anywidget  # noqa: F401
        except ImportError as e: return f'{e.name} is not installed'
    return None

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def wait_http(url:str, timeout:float, proc=None) -> bool:
    "Whether `url` answers within `timeout` seconds (False at once if `proc` died)"
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc is not None and proc.poll() is not None: return False
        try:
            with urllib.request.urlopen(url, timeout=2): return True
        except OSError: time.sleep(0.3)
    return False

def start(cmd:list, log:Path, env:dict|None=None, cwd=None) -> subprocess.Popen:
    "Start `cmd` in its own process group, output to `log`"
    return subprocess.Popen(cmd, stdout=log.open('w'), stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd,
                            env={**os.environ, 'OMP_NUM_THREADS': '1', **(env or {})})

def stop(proc:subprocess.Popen|None, grace:float=10.):
    "SIGTERM the process group of `proc`, SIGKILL it after `grace` seconds"
    if proc is None or proc.poll() is not None: return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try: os.killpg(proc.pid, sig)
        except ProcessLookupError: return
        try: proc.wait(wait); return
        except subprocess.TimeoutExpired: pass

def launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)

def tail(path:Path, n:int=3000) -> str:
    return path.read_text(errors='replace')[-n:] if path.exists() else ''

# ---------------------------------------------------------------------------------------------------------- pad
PAD_CELL = """\
import json
from pathlib import Path
from hmer_ink.predict import Recognizer
from hmer_ink.widgets import DrawingPad
pad = DrawingPad(Recognizer.from_checkpoint({ck!r}, device='cpu'), delay_s=0.3, n_best=3)
write = lambda *_: Path({state!r}).write_text(json.dumps(pad.state()))
pad.listeners.append(write)                # at each reading
pad.canvas.observe(write, 'strokes')       # and when strokes come or go
pad"""

def notebook(cells:list[str]) -> dict:
    return dict(nbformat=4, nbformat_minor=5, cells=[dict(cell_type='code', id=f'c{i}', metadata={}, outputs=[],
                execution_count=None, source=c) for i, c in enumerate(cells)],
                metadata=dict(kernelspec=dict(name='python3', display_name='Python 3', language='python')))

def lab_env(tmp:Path) -> dict:
    "A JupyterLab of its own: config, settings and workspaces under `tmp`, the news popup off"
    cfg = tmp/'config'
    (cfg/'labconfig').mkdir(parents=True)
    (cfg/'labconfig'/'page_config.json').write_text(json.dumps(
        {'disabledExtensions': {'@jupyterlab/apputils-extension:announcements': True}}))
    return dict(JUPYTER_CONFIG_DIR=str(cfg), JUPYTERLAB_SETTINGS_DIR=str(tmp/'settings'),
                JUPYTERLAB_WORKSPACES_DIR=str(tmp/'workspaces'), IPYTHONDIR=str(tmp/'ipython'))

def draw(page, canvas, strokes):
    "Draw `strokes` (lists of (x, y) in canvas pixels) with the mouse"
    box = canvas.bounding_box()
    for s in strokes:
        page.mouse.move(box['x'] + s[0][0], box['y'] + s[0][1])
        page.mouse.down()
        for x, y in s[1:]:
            page.mouse.move(box['x'] + x, box['y'] + y, steps=2)
            page.wait_for_timeout(12)
        page.mouse.up()
        page.wait_for_timeout(80)

def run_all(page, timeout:float):
    "Run every cell of the open notebook once its kernel is idle (Run menu, Shift+Enter as a fallback)"
    page.get_by_text(re.compile(r'\| Idle')).first.wait_for(timeout=timeout * 1000)
    prompt = page.locator('.jp-Cell .jp-InputPrompt').first
    for attempt in range(3):
        try:
            if attempt == 0:
                page.get_by_role('menuitem', name='Run', exact=True).click(timeout=10_000)
                page.get_by_role('menuitem', name='Run All Cells', exact=True).click(timeout=10_000)
            else:
                page.locator('.jp-Cell .jp-InputArea-editor').first.click()
                page.keyboard.press('Escape'); page.keyboard.press('Shift+Enter')
        except Exception: pass
        t0 = time.time()
        while time.time() - t0 < 5:
            if re.search(r'\[(\*|\d+)\]', prompt.inner_text()): return
            time.sleep(0.2)
    raise TimeoutError('the notebook would not run: its cells stay unexecuted')

def wait_json(path:Path, ok, timeout:float):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            d = json.loads(path.read_text())
            if ok(d): return d
        except (OSError, ValueError): pass
        time.sleep(0.2)
    return None

def check_strokes(strokes:list) -> list[str]:
    "What is wrong with strokes the kernel received ([] when nothing)"
    errs = []
    if len(strokes) != 2: errs.append(f'{len(strokes)} strokes, expected 2')
    for k, s in enumerate(strokes):
        if len(s) < 5: errs.append(f'stroke {k}: {len(s)} points')
        if any(len(p) != 4 for p in s): errs.append(f'stroke {k}: points are not [x, y, t_ms, pressure]')
        t = [p[2] for p in s]
        if t != sorted(t) or t[-1] <= t[0]: errs.append(f'stroke {k}: timestamps do not increase: {t[:5]}...')
        if not all(0 <= p[3] <= 1 for p in s): errs.append(f'stroke {k}: pressure outside 0-1')
    if len(strokes) == 2 and strokes[1][0][2] <= strokes[0][-1][2]: errs.append('stroke 1 starts before stroke 0 ends')
    return errs

def wait_until(ok, timeout:float, every:float=0.05) -> bool:
    "Whether `ok()` holds within `timeout` seconds"
    t0 = time.time()
    while time.time() - t0 < timeout:
        if ok(): return True
        time.sleep(every)
    return ok()

def inside(box:dict, outer:dict, slack:float=1.) -> bool:
    return (box['x'] >= outer['x'] - slack and box['x'] + box['width'] <= outer['x'] + outer['width'] + slack)

CLICK_TO_READING = """(sel) => new Promise(resolve => {
  const field = document.querySelector('.hmer-pad-latex input'), before = field.value, t0 = performance.now();
  const tick = () => field.value !== before ? resolve(performance.now() - t0)
                   : performance.now() - t0 > 20000 ? resolve(-1) : requestAnimationFrame(tick);
  document.querySelector(sel).click();
  requestAnimationFrame(tick);
})"""

def correct_in_page(page, state:Path, got:dict, field, out:Path, left) -> list[str]:
    "Correct the reading as a user would: pick a token, pick its first alternative, copy, narrow the column, erase a stroke"
    errs = []
    page.locator('.hmer-pad-token').first.click()                     # select the first token: its alternatives appear
    alt = page.locator('.hmer-pad-alt').first
    alt.wait_for(timeout=min(20, left()) * 1000)
    token = alt.inner_text().rsplit(None, 1)[0].strip()               # 'Y  25%' -> 'Y'
    before = field.input_value()
    ms = page.evaluate(CLICK_TO_READING, '.hmer-pad-alt')             # timed in the page: click to the new LaTeX shown
    if ms < 0: return [f'picking the alternative {token!r} left the reading {before!r}']
    new = wait_json(state, lambda d: d['latex'] != got['latex'] and 're-read' in d['status'], min(20, left()))
    if new is None: return ['the kernel did not re-read after the alternative was picked']
    if new['tokens'][0]['latex'] != token: errs.append(f're-read {new["latex"]!r} does not start with the token picked {token!r}')
    if field.input_value() != new['latex']: errs.append(f'the page shows {field.input_value()!r}, the kernel {new["latex"]!r}')
    print(f'ok: picked {token!r} for token 0: {got["latex"]!r} -> {new["latex"]!r}, {ms:.0f} ms from the click to the new '
          f'reading in the page')
    page.locator('.hmer-pad-copy').click()
    copied = page.evaluate('navigator.clipboard.readText()')
    if copied != new['latex']: errs.append(f'Copy put {copied!r} on the clipboard, not {new["latex"]!r}')
    else: print(f'ok: Copy put {copied!r} on the clipboard')
    page.get_by_role('button', name='Eraser').click()                 # the eraser: tap the circle's stroke
    # the mode goes through the kernel and back (cursor 'cell' once the canvas has it): tap only then
    page.wait_for_function("document.querySelector('canvas.hmer-ink-canvas').style.cursor === 'cell'",
                           timeout=min(20, left()) * 1000)
    box = page.locator('canvas.hmer-ink-canvas').bounding_box()
    page.mouse.click(box['x'] + 230, box['y'] + 110)
    owner = next((t['strokes'] for t in new['tokens'] if 1 in (t['strokes'] or [])), [1])   # the symbol of stroke 1
    erased = wait_json(state, lambda d: len(d['strokes']) < 2, min(20, left()))
    if erased is None: errs.append('tapping a stroke with the eraser did not remove it')
    elif erased['strokes'] != [s for i, s in enumerate(new['strokes']) if i not in owner]:
        errs.append(f'the eraser left {len(erased["strokes"])} strokes; the symbol tapped held strokes {owner}')
    else: print(f'ok: the eraser removed the symbol tapped (strokes {owner})')
    page.set_viewport_size({'width': 700, 'height': 800})             # a narrow column: nothing may be cut off
    page.wait_for_timeout(600)
    view = {'x': 0, 'width': 700}
    cell = page.locator('.jp-OutputArea-output').first.bounding_box()
    canvas = page.locator('canvas.hmer-ink-canvas').bounding_box()
    for name, loc in [('canvas', page.locator('canvas.hmer-ink-canvas')), ('Save', page.locator('.hmer-pad-save')),
                      ('status', page.locator('.hmer-pad-status')), ('Copy', page.locator('.hmer-pad-copy'))]:
        box = loc.bounding_box()
        if box is None or not (inside(box, view) and inside(box, cell)): errs.append(f'{name} is cut off in a narrow column: {box}')
    if not errs: print(f'ok: at 700 px the canvas is {canvas["width"]:.0f} px wide, inside the output ({cell["width"]:.0f} px)')
    page.screenshot(path=str(out.with_name(out.stem + '-narrow.png')), full_page=True)
    return errs

def test_pad(checkpoint:str, out:Path, timeout:float=150.) -> int:
    from playwright.sync_api import sync_playwright
    t_end = time.time() + timeout
    left = lambda: max(1., t_end - time.time())
    tmp = Path(tempfile.mkdtemp(prefix='hmer-pad-'))
    state = tmp/'state.json'
    (tmp/'pad.ipynb').write_text(json.dumps(notebook([PAD_CELL.format(ck=str(Path(checkpoint).resolve()), state=str(state))])))
    port, lab = free_port(), None
    try:
        lab = start([sys.executable, '-m', 'jupyterlab', '--no-browser', f'--port={port}', '--ServerApp.ip=127.0.0.1',
                     '--ServerApp.port_retries=0', '--ServerApp.allow_root=True', '--IdentityProvider.token=', '--ServerApp.password=',
                     f'--ServerApp.root_dir={tmp}', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'],
                    tmp/'lab.log', env=lab_env(tmp))
        if not wait_http(f'http://127.0.0.1:{port}/api/status', min(60, left()), lab):
            print('FAIL: JupyterLab did not start\n' + tail(tmp/'lab.log')); return 1
        with sync_playwright() as p:
            browser = launch(p)
            try:
                context = browser.new_context(viewport={'width': 1100, 'height': 800})
                context.grant_permissions(['clipboard-read', 'clipboard-write'], origin=f'http://127.0.0.1:{port}')
                page = context.new_page()
                page.set_default_timeout(30_000)
                page.goto(f'http://127.0.0.1:{port}/lab/tree/pad.ipynb', timeout=left() * 1000)
                page.locator('.jp-Notebook .jp-Cell').first.wait_for(timeout=min(60, left()) * 1000)
                run_all(page, min(60, left()))
                canvas = page.locator('canvas.hmer-ink-canvas')
                canvas.wait_for(state='visible', timeout=min(90, left()) * 1000)
                canvas.scroll_into_view_if_needed()
                draw(page, canvas, [[(60 + 8 * i, 60 + 5 * i) for i in range(15)],      # a slanted line
                                    [(200 + 30 * math.cos(k / 3), 110 + 30 * math.sin(k / 3)) for k in range(19)]])  # a circle
                got = wait_json(state, lambda d: len(d['strokes']) >= 2 and d['latex'] is not None and 'reading…' not in d['status'],
                                min(60, left()))   # a reading of both strokes, not the last one kept while it comes
                if got is None:
                    page.screenshot(path=str(out))
                    print('FAIL: the kernel did not read two strokes; state:', state.read_text()[:500] if state.exists() else None)
                    return 1
                if errs := check_strokes(got['strokes']):
                    print('FAIL:', '; '.join(errs)); return 1
                field = page.locator('.hmer-pad-latex input')
                t0 = time.time()
                while field.input_value() != got['latex'] and time.time() - t0 < min(20, left()): time.sleep(0.2)
                if field.input_value() != got['latex']:
                    print(f'FAIL: the page shows {field.input_value()!r}, the kernel read {got["latex"]!r}'); return 1
                typeset = page.locator('.hmer-pad-math mjx-container')
                typeset.first.wait_for(timeout=min(20, left()) * 1000)   # the reading typeset by MathJax
                page.wait_for_timeout(300)
                page.screenshot(path=str(out))
                out.with_suffix('.json').write_text(json.dumps(got))
                print(f"ok: 2 strokes ({', '.join(str(len(s)) for s in got['strokes'])} points, t up to "
                      f"{got['strokes'][-1][-1][2]:.0f} ms), read {got['latex']!r}, typeset; screenshot {out}")
                if errs := correct_in_page(page, state, got, field, out, left):
                    print('FAIL:', '; '.join(errs)); page.screenshot(path=str(out)); return 1
                return 0
            except Exception as e:
                page.screenshot(path=str(out))
                print(f'FAIL: {type(e).__name__}: {str(e)[:800]}\nscreenshot {out}\n--- JupyterLab log\n' + tail(tmp/'lab.log'))
                return 1
            finally: browser.close()
    finally:
        if lab is not None and lab.poll() is None:
            try: urllib.request.urlopen(urllib.request.Request(f'http://127.0.0.1:{port}/api/shutdown', method='POST'), timeout=5)
            except OSError: pass
            stop(lab)
        shutil.rmtree(tmp, ignore_errors=True)

# ---------------------------------------------------------------------------------------------------- dashboard
def test_dashboard(run:str, out:Path, train:list|None=None, port:int|None=None, engine:str='auto',
                   min_epochs:int=1, timeout:float=300., makefile:str|None=None) -> int:
    from playwright.sync_api import sync_playwright
    t_end, port = time.time() + timeout, port or free_port()
    left = lambda: max(1., t_end - time.time())
    logs = Path(tempfile.mkdtemp(prefix='hmer-dash-'))
    trainer = dash = None
    try:
        if train: trainer = start(train, logs/'train.log')
        cmd = ([sys.executable, '-m', 'hmer_ink.dashboard', run, '--port', str(port), '--every', '2', '--engine', engine]
               if makefile is None else ['make', '-f', makefile, 'dashboard', f'RUN={run}', f'PORT={port}'])
        dash = start(cmd, logs/'dashboard.log')
        if not wait_http(f'http://127.0.0.1:{port}/', min(90, left()), dash):
            print('FAIL: the dashboard did not start\n' + tail(logs/'dashboard.log')); return 1
        with sync_playwright() as p:
            browser = launch(p)
            try:
                page = browser.new_page(viewport={'width': 1250, 'height': 1000})
                page.goto(f'http://127.0.0.1:{port}/', timeout=min(120, left()) * 1000)
                header = page.locator('.hmer-monitor-header')
                header.first.wait_for(timeout=min(120, left()) * 1000)
                page.screenshot(path=str(out.with_name(out.stem + '-first.png')))
                done = lambda: max(0, page.locator('.hmer-monitor-epochs tr').count() - 1)
                first, training = done(), trainer is not None and trainer.poll() is None
                target = max(min_epochs, first + 1 if training else 0)   # while training: the page must update
                while done() < target and time.time() < t_end - 5:
                    if trainer is not None and trainer.poll() not in (None, 0):
                        print('FAIL: the training run failed\n' + tail(logs/'train.log')); return 1
                    page.wait_for_timeout(1000)
                page.wait_for_timeout(500)
                page.screenshot(path=str(out), full_page=True)
                n, text = done(), header.first.inner_text()
                if n < target: print(f'FAIL: {n} epochs shown (at first {first}) after {timeout:.0f} s; header: {text}'); return 1
                print(f'ok: {first} epochs shown at first, then {n}; header: {text}; screenshots {out} and -first')
                return 0
            except Exception as e:
                page.screenshot(path=str(out))
                print(f'FAIL: {type(e).__name__}: {str(e)[:800]}\nscreenshot {out}\n--- dashboard log\n' + tail(logs/'dashboard.log'))
                return 1
            finally: browser.close()
    finally:
        stop(dash); stop(trainer)
        shutil.rmtree(logs, ignore_errors=True)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='what', required=True)
    a = sub.add_parser('pad'); a.add_argument('--checkpoint', required=True); a.add_argument('--out', default='pad.png')
    a.add_argument('--timeout', type=float, default=150)
    d = sub.add_parser('dashboard'); d.add_argument('--run', required=True); d.add_argument('--out', default='dashboard.png')
    d.add_argument('--port', type=int); d.add_argument('--engine', default='auto'); d.add_argument('--min-epochs', type=int, default=1)
    d.add_argument('--timeout', type=float, default=300); d.add_argument('--train', nargs=argparse.REMAINDER)
    d.add_argument('--make', nargs='?', const='Makefile', help='serve with `make -f MAKE dashboard RUN=.. PORT=..`')
    args = ap.parse_args()
    if why := skip_reason(need_lab=args.what == 'pad'):
        print(f'skipped: {why}'); sys.exit(SKIP)
    out = Path(args.out).resolve(); out.parent.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError('browser test over its time limit')))
    signal.alarm(int(args.timeout) + 60)   # a hard stop on top of every wait's own timeout
    if args.what == 'pad': sys.exit(test_pad(args.checkpoint, out, args.timeout))
    sys.exit(test_dashboard(args.run, out, args.train, args.port, args.engine, args.min_epochs, args.timeout, args.make))

if __name__ == '__main__': main()
