"""The built book in a real browser: Debian's chromium driven by Playwright (DESIGN.md §3).

The study edition built by ``tests/test_book.py`` (one build per session) is served on
127.0.0.1; the tests open the home page, a chapter, the reader and the glossary, search
in Chinese, fold and unfold a solution, and look at a page on a phone-sized screen.
Every request a page makes is recorded: one that leaves the local server fails the test.
Screenshots go to ``test-artifacts/``, with the search timings (for ``make bench``).

Accessibility (DESIGN.md §5): axe-core, installed from npm by ``make axe`` (pinned in the
Makefile), is injected into every page of the study and the instructor editions, at a
desktop and a phone width; no serious or critical violation of the WCAG 2.0/2.1 A and AA
rules may remain (the full lists: ``test-artifacts/axe-report.json``).  The search, the
solution toggles and the pid links are used from the keyboard, and every interface string
is Chinese.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

import _book as book
from _browser import ARTIFACTS, ROOT, Visit, folder_page, launch, missing, outside_folder, serve
import editions
import xinzhi_pages
from xinzhi_theme import english_words  # the interface words the build itself allows


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as served:
        yield served


@pytest.fixture(scope="module")
def instructor_server(instructor_site):
    with serve(instructor_site) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with launch() as running:
        yield running


def test_home_chapter_reader_and_glossary_load_only_from_the_site(server, browser):
    site, base = server
    chapter = editions.chapter_notebooks()[3].stem
    visit = Visit(browser, base)
    try:
        page = visit.open("index.html")
        page.wait_for_url("**/book/intro.html")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        visit.check("home")

        page = visit.open(f"notebooks/{chapter}.html")
        assert page.locator("article h1").count() == 1
        link = page.locator("article a.reference.internal", has_text="〔").first
        href = unquote(link.get_attribute("href"))
        assert "/reader/essay" in href and "#p" in href
        visit.check("chapter")

        link.click()
        page.wait_for_load_state("networkidle")
        anchor = unquote(urlsplit(page.url).fragment)
        assert page.locator(f"[id='{anchor}']").is_visible()
        visit.check("reader")

        page = visit.open("book/glossary.html")
        assert page.locator("dl.glossary dt").count() == len(book.glossary_rows())
        visit.check("glossary")
    finally:
        visit.close()


@pytest.mark.parametrize("term", ["新质生产力", "卡脖子"])
def test_chinese_search_finds_the_right_chapters(server, browser, term, corpus):
    site, base = server
    expected = {
        c.path.stem
        for c in xinzhi_pages.read_chapters()
        if any(term in source for _, source in _markdown(c.path))
    }
    expected |= {f"essay{p.essay}" for p in corpus if term in p.text}
    visit = Visit(browser, base)
    try:
        page = visit.page
        start = time.perf_counter()
        # Timed from the navigation to the search page until Sphinx reports the results.
        page.goto(f"{base}/search.html?q={quote(term)}", wait_until="commit")
        in_page_ms = page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && s.innerText.length > 0 && performance.now(); }",
            timeout=15000,
            polling=20,
        ).json_value()
        elapsed = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
        found = {
            Path(unquote(urlsplit(h).path)).stem
            for h in page.locator("#search-results ul.search li a").evaluate_all("els => els.map(e => e.href)")
        }
        assert expected <= found, f"search for {term} misses {sorted(expected - found)}"
        # The whole list at once, each result with its snippet (xinzhi_search), none fetched.
        assert page.evaluate("document.documentElement.dataset.xinzhiSearch") == "fast"
        page.wait_for_function("() => [...document.querySelectorAll('#search-results li')]"
                               ".every(li => li.querySelector('p.context'))", timeout=5000)
        assert page.locator("#search-results p.context span.highlighted", has_text=term).count() > 0
        assert not [u for u in visit.requests if u.endswith(".html") and "search.html" not in u]
        visit.check(f"search-{'xzsc' if term == '新质生产力' else 'kbz'}")
        _record_timing(term, elapsed, in_page_ms, len(found))
    finally:
        visit.close()


def test_the_site_works_from_a_folder(server, browser):
    """Opened as files (a USB stick): pages, the reader and the Chinese search still work,
    and nothing but the folder itself is read."""
    site, _ = server
    with folder_page(browser) as (page, requests, errors):
        page.goto(site.joinpath("index.html").as_uri())
        page.wait_for_url("**/book/intro.html")
        page.goto(site.joinpath("search.html").as_uri() + "?q=" + quote("卡脖子"))
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && s.innerText.length > 0; }",
            timeout=15000,
        )
        assert page.locator("#search-results ul.search li").count() > 0
        # Snippets too: the page texts are scripts, which a page opened from a folder may load.
        page.wait_for_function("() => [...document.querySelectorAll('#search-results li')]"
                               ".every(li => li.querySelector('p.context'))", timeout=5000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "file-search.png"))
    outside = outside_folder(requests)
    assert not outside, f"requests left the folder: {outside}"
    assert not errors, f"script errors when opened from a folder: {errors}"


def test_solutions_are_folded_until_asked_for(server, browser):
    site, base = server
    chapter = editions.chapter_notebooks()[0].stem
    visit = Visit(browser, base)
    try:
        page = visit.open(f"notebooks/{chapter}.html")
        solution = page.locator(".tag_solution").first
        assert not solution.is_visible(), "a solution is shown before it is asked for"
        # sphinx-togglebutton wraps each folded cell in <details>; its summary is the button.
        summary = page.locator("details.toggle-details:has(.tag_solution) > summary").first
        assert "显示参考解答" in summary.inner_text()
        summary.scroll_into_view_if_needed()
        summary.click()
        page.wait_for_timeout(300)
        assert solution.is_visible()
        assert "收起参考解答" in summary.inner_text()
        visit.check("solution-open")
    finally:
        visit.close()


def test_a_chapter_is_readable_on_a_phone(server, browser):
    site, base = server
    chapter = editions.chapter_notebooks()[2].stem
    visit = Visit(browser, base, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    try:
        for path, name in ((f"notebooks/{chapter}.html", "phone-chapter"), ("book/_generated/reader/essay5.html", "phone-reader")):
            page = visit.open(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways on a phone ({overflow}px)"
            size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
            assert size >= 14, f"{path}: body text is {size}px on a phone"
            visit.check(name)
    finally:
        visit.close()


def _markdown(path: Path):
    from xinzhi.citations import markdown_cells

    return markdown_cells(path)


def _record_timing(term: str, seconds: float, in_page_ms: float, results: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "search-timing.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[term] = {"seconds": round(seconds, 3), "in_page_ms": round(in_page_ms, 1), "results": results}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


# --- accessibility: axe-core on every page, the keyboard, Chinese interface strings ----------

AXE = ROOT / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0 and 2.1, levels A and AA (axe-core's rule tags).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
AXE_REPORT = ARTIFACTS / "axe-report.json"
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}
SEARCH_TERM = "新质生产力"

_AXE_START = """tags => {
  window.__xinzhiAxe = axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(r => r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary})),
    })));
}"""
_AXE_RESULT = "() => window.__xinzhiAxe"
#: A page is ready once its fonts are in (formulas are MathML: nothing to wait for).
_READY = """async () => {
  await document.fonts.ready;
}"""
#: After a click: wait for the next frames, then for the transitions and animations it
#: started (a fold fades in, a sidebar slides), so that axe-core sees the final colours.
_SETTLED = """async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const finite = document.getAnimations().filter(a => a.effect && a.effect.getTiming().iterations !== Infinity);
  await Promise.all(finite.map(a => a.finished.catch(() => null)));
}"""
_SEARCH_DONE = (
    "() => { const s = document.querySelector('#search-results .search-summary');"
    " return s && s.innerText.length > 0; }"
)
#: The interface of a page: its names (aria-label, title, alt, placeholder, tooltips) and
#: the visible text of its controls and of the header, sidebars, footer and search; not
#: the book's own titles listed in the tables of contents, nor its text.
_INTERFACE = """() => {
  const regions = 'header, footer, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, '
    + '#pst-search-dialog, .prev-next-area, .skip-link, #jb-print-docs-body > h2';
  const controls = 'button, [role=button], summary, label, select, option, kbd, a.headerlink, .btn__text-container, '
    + '#search-results > h2, #search-results > .search-summary, #searchbox, .highlight-link';
  const titles = '.bd-docs-nav a, .bd-toc-nav a, #pst-page-toc-nav a, .prev-next-title, .navbar-brand, '
    + '#jb-print-toc a, #search-results ul.search';
  const attrs = ['aria-label', 'title', 'alt', 'placeholder', 'data-bs-title', 'data-bs-original-title',
    'data-tooltip', 'data-toggle-hint', 'aria-roledescription', 'aria-description', 'value'];
  const article = document.querySelector('article');
  const found = [];
  const add = (el, kind, text) => {
    text = (text || '').replace(/\\s+/g, ' ').trim();
    if (text) found.push({kind, text: text.slice(0, 200), html: el.outerHTML.slice(0, 200)});
  };
  for (const el of document.querySelectorAll('*')) {
    const inArticle = article && article.contains(el) && !el.closest(controls);
    if (inArticle && !(el.matches('input, img') && el.closest('#search-results, form'))) continue;
    if (el.closest(titles) || el.closest('.cell_output, pre, code, .math, mjx-container')) continue;
    for (const a of attrs) if (el.hasAttribute(a) && !(a === 'value' && !el.matches('input[type=submit], input[type=button]'))) add(el, a, el.getAttribute(a));
    if (el.matches(controls)) add(el, 'text', el.textContent);
    if (el.matches('svg title') && el.closest('button')) add(el, 'svg title', el.textContent);
  }
  for (const region of document.querySelectorAll(regions)) {
    const walk = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.parentElement.closest(titles) && !n.parentElement.closest('script, style')) add(n.parentElement, 'text', n.textContent);
    }
  }
  return found;
}"""
#: Every pid cited in a page's prose (``〔3.5〕``) must be a link a keyboard reaches: an
#: ``<a href>`` in the tab order.  Code, outputs (a checker's feedback) and headings cite
#: pids as plain text, by design.
_PID_LINKS = r"""() => {
  const out = {count: 0, problems: []};
  const article = document.querySelector('article');
  if (!article) return out;
  const walk = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!/\u3014\d+\.\d+\u3015/.test(n.textContent)) continue;
    const el = n.parentElement;
    if (el.closest('pre, code, h1, h2, h3, h4, h5, h6, .cell_output, .cell_input, script, style')) continue;
    out.count++;
    const a = el.closest('a');
    const why = !a ? 'not a link' : !a.hasAttribute('href') ? 'a link without href'
      : a.tabIndex < 0 ? 'tabindex -1' : a.closest('[aria-hidden=true], [inert]') ? 'hidden from assistive technology' : '';
    if (why) out.problems.push(why + ': ' + (a || el).outerHTML.slice(0, 160));
  }
  return out;
}"""




@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's browser script, as ``make axe`` installs it (the version the Makefile pins)."""
    pinned = re.search(r"^AXE_VERSION\s*:=\s*(\S+)\s*$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert pinned, "the Makefile pins no AXE_VERSION for axe-core"
    if not AXE.is_file():
        missing(f"{AXE} is missing; install axe-core {pinned.group(1)} from npm with: make axe")
    installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == pinned.group(1), (
        f"axe-core {installed} is installed but the Makefile pins {pinned.group(1)}: run make axe"
    )
    return AXE


def site_pages(site: Path) -> list[str]:
    """Every page of a built edition (its HTML files less the theme's template copies in
    ``_static`` and ``index.html``, which only redirects), and the search page with results."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0] != "_static" and rel.as_posix() != "index.html":
            pages.append(rel.as_posix())
    return [*pages, f"search.html?q={SEARCH_TERM}"]


def _load(page, base: str, path: str) -> None:
    page.goto(f"{base}/{quote(path, safe='/?=&#')}", wait_until="load")
    page.evaluate(_READY)
    if "?q=" in path:
        page.wait_for_function(_SEARCH_DONE, timeout=15000, polling=50)


def _violations(results: list[dict]) -> list[dict]:
    return [v for v in results if v["impact"] in SERIOUS]


def _write_report(key: str, entry: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    report = {}
    if AXE_REPORT.is_file():
        with contextlib.suppress(ValueError):
            report = json.loads(AXE_REPORT.read_text(encoding="utf-8"))
    report[key] = {"written": time.strftime("%Y-%m-%d %H:%M:%S"), **entry}
    AXE_REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def _summary(pages: dict[str, dict[str, list[dict]]]) -> dict[str, int]:
    """Serious and critical violations: rule -> number of offending elements."""
    counts: dict[str, int] = {}
    for by_width in pages.values():
        for results in by_width.values():
            for v in _violations(results):
                counts[v["id"]] = counts.get(v["id"], 0) + len(v["nodes"])
    return dict(sorted(counts.items()))


def _audit(browser, axe_script: Path, site: Path, base: str) -> dict:
    """One visit to every page at each width: axe-core's violations, and (at the desktop
    width) the page's interface strings and pid links.  The desktop and phone pages are
    loaded in turn while the other one's axe-core run goes on in its own renderer."""
    start = time.perf_counter()
    contexts = {width: browser.new_context(**options) for width, options in WIDTHS.items()}
    tabs = {}
    errors: list[str] = []
    for width, context in contexts.items():
        context.add_init_script(path=str(axe_script))
        tab = context.new_page()
        tab.on("pageerror", lambda e, tab=tab, width=width: errors.append(f"{width} {tab.url}: {e}"))
        tabs[width] = tab
    pages: dict[str, dict[str, list[dict]]] = {}
    strings: dict[str, list[dict]] = {}
    pids: dict[str, dict] = {}
    seconds: dict[str, float] = {}
    try:
        for path in site_pages(site):
            page_start = time.perf_counter()
            for width, tab in tabs.items():
                _load(tab, base, path)
                if width == "desktop":
                    strings[path] = tab.evaluate(_INTERFACE)
                    pids[path] = tab.evaluate(_PID_LINKS)
                tab.evaluate(_AXE_START, AXE_TAGS)
            pages[path] = {width: tab.evaluate(_AXE_RESULT) for width, tab in tabs.items()}
            seconds[path] = round(time.perf_counter() - page_start, 2)
        version = tabs["desktop"].evaluate("() => axe.version")
    finally:
        for context in contexts.values():
            context.close()
    return {
        "axe_version": version,
        "tags": AXE_TAGS,
        "widths": {width: options["viewport"] for width, options in WIDTHS.items()},
        "seconds": round(time.perf_counter() - start, 1),
        "serious_or_critical": _summary(pages),
        "pages": pages,
        "page_seconds": seconds,
        "script_errors": errors,
        "_strings": strings,
        "_pids": pids,
    }


