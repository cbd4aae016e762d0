"""Helpers for the tests that read the built book (test_book, test_browser): one build
of each edition per test session, the table of contents, the glossary's rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
#: The repository URL the test build is given, so that launch buttons are made.
TEST_REPOSITORY = "https://github.com/example-org/xinzhi-book"
TEST_HUB = "https://hub.example.edu"


def build_site(config: pytest.Config, tmp_root: Path, edition: str = "study") -> Path:
    """Build ``edition`` once per test session (fresh, warnings as errors); its HTML folder."""
    import editions

    sites = config.__dict__.setdefault("_xinzhi_sites", {})
    if edition not in sites:
        out = tmp_root / edition
        try:
            sites[edition] = editions.build_html(
                edition,
                out,
                fresh=True,
                quiet=True,
                env={"XINZHI_REPOSITORY_URL": TEST_REPOSITORY, "XINZHI_JUPYTERHUB_URL": TEST_HUB},
            )
        except editions.EditionError as exc:
            sites[edition] = exc
    if isinstance(sites[edition], Exception):
        pytest.fail(str(sites[edition]), pytrace=False)
    return sites[edition]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page(site: Path, docname: str) -> Path:
    return site / f"{docname}.html"


def toc_docnames() -> list[str]:
    import yaml

    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(items):
        for item in items or []:
            if "file" in item:
                names.append(item["file"])
            walk(item.get("sections"))
            walk(item.get("chapters"))

    walk(toc.get("parts"))
    return names


def glossary_rows() -> list[dict]:
    import xinzhi_pages as pages

    text = pages.glossary_path().read_text(encoding="utf-8-sig")
    return [r for r in csv.DictReader(text.splitlines()) if (r.get("term") or "").strip()]
