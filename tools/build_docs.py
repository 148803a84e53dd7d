"""Build the documentation site into _docs/ without Quarto: one HTML page per notebook in nbs/.

    python tools/build_docs.py              # (make docs) -> _docs/index.html, _docs/inkml.html, ...
    python tools/build_docs.py --out DIR    # somewhere else (the docs test builds into a temporary folder)

What nbdev-docs + Quarto do, offline and in seconds: the notebooks go through nbdev's processors (title and
description from `# Title` / `> description`, `show_doc` added after every exported definition, exported and hidden
cells dropped), are rendered from their saved outputs (nothing is executed), and get nbdev's page names
(`01_inkml.ipynb` -> `inkml.html`), a sidebar of every page in file-name order, doc links (`` `read_inkml` `` -> the
page that defines it), signatures with parameter tables (fastcore docments), plots, and math (MathJax, copied from
the `jupyter-server-mathjax` package). Links to other notebooks are rewritten to their pages, and every internal link
is checked at the end: a broken one is a warning (an error with --strict)."""
import argparse, base64, html, importlib, json, re, shutil, sys, time, warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/'nbs'
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, TextLexer
from fastcore.docments import DocmentTbl, MarkdownRenderer
from fastcore.nbio import read_nb
from nbdev.config import nbpath2html
from nbdev.process import NBProcessor
from nbdev.frontmatter import FrontmatterProc
from nbdev.processors import (populate_language, add_show_docs, strip_ansi, hide_line, filter_stream_, rm_header_dash,
                              rm_export, clean_magics, hide_, strip_hidden_metadata, _default_exp)

_re_ansi = re.compile(r'\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])')
_re_backticks = re.compile(r'`([^`\s]+?)(?:\(\))?`')
_re_showdoc = re.compile(r'^\s*show_doc\((.+)\)\s*$', re.DOTALL)

# ---------------------------------------------------------------- pages and symbols

def notebooks(nbs=NBS) -> list[Path]:
    "Every notebook that becomes a page, ordered like nbdev's sidebar (index first, then by file name)."
    fs = [f for f in nbs.rglob('*.ipynb') if not any(p.startswith(('_', '.')) for p in f.relative_to(nbs).parts)]
    return sorted(fs, key=lambda f: ('' if f.stem == 'index' else '~', str(f.relative_to(nbs))))

def page_of(nb: Path, nbs=NBS) -> str:
    "nbdev's page name of a notebook: `01_inkml.ipynb` -> `inkml.html`."
    return nbpath2html(nb.relative_to(nbs)).as_posix()

def symbol_pages() -> dict[str, str]:
    "Public names of hmer_ink -> 'page.html#anchor', from the module index nbdev-export writes."
    from hmer_ink._modidx import d
    res = {}
    for mod, syms in d['syms'].items():
        for full, (url, _) in syms.items():
            nm = full[len(mod)+1:]
            if any(p.startswith('_') and not p.startswith('__') for p in nm.split('.')) or '.__' in nm: continue
            res[full] = url
            res.setdefault(nm, url)
    return res

class Linker:
    "nbdev's doclinks: backticked names of documented symbols become links to their pages."
    def __init__(self):
        self.local = symbol_pages()
        try:
            from nbdev.doclinks import NbdevLookup
            self.ext = NbdevLookup()
        except Exception: self.ext = None

    def url(self, nm: str) -> str | None:
        "The page of `nm`: ours first (relative), then other nbdev libraries' (absolute)."
        if nm in self.local: return self.local[nm]
        if self.ext is None or nm.startswith('hmer_ink'): return None
        try: u = self.ext.doc(nm)
        except Exception: return None
        return u if isinstance(u, str) and u.startswith('http') else None

    def line(self, l: str) -> str:
        "Link the backticked names of one markdown line (not those already inside a link)."
        def sub(m):
            if l[max(0, m.start()-1):m.start()] == '[' and l[m.end():m.end()+2] == '](': return m.group(0)
            u = self.url(m.group(1))
            return f'[{m.group(0)}]({u})' if u else m.group(0)
        return _re_backticks.sub(sub, l)

    def __call__(self, md: str) -> str:
        "Link a markdown text, leaving code fences and indented code alone."
        out, fence = [], False
        for l in md.splitlines():
            if l.lstrip().startswith('```'): fence = not fence
            elif not fence and not l.startswith('    '): l = self.line(l)
            out.append(l)
        return '\n'.join(out)

