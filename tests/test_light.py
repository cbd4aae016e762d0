"""Light pages (book/_ext/xinzhi_light.py): every page of both editions within its byte
budget on a first visit, formulas as MathML, icons from the cut-down icon fonts, and the
purged style sheets drawing the pages exactly as the theme's whole ones do.

The budget is a budget, not a timing: bytes on the wire for a first visit from a phone
(empty cache, text compressed as web hosts serve it) ≤ 1 MB, ≤ 400 KB without images;
and, uncompressed (a server that does not compress), ≤ 1 MB.  Lighthouse's scores are
`make bench`'s (tests/bench/run.py --only pages), not a test's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from _book import soup
from _browser import ARTIFACTS, first_visit, is_local, launch, serve

BUDGET = 1_000_000  #: bytes on the wire, everything a first visit requests
BUDGET_WITHOUT_IMAGES = 400_000
BUDGET_UNCOMPRESSED = 1_000_000  #: text and all, as a server without compression sends it
#: What a page must no longer load (the search page alone loads the search index).
GONE = ("fontawesome.js", "mathjax", "tex-chtml")


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


@pytest.fixture(scope="module")
def browser():
    with launch() as running:
        yield running


@pytest.mark.parametrize("edition", ["study", "instructor"])
def test_every_page_is_light_on_a_first_visit(request, browser, edition):
    site = request.getfixturevalue("site" if edition == "study" else "instructor_site")
    figures, problems = {}, []
    with serve(site) as (_, base):
        for path in _pages(site):
            visit = first_visit(browser, f"{base}/{quote(path)}")
            text = visit["transferred"] - visit["transferred_images"]
            figures[path] = {k: visit[k] for k in ("requests", "transferred", "transferred_images", "decoded")}
            if visit["transferred"] > BUDGET or text > BUDGET_WITHOUT_IMAGES or visit["decoded"] > BUDGET_UNCOMPRESSED:
                problems.append(f"{path}: {visit['transferred']} B ({text} B without images, "
                                f"{visit['decoded']} B uncompressed)")
            outside = [u for u in visit["urls"] if not is_local(u, base)]
            loaded = [u for u in visit["urls"] if any(name in u for name in GONE)]
            if path != "search.html":
                loaded += [u for u in visit["urls"] if "searchindex.js" in u or "searchtools.js" in u]
            if outside or loaded:
                problems.append(f"{path}: requests {outside + loaded}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"page-weight-{edition}.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert len(figures) > 25
    assert problems == []


def test_formulas_are_mathml_drawn_without_a_script(site, browser):
    with_math = [p for p in _pages(site) if 'class="math notranslate' in (site / p).read_text(encoding="utf-8")]
    assert with_math, "no page has a formula: if the book has none any more, drop this test"
    for path in _pages(site):
        scripts = [s["src"] for s in soup(site / path).select("script[src]")]
        assert not [s for s in scripts if "mathjax" in s.lower()], f"{path} still loads MathJax"
    for path in with_math:
        for span in soup(site / path).select(".math"):
            math = span.find("math")
            assert math is not None and math.get("alttext"), f"{path}: a formula is not MathML with its TeX"
    with serve(site) as (_, base):
        page = browser.new_page()
        page.goto(f"{base}/{quote(with_math[0])}", wait_until="load")
        boxes = page.eval_on_selector_all(".math math", "ms => ms.map(m => [m.getBoundingClientRect().width,"
                                          " m.getBoundingClientRect().height])")
        page.close()
    assert boxes and all(w > 5 and h > 5 for w, h in boxes), f"formulas not drawn: {boxes}"


def test_every_icon_is_in_the_cut_down_icon_font(site, browser):
    from fontTools.ttLib import TTFont

    import xinzhi_light

    fonts = site / "_static" / xinzhi_light.ICON_FONTS
    css = (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    icons = xinzhi_light.icon_codepoints(css)
    used = {name for path in _pages(site) for name in xinzhi_light.ICON_NAME.findall((site / path).read_text(encoding="utf-8"))}
    used &= set(icons)
    assert {"fa-magnifying-glass", "fa-sun", "fa-moon", "fa-download"} <= used
    solid = TTFont(str(fonts / "fa-solid-900.woff2"))
    assert {icons[name] for name in used} <= set(solid.getBestCmap()), "an icon of the site is not in the font"
    assert (fonts / "fa-solid-900.woff2").stat().st_size < 10_000
    with serve(site) as (_, base):
        page = browser.new_page()
        page.goto(f"{base}/book/intro.html", wait_until="networkidle")
        drawn = page.evaluate("""async () => { await document.fonts.ready;
            const icons = [...document.querySelectorAll('.fa-magnifying-glass')];
            const i = icons.find(e => e.getBoundingClientRect().width > 0);
            return [i && getComputedStyle(i, '::before').fontFamily, i ? i.getBoundingClientRect().width : 0,
                    document.fonts.check('900 16px "Font Awesome 6 Free"', '\\uf002')]; }""")
        page.close()
    assert drawn[0] and "Font Awesome" in drawn[0] and drawn[1] > 5 and drawn[2], drawn


#: Computed styles compared between the purged and the theme's whole style sheets.
STYLE_PROPERTIES = ["display", "visibility", "position", "color", "background-color", "font-size", "font-weight",
                    "margin-top", "margin-left", "padding-top", "padding-left", "border-top-width", "width",
                    "height", "opacity", "content"]
STYLES = """props => [...document.querySelectorAll('body *')].map(e => {
  const s = getComputedStyle(e), b = getComputedStyle(e, '::before');
  return [e.tagName, ...props.map(p => s.getPropertyValue(p)), b.getPropertyValue('content')].join('|'); })"""


def _theme_sheets() -> dict[str, Path]:
    """The theme's and extensions' style sheets as their packages ship them."""
    import myst_nb
    import pydata_sphinx_theme
    import sphinx_book_theme
    import sphinx_design

    def one(module, name: str) -> Path:
        found = sorted(Path(module.__file__).parent.rglob(name))
        assert found, f"{name} is not in {module.__name__}"
        return found[0]

    return {"pydata-sphinx-theme.css": one(pydata_sphinx_theme, "pydata-sphinx-theme.css"),
            "sphinx-book-theme.css": one(sphinx_book_theme, "sphinx-book-theme.css"),
            "sphinx-design.min.css": one(sphinx_design, "sphinx-design.min.css"),
            "mystnb.css": one(myst_nb, "mystnb.css")}


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_purged_style_sheets_draw_pages_as_the_whole_ones(site, browser, mode):
    sheets = _theme_sheets()

    def whole(route):
        name = route.request.url.split("?")[0].rsplit("/", 1)[-1]
        name = "mystnb.css" if name.startswith("mystnb.") else name
        route.fulfill(path=str(sheets[name]), content_type="text/css")

    pages = ["book/intro.html", "notebooks/02_核心概念.html", "book/_generated/reader/essay3.html",
             "book/glossary.html", "book/progress.html"]
    differences = []
    with serve(site) as (_, base):
        for path in pages:
            drawn = {}
            for variant in ("purged", "whole"):
                context = browser.new_context(viewport={"width": 412, "height": 823})
                context.add_init_script(f"localStorage.setItem('theme', '{mode}')")
                page = context.new_page()
                if variant == "whole":
                    page.route(re.compile(r".*/(pydata-sphinx-theme|sphinx-book-theme|sphinx-design\.min|mystnb\.[0-9a-f]+)\.css.*"), whole)
                page.goto(f"{base}/{quote(path)}", wait_until="networkidle")
                drawn[variant] = page.evaluate(STYLES, STYLE_PROPERTIES)
                context.close()
            assert len(drawn["purged"]) == len(drawn["whole"]) > 100
            differences += [f"{path} ({mode}) element {n}: {a} != {b}"
                            for n, (a, b) in enumerate(zip(drawn["purged"], drawn["whole"])) if a != b]
    assert differences == [], "\n".join(differences[:10])


SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); })
  .observe({type: 'layout-shift', buffered: true});"""


def test_pages_do_not_move_while_they_load(site, browser):
    """Answer boxes and 我的进度 take their place before the first paint (a page whose
    content jumped scored 0.58 for layout shift); figures carry their size."""
    pages = ["book/progress.html", "notebooks/02_核心概念.html", "book/intro.html"]
    html = (site / "notebooks" / "02_核心概念.html").read_text(encoding="utf-8")
    assert re.search(r'<img [^>]*loading="lazy"[^>]*width="\d+" height="\d+"', html)
    shifts = {}
    with serve(site) as (_, base):
        for path in pages:
            context = browser.new_context(viewport={"width": 412, "height": 823})
            context.add_init_script(SHIFTS)
            page = context.new_page()
            page.goto(f"{base}/{quote(path)}", wait_until="networkidle")
            page.wait_for_timeout(500)
            shifts[path] = sum(page.evaluate("window.__shifts"))
            context.close()
    assert all(value < 0.02 for value in shifts.values()), shifts