@pytest.fixture(scope="module", params=["study", "instructor"])
def audit(request, browser, axe_script):
    site, base = request.getfixturevalue("server" if request.param == "study" else "instructor_server")
    result = _audit(browser, axe_script, site, base)
    _write_report(request.param, {k: v for k, v in result.items() if not k.startswith("_")})
    result["edition"] = request.param
    return result


def _listing(rows: list[str], limit: int = 60) -> str:
    more = f"\n  … and {len(rows) - limit} more" if len(rows) > limit else ""
    return "\n".join(f"  {row}" for row in rows[:limit]) + more


def test_axe_reports_a_known_violation(browser, axe_script):
    """The harness can fail: axe-core in this browser finds what it must find."""
    context = browser.new_context()
    try:
        context.add_init_script(path=str(axe_script))
        page = context.new_page()
        page.set_content('<html lang="zh-CN"><title>t</title><main><button><i></i></button><img src="x.png"></main></html>')
        page.evaluate(_AXE_START, AXE_TAGS)
        found = {v["id"] for v in _violations(page.evaluate(_AXE_RESULT))}
    finally:
        context.close()
    assert {"button-name", "image-alt"} <= found, f"axe-core did not report known violations: {found}"


def test_the_interface_collector_finds_english_and_skips_the_text(browser):
    """The collector behind the Chinese-interface test reports an English control name
    and ignores the book's own text (an English abstract, a code cell)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="zh-CN"><body><div class="bd-sidebar-primary"><nav class="bd-docs-nav" aria-label="Main">'
            '<a class="reference" href="#">Abstract</a></nav></div>'
            '<div class="bd-header-article"><button title="搜索"><i></i></button>'
            '<a href="#"><img alt="Binder logo" src="x.png"></a></div>'
            '<article><p lang="en">An English abstract of the chapter.</p><pre>import xinzhi</pre>'
            '<button class="copybtn" data-tooltip="Copy">复制</button>'
            '<details><summary>Click to show</summary><p>Hidden text</p></details></article>'
            '<footer><p>© Copyright 2026.</p></footer></body></html>'
        )
        found = page.evaluate(_INTERFACE)
    finally:
        context.close()
    english = sorted({s["text"] for s in found if english_words(s["text"])})
    assert english == ["Binder logo", "Click to show", "Copy", "Main", "© Copyright 2026."], english


def test_axe_finds_no_serious_violations_on_any_page(audit):
    """Zero serious or critical WCAG 2.0/2.1 A and AA violations on every page of the
    edition, at a desktop and a phone width."""
    pages = audit["pages"]
    assert len(pages) >= len(book.toc_docnames()) + 2, f"the audit saw only {len(pages)} pages"
    assert all(len(by_width) == len(WIDTHS) for by_width in pages.values())
    rows = [
        f"{path} [{width}] {v['id']} ({v['impact']}: {v['help']}): "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:6])
        + (f" … {len(v['nodes'])} in all" if len(v["nodes"]) > 6 else "")
        for path, by_width in pages.items()
        for width, results in by_width.items()
        for v in _violations(results)
    ]
    assert not rows, (
        f"{audit['edition']} edition, axe-core {audit['axe_version']}: serious or critical violations "
        f"{audit['serious_or_critical']} (details in {AXE_REPORT.relative_to(ROOT)}):\n{_listing(rows)}"
    )
    assert not audit["script_errors"], f"script errors: {audit['script_errors']}"


def test_every_interface_string_is_chinese(audit):
    rows = sorted(
        {
            f"{path}: {s['kind']} {s['text']!r} in {' '.join(s['html'].split())[:120]}"
            for path, found in audit["_strings"].items()
            for s in found
            if english_words(s["text"])
        }
    )
    assert not rows, f"{audit['edition']} edition: interface strings in English:\n{_listing(rows)}"
    kinds = {s["kind"] for found in audit["_strings"].values() for s in found}
    assert {"aria-label", "title", "text"} <= kinds, f"the interface collector found too little: {kinds}"


def test_every_pid_is_a_link_the_keyboard_reaches(audit):
    pids = audit["_pids"]
    problems = [f"{path}: {p}" for path, found in pids.items() for p in found["problems"]]
    assert not problems, f"{audit['edition']} edition: pids that are no keyboard link:\n{_listing(problems)}"
    for kind in ("/reader/essay", "notebooks/"):
        some = [path for path in pids if kind in path]
        assert some and all(pids[path]["count"] > 0 for path in some), f"pages {kind}… show no pid links"


def test_english_prose_is_marked_english(server):
    """English in a Chinese page (a chapter's Abstract, the glossary's English terms)
    carries lang="en", so that a screen reader switches voice (WCAG 3.1.2)."""
    from bs4 import BeautifulSoup

    site, _ = server
    glossary = BeautifulSoup((site / "book" / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    english = glossary.select(".xinzhi-english")
    assert english and all(e.get("lang") == "en" for e in english)
    for path in sorted((site / "notebooks").glob("*.html")):
        abstract = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("section#abstract")
        if abstract is None:
            continue
        assert abstract.h2.get("lang") == "en", f"{path.name}: the heading Abstract carries no lang=en"
        prose = [p for p in abstract.find_all("p") if re.match(r"[A-Z][a-z]+ ", p.get_text())]
        unmarked = [p.get_text()[:60] for p in prose if p.get("lang") != "en"]
        assert prose and not unmarked, f"{path.name}: English paragraphs of the Abstract with no lang=en: {unmarked}"


def test_axe_finds_no_serious_violations_in_menus_dialogs_and_the_dark_theme(server, browser, axe_script):
    """What a page shows on demand: the search dialog, the header menus, every fold open,
    the paragraph a pid link leads to, the sidebars on a phone; and a few pages in the
    dark colour theme."""
    site, base = server
    chapter = f"notebooks/{editions.chapter_notebooks()[3].stem}.html"
    results: dict[str, dict[str, list[dict]]] = {}
    errors: list[str] = []

    def run(tab, state: str, width: str) -> None:
        tab.evaluate(_SETTLED)
        tab.evaluate(_AXE_START, AXE_TAGS)
        results.setdefault(state, {})[width] = tab.evaluate(_AXE_RESULT)

    def context(width: str, **extra):
        ctx = browser.new_context(**WIDTHS[width], **extra)
        ctx.add_init_script(path=str(axe_script))
        tab = ctx.new_page()
        tab.on("pageerror", lambda e: errors.append(f"{tab.url}: {e}"))
        return ctx, tab

    start = time.perf_counter()
    ctx, tab = context("desktop")
    try:
        _load(tab, base, chapter)
        tab.keyboard.press("Control+K")
        tab.wait_for_selector("#pst-search-dialog[open]")
        run(tab, "search dialog", "desktop")
        for state, menu in (("launch menu", ".dropdown-launch-buttons"), ("download menu", ".dropdown-download-buttons")):
            _load(tab, base, chapter)
            tab.click(f"{menu} > button")
            tab.wait_for_selector(f"{menu} .dropdown-menu.show")
            run(tab, state, "desktop")
        _load(tab, base, chapter)
        tab.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        run(tab, "every fold open", "desktop")
        _load(tab, base, "book/_generated/reader/essay5.html#p5-3")
        run(tab, "reader target", "desktop")
    finally:
        ctx.close()
    ctx, tab = context("desktop", color_scheme="dark")
    try:
        for path in (chapter, "book/_generated/reader/essay5.html#p5-3", "book/glossary.html", f"search.html?q={SEARCH_TERM}"):
            _load(tab, base, path)
            assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
            run(tab, f"dark: {path}", "desktop")
    finally:
        ctx.close()
    ctx, tab = context("phone")
    try:
        for state, toggle in (("primary sidebar", "button.primary-toggle"), ("secondary sidebar", "button.secondary-toggle")):
            _load(tab, base, chapter)
            tab.click(toggle)
            run(tab, state, "phone")
    finally:
        ctx.close()
    _write_report("study, on demand", {
        "seconds": round(time.perf_counter() - start, 1),
        "serious_or_critical": _summary(results),
        "pages": results,
        "script_errors": errors,
    })
    rows = [
        f"{state} [{width}] {v['id']} ({v['impact']}): " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:6])
        for state, by_width in results.items()
        for width, found in by_width.items()
        for v in _violations(found)
    ]
    assert not rows, f"serious or critical violations (details in {AXE_REPORT.relative_to(ROOT)}):\n{_listing(rows)}"
    assert not errors, f"script errors: {errors}"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_search_works_from_the_keyboard(server, browser, width):
    """Tab to the search button, Enter, type 新质生产力, Enter: the results."""
    site, base = server
    visit = Visit(browser, base, **WIDTHS[width])
    try:
        page = visit.open("book/intro.html")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('.search-button__button')"):
                break
        else:
            pytest.fail(f"[{width}] forty presses of Tab never reach the search button")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.matches('#pst-search-dialog input[name=q]')",
            timeout=5000,
        )
        page.keyboard.type(SEARCH_TERM)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_function(_SEARCH_DONE, timeout=15000, polling=50)
        assert unquote(urlsplit(page.url).query) == f"q={SEARCH_TERM}"
        assert page.locator("#search-results ul.search li a").count() > 0, f"[{width}] the search found nothing"
        visit.check(f"keyboard-search-{width}")
    finally:
        visit.close()


def test_every_solution_toggle_opens_from_the_keyboard(server, browser):
    """Every solution of the study edition is folded behind a real control (a summary or
    a button) that takes the keyboard focus and opens with Enter or Space.  (The
    instructor edition shows its solutions open: it has no such toggles.)"""
    site, base = server
    visit = Visit(browser, base)
    opened = 0
    try:
        for notebook in editions.chapter_notebooks():
            path = f"notebooks/{notebook.stem}.html"
            page = visit.open(path)
            unfolded = page.locator(".tag_solution").evaluate_all(
                "els => els.filter(e => !e.closest('details.toggle-details')).length"
            )
            assert unfolded == 0, f"{path}: {unfolded} solutions are not in a fold"
            toggles = page.locator("details.toggle-details > summary, button.toggle-button")
            for i in range(toggles.count()):
                toggle = toggles.nth(i)
                tag = toggle.evaluate("e => e.tagName")
                assert tag in ("SUMMARY", "BUTTON"), f"{path}: toggle {i} is a {tag}, not a button"
                toggle.focus()
                assert toggle.evaluate("e => document.activeElement === e && e.tabIndex >= 0"), (
                    f"{path}: toggle {i} does not take the keyboard focus"
                )
                key = "Enter" if i % 2 == 0 else "Space"
                page.keyboard.press(key)
                assert toggle.evaluate(
                    """e => e.tagName === 'SUMMARY'
                      ? e.parentElement.open && [...e.parentElement.children].slice(1).every(c => c.offsetHeight > 0)
                      : e.getAttribute('aria-expanded') === 'true'"""
                ), f"{path}: toggle {i} ({toggle.inner_text().strip()!r}) does not open with {key}"
                opened += 1
        visit.check("keyboard-solutions")
    finally:
        visit.close()
    assert opened >= len(editions.chapter_notebooks()), f"only {opened} solution toggles in the chapters"


def test_pid_links_follow_from_the_keyboard(server, browser):
    """A pid cited in a chapter is a link: it takes the focus, and Enter opens the reader
    at that paragraph; in the reader, Enter on a paragraph's own pid marks it."""
    site, base = server
    chapter = editions.chapter_notebooks()[3].stem
    visit = Visit(browser, base)
    try:
        page = visit.open(f"notebooks/{chapter}.html")
        link = page.locator("article a[href*='reader/essay']", has_text="〔").first
        link.focus()
        assert link.evaluate("e => document.activeElement === e && e.tagName === 'A' && e.hasAttribute('href')")
        target = unquote(link.get_attribute("href")).split("#")[1]
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("load")
        assert "/reader/essay" in page.url and unquote(urlsplit(page.url).fragment) == target
        assert page.locator(f"[id='{target}']").is_visible()
        assert page.evaluate("() => document.querySelector(':target')?.id") == target

        own = page.locator("a.xinzhi-pid-self").nth(2)
        own.focus()
        assert own.evaluate("e => document.activeElement === e")
        anchor = own.get_attribute("href").lstrip("#")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => location.hash === '#{anchor}'", timeout=5000)
        assert page.evaluate("() => document.querySelector(':target')?.id") == anchor
        visit.check("keyboard-pid")
    finally:
        visit.close()