# ---------------------------------------------------------------- markdown, code, outputs

_fmt = HtmlFormatter(nowrap=True)

def highlight_code(code: str, lang: str = 'python') -> str:
    "Code as highlighted HTML (without the surrounding <pre>)."
    try: lexer = get_lexer_by_name(lang or 'text')
    except Exception: lexer = TextLexer()
    return highlight(code, lexer, _fmt)

def _math(content: str, opts: dict) -> str:
    "TeX for MathJax (dollarmath wraps it in a span or div of class `math`)."
    return (r'\[' if opts.get('display_mode') else r'\(') + html.escape(content) + (r'\]' if opts.get('display_mode') else r'\)')

def _fence(code, lang, attrs): return f'<pre class="highlight"><code>{highlight_code(code, lang)}</code></pre>'

md_parser = (MarkdownIt('commonmark', {'html': True, 'typographer': False, 'highlight': _fence})
             .enable(['table', 'strikethrough']).use(dollarmath_plugin, double_inline=True, renderer=_math))

def slug(text: str) -> str:
    "Quarto/pandoc-style heading id."
    s = re.sub(r'<[^>]+>', '', text).strip().lower()
    s = re.sub(r'[^\w\s.-]', '', s)
    return re.sub(r'\s+', '-', s) or 'section'

def render_md(md: str) -> str:
    "Markdown (with $math$) to HTML."
    return md_parser.render(md)

def _txt(x) -> str: return ''.join(x) if isinstance(x, list) else (x or '')

def render_output(o: dict, md) -> str:
    "One saved cell output as HTML."
    t = o.get('output_type')
    if t == 'stream':
        cls = 'stderr' if o.get('name') == 'stderr' else 'stdout'
        return f'<pre class="out {cls}">{html.escape(_re_ansi.sub("", _txt(o.get("text"))))}</pre>'
    if t == 'error':
        tb = _re_ansi.sub('', '\n'.join(o.get('traceback', [])) or f"{o.get('ename')}: {o.get('evalue')}")
        return f'<pre class="out error">{html.escape(tb)}</pre>'
    d = o.get('data', {})
    if 'application/vnd.jupyter.widget-view+json' in d:
        return '<div class="out widget">An interactive widget: run the notebook in Jupyter to use it.</div>'
    if 'text/html' in d: return f'<div class="out html">{_txt(d["text/html"])}</div>'
    if 'image/svg+xml' in d: return f'<div class="out img">{_txt(d["image/svg+xml"])}</div>'
    for mime in ('image/png', 'image/jpeg', 'image/gif'):
        if mime in d:
            b64 = _txt(d[mime]).replace('\n', '')
            w = (o.get('metadata', {}).get(mime) or {}).get('width')
            size = f' width="{w}"' if w else ''
            return f'<div class="out img"><img src="data:{mime};base64,{b64}"{size} alt="output"></div>'
    if 'text/markdown' in d: return f'<div class="out md">{md(_txt(d["text/markdown"]))}</div>'
    if 'text/latex' in d: return f'<div class="out latex">{html.escape(_txt(d["text/latex"]))}</div>'
    if 'text/plain' in d: return f'<pre class="out">{html.escape(_re_ansi.sub("", _txt(d["text/plain"])))}</pre>'
    return ''

# ---------------------------------------------------------------- show_doc

def _namespaces(mod: str | None) -> list[dict]:
    "Where a show_doc argument is looked up: the notebook's module, then every hmer_ink module."
    from hmer_ink._modidx import d
    names = ([f'hmer_ink.{mod}'] if mod else []) + sorted(d['syms'])
    res = []
    for m in dict.fromkeys(names):
        try: res.append(vars(importlib.import_module(m)))
        except Exception as e: warnings.warn(f'cannot import {m}: {e}')
    return res

