"""Every figure of every page legible in both of the site's modes, and inside its column.

* Contrast: in the light and the dark colour scheme (Playwright emulates ``prefers-color-scheme``; the theme
  follows it), every piece of text in a page's outputs, tables and kernel-free figures, and every text of the
  SVG images (diagrams and plots, shown as ``<img>``), is measured against what it actually sits on: the
  nearest painted shapes and backgrounds under it, composited down to an opaque one (for an SVG image,
  down to the page behind the ``<img>``). Below 4.5:1 (WCAG AA for normal text) fails.
* Width: at 1280 px and at a phone's 390 px no output is wider than the content column unless its own box
  scrolls sideways by design; a kernel-free figure's legend is in view without scrolling.
* Size: the text of a Graphviz diagram renders at no less than 9 px at 1280 px.
"""

from __future__ import annotations

import pytest

from tests.browser.site import site_pages

MIN_CONTRAST = 4.5
MIN_DIAGRAM_FONT_PX = 9.0
SCHEMES = ("light", "dark")
WIDTHS = {"desktop": 1280, "phone": 390}
CONTENT = "article.bd-article"

PAGES = [p for p in site_pages() if p.startswith("book/") or p == "index.html"]

# Colour maths and the search for what a text sits on, run in the page (or in an SVG image's own document).
CONTRAST_JS = r"""
(rootSelector) => {
  const parse = (s) => {
    const m = s && s.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const lum = (c) => {
    const l = c.slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  };
  const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x); return (h + 0.05) / (l + 0.05); };
  const opacity = (el) => { let o = 1; for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o; };
  const hex = (c) => '#' + c.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, '0')).join('');
  // What an element paints behind the text: SVG shapes their fill, HTML boxes (and the <svg> box) their
  // background colour; a raster <image> is unknown (null colour, flagged).
  const paint = (el) => {
    const cs = getComputedStyle(el);
    if (el instanceof SVGElement && !(el instanceof SVGSVGElement)) {
      if (el.tagName === 'image') return 'raster';
      if (!(el instanceof SVGGeometryElement)) return null;
      const c = parse(cs.fill);
      if (!c) return null;
      c[3] *= parseFloat(cs.fillOpacity) * opacity(el);
      return c[3] > 0.001 ? c : null;
    }
    const c = parse(cs.backgroundColor);
    if (!c) return null;
    c[3] *= opacity(el);
    return c[3] > 0.001 ? c : null;
  };
  const isText = (el) => el.closest('text, [id^="text_"], [id^="legend_"] text') !== null && el.tagName !== 'path'
                         || ['text', 'tspan', 'use'].includes(el.tagName);
  // The background under a point, composited from the topmost painted layer below `self` to an opaque one.
  const backgroundAt = (x, y, self) => {
    const stack = document.elementsFromPoint(x, y);
    const layers = [];
    let below = false;
    for (const el of stack) {
      if (!below) { if (el === self || self.contains(el)) below = true; continue; }
      if (self.contains(el) || (el instanceof SVGElement && isText(el))) continue;
      const p = paint(el);
      if (p === 'raster') return {raster: true};
      if (p) { layers.push(p); if (p[3] >= 0.999) break; }
    }
    let colour = [255, 255, 255, 1];  // the canvas, if nothing opaque is found
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return {colour};
  };
  let roots = [...document.querySelectorAll(rootSelector)];
  roots = roots.filter(r => !roots.some(o => o !== r && o.contains(r)));  // outermost regions only
  const style = document.createElement('style');
  style.textContent = '* { pointer-events: auto !important; }';
  document.head ? document.head.appendChild(style) : document.documentElement.appendChild(style);
  const results = [];
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const measure = (el, colour, label) => {
    const r = el.getBoundingClientRect();
    let worst = null;
    for (const fx of [0.25, 0.5, 0.75]) {
      const x = r.left + fx * r.width, y = r.top + r.height / 2;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const bg = backgroundAt(x, y, el);
      if (bg.raster) { worst = {ratio: 0, bg: 'raster image'}; break; }
      const c = over(colour, bg.colour);
      const k = ratio(c, bg.colour);
      if (worst === null || k < worst.ratio) worst = {ratio: k, bg: hex(bg.colour)};
    }
    if (worst) results.push({text: label.trim().slice(0, 60), colour: hex(colour), ...worst});
  };
  // SVG text: <text> elements, and matplotlib's glyph-path text groups (g#text_N without a <text> inside)
  const svgTexts = roots.flatMap(root => [...root.querySelectorAll('svg text')].concat(
    [...root.querySelectorAll('svg g[id^="text_"]')].filter(g => !g.querySelector('text') && g.querySelector('use, path'))));
  for (const t of svgTexts) {
    if (!visible(t) || !t.textContent.trim() && t.tagName === 'text') continue;
    const fillEl = t.tagName === 'text' ? t : (t.querySelector('[style*="fill"]') || t);
    const c = parse(getComputedStyle(fillEl).fill);
    if (!c) continue;
    c[3] *= parseFloat(getComputedStyle(fillEl).fillOpacity) * opacity(fillEl);
    if (c[3] < 0.05) continue;  // not shown (e.g. an axis label Vega hides because it would overlap)
    t.scrollIntoView({block: 'center', inline: 'center'});
    measure(t, c, t.textContent || t.id);
  }
  // HTML text: elements with text of their own (outside SVG)
  const owners = new Set();
  for (const root of roots) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || el.closest('svg, script, style, mjx-container, .MathJax')) continue;
    owners.add(el);
  }
  }
  for (const el of owners) {
    if (!visible(el)) continue;
    const c = parse(getComputedStyle(el).color);
    if (!c) continue;
    c[3] *= opacity(el);
    if (c[3] < 0.05) continue;
    // HTML backgrounds: up the tree (positioned overlays aside, that is what the text sits on)
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const p = paint(e);
      if (p && p !== 'raster') { layers.push(p); if (p[3] >= 0.999) break; }
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    const fg = over(c, bg);
    results.push({text: el.textContent.trim().slice(0, 60), colour: hex(fg), bg: hex(bg), ratio: ratio(fg, bg)});
  }
  style.remove();
  return results;
}
"""