@pytest.mark.parametrize("edition", ["study", "instructor"])
def test_a_printed_page_is_clean(request, browser, edition):
    """Printing a chapter from the browser: no sidebars, header, buttons or answer boxes;
    the solutions stay folded away in the study edition and are printed in the instructor
    edition.  The PDF goes to test-artifacts/ for a look."""
    fixture = "server" if edition == "study" else "instructor_server"
    site, base = request.getfixturevalue(fixture)
    chapter = "notebooks/" + editions.chapter_notebooks()[2].stem + ".html"
    visit = Visit(browser, base)
    try:
        page = visit.open(chapter)
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        shown = "sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility()).length"
        for selector in (".bd-sidebar-primary", ".bd-sidebar-secondary", ".bd-header", ".bd-header-article",
                         ".prev-next-area", "footer", "button", "form.xinzhi-practice", "form.xinzhi-notes",
                         ".xinzhi-chapter-progress", "details.toggle-details > summary"):
            assert page.evaluate(shown, selector) == 0, f"{edition}: {selector} is printed"
        solutions = page.evaluate("[...document.querySelectorAll('.tag_solution')].length")
        printed = page.evaluate(shown, ".tag_solution")
        assert solutions > 0 and printed == (0 if edition == "study" else solutions), (edition, printed, solutions)
        assert page.evaluate(shown, "article p") > 10
        ARTIFACTS.mkdir(exist_ok=True)
        page.pdf(path=str(ARTIFACTS / f"print-{edition}.pdf"), format="A4")
    finally:
        visit.close()