def doc_markdown(sym, nm: str) -> str:
    "Signature, docstring and parameter table of `sym` (nbdev's show_doc markdown, plus fastcore's DocmentTbl)."
    body = MarkdownRenderer(sym, name=nm)._repr_markdown_()
    try: tbl = DocmentTbl(sym)._repr_markdown_()
    except Exception: tbl = ''
    tbl = tbl.replace('<', '&lt;').replace('>', '&gt;')
    return body + ('\n\n' + tbl if tbl else '')

def render_show_doc(src: str, nss: list[dict], md, problems: list) -> str | None:
    "A `show_doc(X)` cell as an HTML block with the anchor nbdev's doc links point at."
    m = _re_showdoc.match(src)
    if not m: return None
    expr = m.group(1).split(',')[0].strip()
    for ns in nss:
        try: sym = eval(expr, dict(ns))
        except Exception: continue
        nm = expr.split('.', 1)[-1] if expr.startswith('hmer_ink.') else expr
        anchor = nm.lower()
        return (f'<div class="showdoc" id="{html.escape(anchor)}"><h3 class="anchored">'
                f'<a class="anchor" href="#{html.escape(anchor)}">{html.escape(nm)}</a></h3>'
                f'{md(doc_markdown(sym, nm))}</div>')
    problems.append(f'show_doc({expr}): name not found')
    return ''

# ---------------------------------------------------------------- one notebook

DOC_PROCS = [FrontmatterProc, populate_language, add_show_docs, strip_ansi, hide_line, filter_stream_, rm_header_dash,
             rm_export, clean_magics, hide_, strip_hidden_metadata]

def process(nb_path: Path):
    "The notebook after nbdev's documentation processors (no execution)."
    nb = read_nb(nb_path)
    nb.path_ = str(nb_path)
    mod = _default_exp(nb)
    NBProcessor(nb=nb, procs=DOC_PROCS, rm_directives=True).process()
    return nb, mod

def _fm(nb) -> dict:
    cell = next((c for c in nb.cells if c.cell_type == 'raw' and c.source.startswith('---')), None)
    if cell is None: return {}
    import yaml
    nb.cells.remove(cell)
    return yaml.safe_load(cell.source.strip().strip('-')) or {}

def render_cell(c, nss, md, problems) -> str:
    "One processed cell as HTML."
    if c.cell_type == 'markdown': return f'<div class="cell md">{md(c.source)}</div>'
    if c.cell_type != 'code': return ''
    d = getattr(c, 'directives_', None) or {}
    if d.get('include') == 'false': return ''
    sd = render_show_doc(c.source, nss, md, problems) if _re_showdoc.match(c.source or '') else None
    if sd is not None: return sd
    echo, out = d.get('echo') != 'false', d.get('output') != 'false'
    parts = []
    if echo and c.source.strip():
        parts.append(f'<pre class="highlight source"><code>{highlight_code(c.source, c.metadata.get("language", "python"))}</code></pre>')
    if out: parts += [render_output(o, md) for o in c.get('outputs', [])]
    parts = [p for p in parts if p]
    return f'<div class="cell code">{"".join(parts)}</div>' if parts else ''

def render_notebook(nb_path: Path, linker: Linker, nbs=NBS) -> tuple[dict, str, list]:
    "(frontmatter, body HTML, problems) of one notebook."
    nb, mod = process(nb_path)
    fm = _fm(nb)
    if fm.get('description'): fm['description'] = full_description(nb_path) or fm['description']
    problems = []
    nss = _namespaces(mod) if any(_re_showdoc.match(c.source or '') for c in nb.cells if c.cell_type == 'code') else []
    md = lambda s: rewrite_links(render_md(linker(s)), nbs)
    body = '\n'.join(render_cell(c, nss, md, problems) for c in nb.cells)
    return fm, add_heading_ids(body), problems

def full_description(nb_path: Path) -> str:
    "The `> description` of the title cell, all its lines (nbdev's frontmatter keeps only the first)."
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    cell = next((c for c in nb['cells'] if c['cell_type'] == 'markdown'), None)
    if cell is None: return ''
    lines, res = _txt(cell['source']).splitlines(), []
    for l in lines:
        if l.startswith('>'): res.append(l[1:].strip())
        elif res: break
    return ' '.join(res)

