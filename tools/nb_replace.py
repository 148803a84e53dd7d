"Authoring aid: replace text in a notebook's cell sources in place (outputs kept), and in its scratch/nbsrc copy if any."
import sys, json
from pathlib import Path

def replace(nb:str, old:str, new:str):
    p = Path(nb)
    d = json.loads(p.read_text())
    n = 0
    for c in d['cells']:
        src = ''.join(c['source'])
        if old in src:
            c['source'] = src.replace(old, new).splitlines(keepends=True); n += 1
    if n != 1: sys.exit(f'{nb}: {n} cells contain the text (expected 1)')
    p.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n')
    py = Path('scratch/nbsrc')/(p.stem + '.py')
    if py.exists() and old in (s := py.read_text()): py.write_text(s.replace(old, new))

if __name__ == '__main__':
    nb, old, new = sys.argv[1], Path(sys.argv[2]).read_text().rstrip('\n'), Path(sys.argv[3]).read_text().rstrip('\n')
    replace(nb, old, new)
