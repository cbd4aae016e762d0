"""One errata table for the whole book, and the chronology of the essays' sources.

``lib/xinzhi/data/errata.csv`` lists every slip found in the source text.  Chapter 01
prints it from the data, ``book/source-text.md`` lists every row, and every ``[sic]`` in
the notebooks must follow a slip of the table in the paragraph it quotes.  The page-break
count the book states is the one the loader finds.  ``chronology.csv`` dates the sources
the essays draw on; every row names its source and says whether the book can check it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import xinzhi
from xinzhi.conventions import cell_source, read_notebook
from xinzhi import citations, datasets

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHAPTER_01 = ROOT / "notebooks" / "01_语料初探.ipynb"
SOURCE_PAGE = ROOT / "book" / "source-text.md"
SEEDS_README = ROOT / "seeds" / "README.md"

#: A [sic] stands right after the slip, or at the end of the phrase that holds it:
#: at most this many characters after the end of ``as_printed``.
SIC_REACH = 15
_SIC = re.compile(r"\s*\[sic\]")
_PUNCTUATION = re.compile(r"[，。；：！？、“”‘’（）《》…]")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@pytest.fixture(scope="module")
def errata():
    return datasets.errata()


def _cells(path: Path) -> list:
    return read_notebook(path).cells


def _spans(errata, corpus, pid: str) -> list[tuple[int, int]]:
    """Where the listed slips of ``pid`` stand in its paragraph: (start, end) pairs."""
    text = corpus[pid].text
    return [
        (text.index(s), text.index(s) + len(s))
        for s in errata.loc[errata.pid == pid, "as_printed"]
    ]


def _covered(errata, corpus, pid: str, position: int) -> bool:
    """True when a [sic] after ``position`` characters of paragraph ``pid`` marks a listed
    slip: it stands inside the slip's words or after them in the same phrase (no
    punctuation between, at most ``SIC_REACH`` characters on)."""
    text = corpus[pid].text
    return any(
        start < position <= end + SIC_REACH and not _PUNCTUATION.search(text[end:position])
        for start, end in _spans(errata, corpus, pid)
    )


# --- the table itself ----------------------------------------------------------------


def test_every_row_is_complete_and_its_words_occur_once_in_its_paragraph(errata, corpus):
    assert len(errata) >= 10
    assert {"pid", "as_printed", "reading", "kind", "kind_zh", "sure", "note"} <= set(errata.columns)
    for row in errata.itertuples():
        assert row.pid in corpus, f"{row.pid} is not a paragraph"
        text = corpus[row.pid].text
        assert text.count(row.as_printed) == 1, (
            f"〔{row.pid}〕: {row.as_printed!r} occurs {text.count(row.as_printed)} times; "
            "as_printed must occur exactly once in its paragraph"
        )
        assert row.sure in {"certain", "probable", "possible"}, row
        for field in ("reading", "kind", "kind_zh", "note"):
            assert getattr(row, field).strip(), f"〔{row.pid}〕 {row.as_printed}: empty {field}"
    assert not errata.duplicated(["pid", "as_printed"]).any()
    assert errata.pid.tolist() == sorted(errata.pid, key=xinzhi.parse_pid), "rows in pid order"


def test_the_slips_the_book_has_always_discussed_are_listed(errata):
    listed = set(zip(errata.pid, errata.as_printed))
    for pid, words in [("3.7", "先先进"), ("5.18", "激发企业创新的愿意"), ("3.3", "引领性和创新性"),
                       ("3.1", "“质量发展"), ("5.8", "由引发")]:
        assert (pid, words) in listed


# --- every [sic] follows a listed slip ---------------------------------------------------


def _quote_sics(quote: str, corpus) -> tuple[str | None, list[int | None]]:
    """The pid of a blockquote and, for each [sic] in it, its position in the paragraph
    (None when the words before it cannot be found there)."""
    parsed = citations.parse_quotation(quote)
    if parsed.pid is None or parsed.pid not in corpus:
        return parsed.pid, []
    source = corpus[parsed.pid].text
    position, found, positions = 0, True, []
    for token in re.split(r"(……|\s*\[sic\])", parsed.text):
        if _SIC.fullmatch(token):
            positions.append(position if found else None)
        elif token == "……":
            continue
        elif token.strip():
            at = source.find(token.strip(), position)
            found = at >= 0
            position = at + len(token.strip()) if found else position
    return parsed.pid, positions


def _open_quote(before: str) -> int:
    """Where the quotation still open at the end of ``before`` starts, or -1 if none is."""
    depth, start = 0, -1
    for i, ch in enumerate(before):
        if ch in "“「":
            depth, start = depth + 1, (i if depth == 0 else start)
        elif ch in "”」" and depth:
            depth -= 1
        elif ch == '"':
            depth, start = (0, start) if depth else (1, i)
    return start if depth else -1


def _prose_sics(text: str) -> list[tuple[str, str]]:
    """(paragraph, quoted words before the mark) for each [sic] that marks a slip in
    prose, that is inside an inline quotation; a [sic] outside quotation marks talks about
    the mark itself (“引用时标注 [sic]”).  Blockquotes and code are left out."""
    found = []
    in_fence = False
    kept = []
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            kept.append("")
            continue
        kept.append("" if in_fence or line.lstrip().startswith(">") else re.sub(r"`[^`]*`", "", line))
    for paragraph in "\n".join(kept).split("\n\n"):
        for m in _SIC.finditer(paragraph):
            before = paragraph[: m.start()]
            opening = _open_quote(before)
            if opening >= 0:
                found.append((paragraph, before[opening + 1 :]))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_sic_in_a_notebook_follows_a_slip_of_the_errata_table(path, errata, corpus):
    problems = []
    for index, cell in enumerate(_cells(path)):
        if cell.get("cell_type") != "markdown":
            continue
        text = cell_source(cell)
        for quote in citations.blockquotes(text):
            pid, positions = _quote_sics(quote, corpus)
            for position in positions:
                if position is None or not _covered(errata, corpus, pid, position):
                    problems.append(f"cell {index}: a [sic] in the quotation of 〔{pid}〕 follows no "
                                    f"slip listed for 〔{pid}〕 in errata.csv: {quote[:50]}")
        for paragraph, words in _prose_sics(text):
            pids = citations.cited_pids(paragraph) or citations.cited_pids(text)
            words = _SIC.sub("", words).strip()
            ok = False
            for pid in pids:
                at = corpus[pid].text.find(words) if pid in corpus and words else -1
                if at >= 0 and _covered(errata, corpus, pid, at + len(words)):
                    ok = True
            if not ok:
                problems.append(f"cell {index}: a [sic] in prose after {words!r} follows no slip of "
                                f"errata.csv in the paragraphs the passage cites ({pids or 'none'})")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS + [SOURCE_PAGE], ids=lambda p: p.stem)
def test_no_page_states_its_own_count_of_errata(path):
    """The table is the one count: prose such as “四处错字” goes stale when a row is added."""
    if path.suffix == ".ipynb":
        text = "\n".join(cell_source(c) for c in _cells(path) if c.get("cell_type") == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    # “一处笔误” speaks of one slip; a count of two or more speaks for the table.
    stale = re.findall(r"(?:[二三四五六七八九十两几]+|\d*[02-9]|\d{2,})\s*[处个](?:原文的?)?(?:错字|笔误|排印错误)", text)
    assert stale == [], f"{path.name} counts the errata itself: {stale}; point to the table instead"


# --- chapter 01 and the source page agree with the table ---------------------------------


def test_chapter_01_prints_the_table_from_the_data(errata):
    cells = _cells(CHAPTER_01)
    printing = [c for c in cells if c.get("cell_type") == "code" and "datasets.errata()" in cell_source(c)]
    assert printing, "chapter 01 should print the errata table with datasets.errata()"
    shown = ""
    for output in printing[0].get("outputs", []):
        data = output.get("data", {})
        for key in ("text/plain", "text/html"):
            value = data.get(key, "")
            shown += value if isinstance(value, str) else "".join(value)
    for row in errata.itertuples():
        assert row.as_printed in shown, f"chapter 01's errata output lacks 〔{row.pid}〕 {row.as_printed}"


def test_the_source_page_lists_every_row(errata):
    lines = SOURCE_PAGE.read_text(encoding="utf-8").splitlines()
    for row in errata.itertuples():
        assert any(f"〔{row.pid}〕" in line and row.as_printed in line for line in lines), (
            f"book/source-text.md does not list 〔{row.pid}〕 {row.as_printed}"
        )


def _page_break_repairs(corpus) -> tuple[int, int]:
    """(paragraphs joined across a page break, number of joins), from the source file."""
    raw = corpus.source.read_text(encoding="utf-8").split("\n")
    paragraphs = joins = 0
    for p in corpus:
        i, text, lines = p.line - 1, raw[p.line - 1], 1
        while text != p.text:
            i += 1
            if raw[i].strip():
                text += raw[i]
                lines += 1
            assert len(text) <= len(p.text), f"〔{p.pid}〕 is not its source lines joined"
        paragraphs += lines > 1
        joins += lines - 1
    return paragraphs, joins


def test_the_page_break_count_the_book_states_is_the_loaders(corpus):
    paragraphs, joins = _page_break_repairs(corpus)
    page = SOURCE_PAGE.read_text(encoding="utf-8")
    stated = re.search(r"全文共\s*(\d+)\s*处", page)
    assert stated, "book/source-text.md should state how many page breaks were repaired"
    assert int(stated.group(1)) == joins, f"source-text.md says {stated.group(1)}, the loader joins {joins}"
    paragraphs_stated = re.search(r"涉及\s*(\d+)\s*个段落", page)
    assert paragraphs_stated and int(paragraphs_stated.group(1)) == paragraphs
    readme = re.search(r"\((\d+) times\)", SEEDS_README.read_text(encoding="utf-8"))
    assert readme and int(readme.group(1)) == joins, "seeds/README.md states another count"


# --- the chronology of the essays' sources ------------------------------------------------


@pytest.fixture(scope="module")
def chronology():
    return datasets.load_dataset("chronology", dtype=str)


def test_every_step_of_the_chronology_names_its_source_and_says_if_it_was_checked(chronology, corpus):
    assert len(chronology) >= 5
    for row in chronology.itertuples():
        assert row.source.strip(), f"{row.date}: no named source"
        assert re.fullmatch(r"(\d{4}(-\d{2}(-\d{2})?)?)?", row.when), row.when
        if row.when:
            year = row.when[:4]
            assert year in row.date, f"{row.date} does not match when={row.when}"
        own = row.source.startswith("文章自述")
        assert row.verified_offline == ("语料内可核对" if own else "本书未能离线核对"), row.date
        if own:
            assert set(citations.cited_pids(row.source)) <= set(row.pids.split()), row.date
        pids = row.pids.split()
        assert all(p in corpus for p in pids), row.pids
        assert bool(pids) == bool(row.evidence), f"{row.date}: evidence goes with pids"
        if row.evidence:
            assert any(xinzhi.normalize_text(row.evidence) in xinzhi.normalize_text(corpus[p].text)
                       for p in pids), f"{row.date}: {row.evidence!r} is in none of {pids}"
    dated = [w for w in chronology.when if w]
    assert dated == sorted(dated), "rows in date order"


def test_chapter_01_prints_the_chronology_and_says_what_it_could_not_check():
    cells = _cells(CHAPTER_01)
    assert any(c.get("cell_type") == "code" and 'load_dataset("chronology")' in cell_source(c) for c in cells)
    markdown = "\n".join(cell_source(c) for c in cells if c.get("cell_type") == "markdown")
    assert "文本、来源与年代" in markdown
    assert "未能离线核对" in markdown