_re_href = re.compile(r'(href|src)="([^"#:]+?)\.ipynb(#[^"]*)?"')

def rewrite_links(h: str, nbs=NBS) -> str:
    "Relative links to notebooks -> links to their pages."
    def sub(m):
        p = Path(m.group(2) + '.ipynb')
        name = nbpath2html(p).as_posix() if not p.is_absolute() else m.group(2)
        return f'{m.group(1)}="{name}{m.group(3) or ""}"'
    return _re_href.sub(sub, h)

_re_heading = re.compile(r'<h([1-4])>(.*?)</h\1>', re.DOTALL)

def add_heading_ids(h: str) -> str:
    "Give headings pandoc-style ids (unique within the page), so that `page.html#section` links work."
    seen = set(re.findall(r'id="([^"]+)"', h))
    def sub(m):
        base = slug(m.group(2)); i, s = 1, base
        while s in seen: s = f'{base}-{i}'; i += 1
        seen.add(s)
        return f'<h{m.group(1)} id="{s}" class="anchored">{m.group(2)}</h{m.group(1)}>'
    return _re_heading.sub(sub, h)

# ---------------------------------------------------------------- the site

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title>
<meta name="description" content="{desc_attr}">
<link rel="stylesheet" href="site.css">
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{tex2jax: {{inlineMath: [['\\\\(','\\\\)']], displayMath: [['\\\\[','\\\\]']], processEscapes: true}},
  "HTML-CSS": {{availableFonts: [], preferredFont: null, webFont: "STIX-Web", linebreaks: {{automatic: true}}}},
  showMathMenu: false, messageStyle: "none"}});