# The regions of a chapter whose text is a figure's or a table's: notebook outputs (tables, claims, kernel-free
# figures and their sliders) and tables written in Markdown.
FIGURE_REGIONS = f"{CONTENT} .cell_output, {CONTENT} table"


def _wait_for_figures(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.cnnviz-vega')].every(f => f.dataset.rendered)", timeout=20_000
    )


def _svg_images(page) -> list[dict]:
    """Each SVG <img> of the content: its URL, rendered width, and the page colour behind it."""
    return page.eval_on_selector_all(
        f"{CONTENT} img",
        """imgs => imgs.filter(i => i.src.endsWith('.svg') && i.src.includes('/_images/')).map(i => {
             let bg = null;
             for (let e = i; e && !bg; e = e.parentElement) {
               const c = getComputedStyle(e).backgroundColor;
               if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') bg = c;
             }
             return {src: i.src, width: i.getBoundingClientRect().width, bg: bg || 'rgb(255, 255, 255)',
                     filter: getComputedStyle(i).filter};
           })""",
    )


def _image_texts(context, image: dict) -> tuple[list[dict], list[float], bool]:
    """Open one SVG image as its own document over the page colour behind its <img>; measure its texts.

    Also returns the rendered font size of each text at the <img>'s width, and whether it is a Graphviz
    diagram.
    """
    page = context.new_page()
    try:
        page.goto(image["src"])
        size = page.evaluate(
            """(bg) => { const s = document.documentElement; s.style.background = bg;
                         const vb = s.viewBox && s.viewBox.baseVal;
                         const r = s.getBoundingClientRect();
                         return {w: Math.ceil(r.width), h: Math.ceil(r.height), vbw: vb && vb.width ? vb.width : r.width}; }""",
            image["bg"],
        )
        page.set_viewport_size({"width": max(64, min(size["w"], 8000)), "height": max(64, min(size["h"], 12000))})
        texts = page.evaluate(CONTRAST_JS, ":root")
        scale = image["width"] / size["vbw"] if size["vbw"] else 1.0
        fonts = page.eval_on_selector_all(
            "text", "(ts, s) => ts.map(t => parseFloat(getComputedStyle(t).fontSize) * s)", scale
        )
        graphviz = "Generated by graphviz" in page.content() or page.locator("g.graph").count() > 0
        return texts, fonts, graphviz
    finally:
        page.close()


