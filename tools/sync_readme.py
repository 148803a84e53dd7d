"""README.md is rendered from nbs/index.ipynb (nbdev's `readme_nb`) without Quarto.

    python tools/sync_readme.py            # write README.md from nbs/index.ipynb
    python tools/sync_readme.py --check    # exit 1 when README.md is not what index.ipynb renders to
    python tools/sync_readme.py --import   # (re)create nbs/index.ipynb from README.md (one-off, e.g. after editing README.md)

Rendering is deterministic: markdown cells verbatim, code cells as ```python blocks (nbdev/Quarto directive lines
`#| ...` dropped; cells marked `#| hide`, `#| include: false` or `#| echo: false` left out), text outputs (stream,
text/plain, text/markdown) as plain fenced blocks (markdown verbatim), other outputs omitted. Blocks are separated
by one blank line and the file ends with one newline."""
import argparse, difflib, hashlib, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB, README = ROOT/'nbs'/'index.ipynb', ROOT/'README.md'
_re_directive = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def _src(cell) -> str:
    "A cell's source as one string."
    s = cell.get('source', '')
    return ''.join(s) if isinstance(s, list) else s

def _directives(src: str) -> dict:
    "The `#| key: value` lines of a code cell (`#| hide` gives {'hide': ''})."
    return {m[1]: m[2] for l in src.splitlines() if (m := _re_directive.match(l))}

def _code_lines(src: str) -> str:
    "Source without directive lines, stripped of surrounding blank lines."
    return '\n'.join(l for l in src.splitlines() if not _re_directive.match(l)).strip('\n')

def _hidden(d: dict) -> bool:
    "Whether directives keep a code cell out of the README."
    return 'hide' in d or d.get('include') == 'false' or d.get('echo') == 'false'

def _outputs(cell) -> list[str]:
    "Text outputs of a code cell as README blocks."
    res = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream': txt = ''.join(o.get('text', ''))
        else:
            data = o.get('data', {})
            if 'text/markdown' in data: res.append(''.join(data['text/markdown']).strip('\n')); continue
            txt = ''.join(data.get('text/plain', ''))
        if txt.strip(): res.append('```\n' + txt.rstrip('\n') + '\n```')
    return res

def render(nb: dict) -> str:
    "The README text of notebook `nb` (a dict as json.load reads it)."
    blocks = []
    for c in nb['cells']:
        src = _src(c)
        if c['cell_type'] == 'markdown':
            if src.strip(): blocks.append(src.strip('\n'))
        elif c['cell_type'] == 'code':
            d = _directives(src)
            if 'hide' in d or d.get('include') == 'false': continue
            code = _code_lines(src)
            if code and not _hidden(d): blocks.append('```python\n' + code + '\n```')
            if d.get('output') != 'false': blocks += _outputs(c)
    return '\n\n'.join(blocks) + '\n'

def _cell_id(i: int, src: str) -> str:
    "A stable cell id, as nbdev-clean would keep it."
    return hashlib.sha1(f'{i}:{src}'.encode()).hexdigest()[:8]

def _mk_cell(i: int, kind: str, src: str) -> dict:
    "A notebook cell in the layout nbdev-clean writes."
    c = {'cell_type': kind, 'id': _cell_id(i, src), 'metadata': {}, 'source': src.splitlines(True)}
    if kind == 'code': c = {'cell_type': 'code', 'execution_count': None, 'id': c['id'], 'metadata': {},
                            'outputs': [], 'source': c['source']}
    return c

def split_readme(text: str) -> list[tuple[str, str]]:
    "README text -> [(kind, source)]: a markdown cell per section, ```python blocks as `#| eval: false` code cells."
    cells, cur, lines, i = [], [], text.rstrip('\n').split('\n'), 0
    def flush():
        while cur and not cur[-1].strip(): cur.pop()
        if cur: cells.append(('markdown', '\n'.join(cur)))
        cur.clear()
    while i < len(lines):
        l = lines[i]
        if l.startswith('```python'):
            j = lines.index('```', i + 1)
            flush(); cells.append(('code', '#| eval: false\n' + '\n'.join(lines[i+1:j])))
            i = j + 2 if j + 1 < len(lines) and not lines[j+1].strip() else j + 1
            continue
        if l.startswith('## ') and cur: flush()
        cur.append(l); i += 1
        if l.startswith('# ') and len(cur) == 1 and not cells: flush()  # the title cell: nbdev takes it as the page title
    flush()
    return cells

def import_readme(text: str) -> dict:
    "A notebook (dict) whose rendering is `text`."
    cells = [_mk_cell(i, k, s) for i, (k, s) in enumerate(split_readme(text))]
    meta = {'jupytext': {'cell_metadata_filter': '-all'},
            'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}
    return {'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument('--check', action='store_true', help='exit 1 when README.md differs from the rendering of index.ipynb')
    g.add_argument('--import', dest='imp', action='store_true', help='create nbs/index.ipynb from README.md')
    a = p.parse_args()
    if a.imp:
        nb = import_readme(README.read_text(encoding='utf-8'))
        NB.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
        if render(nb) != README.read_text(encoding='utf-8'): sys.exit('README.md does not round-trip: check its fences')
        return print(f'wrote {NB.relative_to(ROOT)}')
    want = render(json.loads(NB.read_text(encoding='utf-8')))
    have = README.read_text(encoding='utf-8') if README.exists() else ''
    if a.check:
        if want == have: return print('README.md is in sync with nbs/index.ipynb')
        sys.stdout.writelines(list(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                        'README.md', 'rendered nbs/index.ipynb'))[:60])
        sys.exit('README.md is out of date: edit nbs/index.ipynb, then run `python tools/sync_readme.py`')
    if want != have: README.write_text(want, encoding='utf-8')
    print('README.md ' + ('updated' if want != have else 'unchanged'))

if __name__ == '__main__': main()