</script>
<script src="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"></script>
</head><body>
<header class="navbar"><a class="brand" href="index.html">{site}</a><span class="tagline">{tagline}</span></header>
<div class="layout">
<nav class="sidebar">{nav}</nav>
<main class="content">
<h1 class="title">{title}</h1>
{desc}
{body}
</main>
<aside class="toc">{toc}</aside>
</div>
</body></html>
"""

def nav_html(pages: list[tuple[str, str]], current: str) -> str:
    "The sidebar: every page, in order."
    items = ''.join(f'<li{" class=active" if p == current else ""}><a href="{p}">{html.escape(t)}</a></li>'
                    for p, t in pages)
    return f'<ul>{items}</ul>'

def toc_html(body: str) -> str:
    "The page's sections (h2)."
    hs = re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', body, re.DOTALL)
    if not hs: return ''
    items = ''.join(f'<li><a href="#{i}">{re.sub(r"<[^>]+>", "", t)}</a></li>' for i, t in hs)
    return f'<div class="toc-title">On this page</div><ul>{items}</ul>'

def copy_mathjax(out: Path) -> bool:
    "Copy MathJax 2 (from the jupyter-server-mathjax package) next to the pages, once."
    try: import jupyter_server_mathjax
    except ImportError:
        warnings.warn('jupyter-server-mathjax is not installed: math will show as TeX source'); return False
    src = Path(jupyter_server_mathjax.__file__).parent/'static'
    dst = out/'mathjax'
    if not (dst/'MathJax.js').exists():
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns('localization', 'SVG', '*.md'), dirs_exist_ok=True)
    return True

def site_title() -> str:
    import tomllib
    return tomllib.loads((ROOT/'pyproject.toml').read_text())['tool']['nbdev'].get('title', ROOT.name)

def build(out: Path = ROOT/'_docs', nbs: Path = NBS) -> list[str]:
    "Render every notebook to `out`; return the problems found (missing symbols, broken links)."
    out.mkdir(parents=True, exist_ok=True)
    linker, site, problems, rendered = Linker(), site_title(), [], []
    for f in notebooks(nbs):
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter('always')
            fm, body, probs = render_notebook(f, linker, nbs)
        problems += [f'{f.name}: {p}' for p in probs] + [f'{f.name}: {w.message}' for w in ws
                                                         if not issubclass(w.category, DeprecationWarning)]
        title = str(fm.get('title') or f.stem)
        if f.stem == 'index' and not fm.get('title'): title = site
        rendered.append((f, page_of(f, nbs), title, str(fm.get('description') or ''), body))
    pages = [(p, t) for _, p, t, _, _ in rendered]
    rendered = fix_method_links(rendered)
    tagline = html.escape(next((d for f, _, _, d, _ in rendered if f.stem == 'index'), ''))
    for f, page, title, desc, body in rendered:
        h1_dup = re.match(r'\s*<div class="cell md"><h1 id="[^"]*" class="anchored">(.*?)</h1>', body)
        if h1_dup and re.sub(r'<[^>]+>', '', h1_dup.group(1)).strip() == title:
            body = body.replace(h1_dup.group(0), '<div class="cell md">', 1)
        d = f'<p class="description">{render_md(desc)[3:-5]}</p>' if desc else ''
        (out/page).parent.mkdir(parents=True, exist_ok=True)
        (out/page).write_text(PAGE.format(title=html.escape(title), site=html.escape(site), desc_attr=html.escape(desc),
                                          tagline=tagline, nav=nav_html(pages, page), desc=d, body=body,
                                          toc=toc_html(body)), encoding='utf-8')
    shutil.copyfile(Path(__file__).parent/'docs_site.css', out/'site.css')
    with (out/'site.css').open('a') as fh: fh.write('\n/* pygments */\n' + _fmt.get_style_defs('.highlight'))
    if not copy_mathjax(out): problems.append('MathJax not copied (pip install jupyter-server-mathjax)')
    return problems + check_site(out)

def fix_method_links(rendered: list) -> list:
    "Links to methods documented inside their class (no show_doc of their own) go to the class."
    ids = {page: set(re.findall(r'id="([^"]+)"', body)) for _, page, _, _, body in rendered}
    def sub(m):
        page, anchor = m.group(1), m.group(2)
        have = ids.get(page, set())
        if anchor in have or '.' not in anchor: return m.group(0)
        cls = anchor.rsplit('.', 1)[0]
        return f'href="{page}#{cls}"' if cls in have else m.group(0)
    return [(f, page, t, d, re.sub(r'href="([\w.-]+\.html)#([^"]+)"', sub, body)) for f, page, t, d, body in rendered]

# ---------------------------------------------------------------- link check

class _Links(HTMLParser):
    def __init__(self):
        super().__init__(); self.links, self.ids = [], set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id'): self.ids.add(a['id'])
        if tag == 'a' and a.get('name'): self.ids.add(a['name'])
        for k in ('href', 'src'):
            if a.get(k): self.links.append(a[k])

def check_site(out: Path) -> list[str]:
    "Every href/src of every page that points inside the site: the file exists and so does its #anchor."
    parsed = {}
    def parse(p: Path):
        if p not in parsed:
            x = _Links(); x.feed(p.read_text(encoding='utf-8', errors='replace')); parsed[p] = x
        return parsed[p]
    bad = []
    for page in sorted(out.rglob('*.html')):
        if 'mathjax' in page.relative_to(out).parts: continue
        for link in parse(page).links:
            u = urlsplit(link)
            if u.scheme or link.startswith(('//', 'mailto:', 'data:', 'javascript:')): continue
            target = (page.parent/unquote(u.path)).resolve() if u.path else page
            if not target.exists() or not target.resolve().is_relative_to(out.resolve()):
                bad.append(f'{page.relative_to(out)}: broken link {link}'); continue
            if u.fragment and target.suffix == '.html' and unquote(u.fragment) not in parse(target).ids:
                bad.append(f'{page.relative_to(out)}: missing anchor {link}')
    return bad

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default=str(ROOT/'_docs'), help='output folder (default _docs/)')
    p.add_argument('--strict', action='store_true', help='exit 1 on any warning (missing symbol, broken link)')
    a = p.parse_args()
    t0 = time.time()
    probs = build(Path(a.out))
    for w in probs: print(f'warning: {w}', file=sys.stderr)
    print(f'{len(list(Path(a.out).glob("*.html")))} pages in {a.out} in {time.time()-t0:.1f}s, {len(probs)} warnings')
    sys.exit(1 if probs and a.strict else 0)

if __name__ == '__main__': main()