def _report(where: str, scheme: str, rows: list[dict]) -> list[str]:
    """One line per (text colour, background) pair below the minimum: its worst ratio, count, an example."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["ratio"] < MIN_CONTRAST:
            groups.setdefault((r["colour"], r["bg"]), []).append(r)
    return [
        f"{where} [{scheme}] {min(r['ratio'] for r in g):.2f}:1 {colour} on {bg} ({len(g)} texts, e.g. {g[0]['text']!r})"
        for (colour, bg), g in groups.items()
    ]


@pytest.fixture
def scheme_page(browser, site_url):
    """scheme_page(path, scheme, width) -> (context, page): the page in a colour scheme, network cut off."""
    contexts = []

    def _open(path: str, scheme: str, width: int = 1280):
        context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
        contexts.append(context)
        context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
        page = context.new_page()
        page.goto(f"{site_url}/{path}", wait_until="networkidle")
        _wait_for_figures(page)
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        assert theme == scheme, f"{path}: the site shows its {theme!r} mode under prefers-color-scheme {scheme}"
        return context, page

    yield _open
    for context in contexts:
        context.close()


def test_the_site_has_pages():
    assert PAGES, "no built pages found"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", PAGES)
def test_figure_text_contrast(scheme_page, path, scheme):
    context, page = scheme_page(path, scheme)
    problems = []
    problems += _report(path, scheme, page.evaluate(CONTRAST_JS, FIGURE_REGIONS))
    for image in _svg_images(page):
        # a CSS filter (the theme dims images in dark mode) changes every colour measured below
        assert image["filter"] == "none", f"{path} [{scheme}]: {image['src']} is shown through filter {image['filter']}"
        texts, _fonts, _graphviz = _image_texts(context, image)
        problems += _report(f"{path} {image['src'].rsplit('/', 1)[-1][:12]}…svg", scheme, texts)
    assert not problems, f"{len(problems)} texts below {MIN_CONTRAST}:1:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("path", PAGES)
def test_diagram_text_is_large_enough(scheme_page, path):
    context, page = scheme_page(path, "light", WIDTHS["desktop"])
    small = []
    for image in _svg_images(page):
        _texts, fonts, graphviz = _image_texts(context, image)
        if graphviz and fonts and min(fonts) < MIN_DIAGRAM_FONT_PX:
            small.append(f"{image['src'].rsplit('/', 1)[-1][:12]}…svg: text at {min(fonts):.1f} px "
                         f"(drawn {image['width']:.0f} px wide)")
    assert not small, f"{path}: diagram text below {MIN_DIAGRAM_FONT_PX} px at 1280 px:\n" + "\n".join(small)


OVERFLOW_JS = r"""
(content) => {
  const column = document.querySelector(content);
  const right = column.getBoundingClientRect().right + 1;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const problems = [];
  const items = column.querySelectorAll('.cell_output > *, .cell_output img, table, div.cnnviz-vega, div.cnnviz-vega svg');
  for (const el of items) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    // inside a box that scrolls sideways and itself fits the column: fine
    let clip = null;
    for (let e = el.parentElement; e && e !== column; e = e.parentElement) if (scrolls(e)) { clip = e; break; }
    if (clip) {
      if (clip.getBoundingClientRect().right > right) problems.push(`scroll box wider than the column: ${clip.className}`);
      continue;
    }
    if (r.right > right && !scrolls(el)) problems.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} ends at ${Math.round(r.right)} px, column at ${Math.round(right)} px`);
  }
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${document.documentElement.clientWidth}`);
  for (const fig of column.querySelectorAll('div.cnnviz-vega')) {
    const box = fig.getBoundingClientRect();
    for (const legend of fig.querySelectorAll('g.role-legend')) {
      const r = legend.getBoundingClientRect();
      if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1))
        problems.push(`a legend of "${fig.getAttribute('aria-label').slice(0, 50)}" is out of view (${Math.round(r.left)}-${Math.round(r.right)} px, box ${Math.round(box.left)}-${Math.round(box.right)} px)`);
    }
    for (const title of fig.querySelectorAll('g.role-title text')) {
      const r = title.getBoundingClientRect();
      if (r.width > 0 && r.right > box.right + 1 && box.right <= right - 1 && fig.scrollWidth <= fig.clientWidth)
        problems.push(`a title of "${fig.getAttribute('aria-label').slice(0, 50)}" is clipped`);
    }
  }
  return problems;
}
"""


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", PAGES)
def test_nothing_overflows_the_column(scheme_page, path, width):
    _context, page = scheme_page(path, "light", WIDTHS[width])
    problems = page.evaluate(OVERFLOW_JS, CONTENT)
    assert not problems, f"{path} at {WIDTHS[width]} px:\n" + "\n".join(problems[:30])
