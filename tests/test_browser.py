"""The built book in a real browser: Debian's chromium driven by Playwright (DESIGN.md §3).

The study edition built by ``tests/test_book.py`` (one build per session) is served on
127.0.0.1; the tests open the home page, a chapter, the reader and the glossary, search
in Chinese, fold and unfold a solution, and look at a page on a phone-sized screen.
Every request a page makes is recorded: one that leaves the local server fails the test.
Screenshots go to ``test-artifacts/``, with the search timings (for ``make bench``).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _book_tests():
    name = "xinzhi_test_book"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("test_book.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


book = _book_tests()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a page closed while Sphinx's search was still fetching result summaries


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    site = book.build_site(request.config, tmp_path_factory.getbasetemp() / "book")
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """A browser page that records every request and every failure."""

    def __init__(self, browser, base: str, **context):
        self.base = base
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failures.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failures.append(f"{r.url} -> {r.status}"))
        self.page.on("pageerror", lambda e: self.failures.append(f"script error: {e}"))

    def open(self, path: str):
        self.page.goto(f"{self.base}/{quote(path, safe='/?=&#')}", wait_until="networkidle")
        return self.page

    def check(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
        outside = [u for u in self.requests if not _local(u, self.base)]
        assert not outside, f"{name}: requests left the site: {outside}"
        assert not self.failures, f"{name}: failed requests or script errors: {self.failures}"

    def close(self):
        self.context.close()


def _local(url: str, base: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return url.startswith(base + "/") and parts.hostname == "127.0.0.1"


def test_home_chapter_reader_and_glossary_load_only_from_the_site(server, browser):
    site, base = server
    chapter = book.editions.chapter_notebooks()[3].stem
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
        for c in book.pages.read_chapters()
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
        visit.check(f"search-{'xzsc' if term == '新质生产力' else 'kbz'}")
        _record_timing(term, elapsed, in_page_ms, len(found))
    finally:
        visit.close()


def test_the_site_works_from_a_folder(server, browser):
    """Opened as files (a USB stick): pages, the reader and the Chinese search still work,
    and nothing but the folder itself is read."""
    site, _ = server
    context = browser.new_context()
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(site.joinpath("index.html").as_uri())
        page.wait_for_url("**/book/intro.html")
        page.goto(site.joinpath("search.html").as_uri() + "?q=" + quote("卡脖子"))
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && s.innerText.length > 0; }",
            timeout=15000,
        )
        assert page.locator("#search-results ul.search li").count() > 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "file-search.png"))
    finally:
        context.close()
    outside = [u for u in requests if urlsplit(u).scheme not in ("file", "data", "blob", "about")]
    assert not outside, f"requests left the folder: {outside}"
    assert not errors, f"script errors when opened from a folder: {errors}"


def test_math_renders_from_the_site_itself(server, browser):
    """MathJax is served from _static (no CDN): a chapter with formulas typesets them."""
    site, base = server
    with_math = sorted(
        p for p in (site / "notebooks").glob("*.html") if "mathjax/tex-chtml.js" in p.read_text(encoding="utf-8")
    )
    assert with_math, "no chapter loads MathJax: if the book has no formulas any more, drop this test"
    visit = Visit(browser, base)
    try:
        page = visit.open(f"notebooks/{with_math[0].name}")
        page.wait_for_selector("mjx-container", timeout=15000)
        visit.check("math")
    finally:
        visit.close()


def test_solutions_are_folded_until_asked_for(server, browser):
    site, base = server
    chapter = book.editions.chapter_notebooks()[0].stem
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
    chapter = book.editions.chapter_notebooks()[2].stem
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


@pytest.fixture(scope="module")
def corpus():
    import xinzhi

    return xinzhi.load_corpus()


def _markdown(path: Path):
    from xinzhi.citations import markdown_cells

    return markdown_cells(path)


def _record_timing(term: str, seconds: float, in_page_ms: float, results: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "search-timing.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[term] = {"seconds": round(seconds, 3), "in_page_ms": round(in_page_ms, 1), "results": results}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
