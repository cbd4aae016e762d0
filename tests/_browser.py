"""The browser tests' plumbing: Debian's chromium under Playwright, a quiet local
server for a built site, and a page that records every request (test_browser,
test_practice, test_practice_page)."""

from __future__ import annotations

import contextlib
import functools
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


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
