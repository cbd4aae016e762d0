"""The browser tests' plumbing: Debian's chromium under Playwright, a quiet local
server for a built site, and a page that records every request (test_browser,
test_practice, test_practice_page)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

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


#: What a web host compresses (GitHub Pages, Netlify and nginx's usual settings do):
#: text, not images or fonts, which are compressed already.
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as a web host would: text gzip-compressed for a browser that
    accepts it, so that what a page transfers is what a reader's phone would receive."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        path = Path(self.translate_path(self.path))
        if path.suffix not in COMPRESSED or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a page closed while Sphinx's search was still fetching result summaries


@contextlib.contextmanager
def serve(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def missing(message: str) -> None:
    """A tool the tests need is not installed: a failure on CI, a skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextlib.contextmanager
def launch():
    """Debian's chromium, headless, for as long as the block lasts."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)")
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
        outside = [u for u in self.requests if not is_local(u, self.base)]
        assert not outside, f"{name}: requests left the site: {outside}"
        assert not self.failures, f"{name}: failed requests or script errors: {self.failures}"

    def close(self):
        self.context.close()


def is_local(url: str, base: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return url.startswith(base + "/") and parts.hostname == "127.0.0.1"


@contextlib.contextmanager
def folder_page(browser):
    """A page for a site opened from a folder (file://), with the URLs it requested and
    its script errors: ``(page, requests, errors)``."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page, requests, errors
    finally:
        context.close()


def outside_folder(requests: list[str]) -> list[str]:
    """The requests that left the folder."""
    return [u for u in requests if urlsplit(u).scheme not in ("file", "data", "blob", "about")]


# --- what a first visit costs -------------------------------------------------------------------
#: A phone's screen, as Lighthouse's mobile preset sizes it.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True,
         "has_touch": True}
IMAGE_TYPES = ("image/",)


def first_visit(browser, url: str) -> dict:
    """Load ``url`` in a new phone-sized context (empty cache) until the network is idle
    and a moment more; what it requested: ``requests``, ``transferred`` (bytes on the wire:
    headers and bodies as sent, compressed where the server compresses),
    ``transferred_images``, ``decoded`` (bodies uncompressed), ``urls``."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    seen: list = []
    page.on("requestfinished", lambda request: seen.append(request))
    try:
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(300)
        totals = {"requests": len(seen), "transferred": 0, "transferred_images": 0, "decoded": 0,
                  "urls": [r.url for r in seen]}
        for request in seen:
            sizes = request.sizes()
            wire = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
            response = request.response()
            kind = (response.headers.get("content-type", "") if response else "")
            totals["transferred"] += wire
            if kind.startswith(IMAGE_TYPES):
                totals["transferred_images"] += wire
            try:
                totals["decoded"] += len(response.body()) if response else 0
            except Exception:  # a body the browser no longer holds (a redirect)
                pass
        return totals
    finally:
        context.close()
