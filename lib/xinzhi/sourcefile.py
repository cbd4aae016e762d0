"""Read the essays file: decode its bytes strictly, then split its text into essays,
sections and paragraphs (the source's quirks are described in :mod:`xinzhi.corpus`).

:func:`xinzhi.load_corpus` is the way in; this module is its parser.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from .corpus import LEAD_SECTION, Essay, Paragraph, Section, count_han
from .errors import CorpusError

__all__ = ["PARAGRAPH_END", "decode", "guess_encoding", "clean_heading", "parse_essays"]

#: A body line ending in one of these closes its paragraph; any other ending means
#: the PDF's page break split the paragraph and the next non-empty line continues it.
#: ``：`` is here because a line ending in it leads in to a list and stands alone.
PARAGRAPH_END = frozenset("。！？：…")
_CLOSING_QUOTES = frozenset("”’」』）)")

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_TOC_HEADING = re.compile(r"^目\s*录$")
_TOC_ENTRY = re.compile(r"^\s*(\d+)\s*\.{2,}\s*(.+?)\s*\.{3,}\s*(\d+)\s*$")
_COLUMN_LABEL = re.compile(r"^【([^】]+)】\s*(.*)$")


# --- decoding ----------------------------------------------------------------------

def decode(raw: bytes, *, encoding: str = "utf-8", name: str = "the file") -> str:
    """Decode ``raw`` strictly; on failure say which encoding it looks like."""
    try:
        codec = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise CorpusError(
            f"{encoding!r} is not an encoding Python knows; try encoding='utf-8' or 'gbk'"
        ) from None
    if not raw.strip():
        raise CorpusError(f"{name} is empty; it should hold the eight essays as UTF-8 text")
    if codec.startswith("utf-8") and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        guess = guess_encoding(raw)
        hint = (
            f"it looks like {guess}: load_corpus(path, encoding={guess.lower()!r})"
            if guess
            else "it does not look like text in any encoding tried (UTF-8, UTF-16, GBK); "
            "is it the essays file?"
        )
        raise CorpusError(
            f"{name} is not valid {encoding} (byte {exc.start}: {raw[exc.start:exc.start + 4]!r}); "
            + hint
        ) from None
    if "\x00" in text:
        guess = guess_encoding(raw)
        hint = f"it looks like {guess}: pass encoding={guess.lower()!r}" if guess else "is it binary?"
        raise CorpusError(f"{name} has NUL characters when read as {encoding}; {hint}")
    text = text.lstrip("\ufeff")
    # Windows and old Mac line endings read as the same corpus.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def guess_encoding(raw: bytes) -> str | None:
    """Name the encoding ``raw`` most likely uses, or None if none fits as Chinese text."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    candidates = [("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030")]
    if len(raw) % 2 == 0:
        candidates += [("utf-16-le", "UTF-16-LE"), ("utf-16-be", "UTF-16-BE")]
    candidates.append(("big5", "Big5"))
    for enc, label in candidates:
        try:
            if _looks_chinese(raw.decode(enc)):
                return label
        except UnicodeDecodeError:
            continue
    return None


def _looks_chinese(text: str) -> bool:
    if not text:
        return False
    han = count_han(text)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    return han > len(text) * 0.3 and controls == 0


# --- parsing -----------------------------------------------------------------------

def clean_heading(text: str) -> str:
    """Heading text without Markdown emphasis: ``**标题**`` -> ``标题``."""
    text = text.strip()
    text = re.sub(r"^(\*\*|__)(.*)\1$", r"\2", text).strip()
    text = re.sub(r"^(\*|_)(.*)\1$", r"\2", text).strip()
    return text


def _ends_paragraph(line: str) -> bool:
    """True when ``line`` closes its paragraph (a closing quote may follow the stop)."""
    stripped = line.rstrip()
    while stripped and stripped[-1] in _CLOSING_QUOTES:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] in PARAGRAPH_END and line.rstrip()[-1] not in "“‘"


@dataclass
class _TocEntry:
    number: int
    toc_title: str
    column: str | None
    title: str
    page: int


def _parse_toc(lines: list[str], name: str) -> tuple[list[_TocEntry], int]:
    """The TOC entries and the index of the first line after the TOC."""
    start = None
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and _TOC_HEADING.match(clean_heading(m.group(2))):
            start = i + 1
            break
        if m or (line.strip() and i > 50):
            break
    if start is None:
        raise CorpusError(
            f"{name} has no table of contents: the essays file starts with a heading "
            "'## 目 录' followed by lines like '1...标题 .....\t2'; essay boundaries come "
            "from it. Is this the right file?"
        )
    entries: list[_TocEntry] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        m = _TOC_ENTRY.match(line)
        if not m:
            break
        number, toc_title, page = int(m.group(1)), m.group(2).strip(), int(m.group(3))
        label = _COLUMN_LABEL.match(toc_title)
        column, title = (label.group(1), label.group(2).strip()) if label else (None, toc_title)
        if number != len(entries) + 1:
            raise CorpusError(
                f"{name}, line {i + 1}: table of contents entry {number} should be "
                f"{len(entries) + 1}; the entries must be numbered 1, 2, 3, ... in order"
            )
        entries.append(_TocEntry(number, toc_title, column, title, page))
        i += 1
    if not entries:
        raise CorpusError(
            f"{name}, line {start + 1}: the table of contents has no entries of the form "
            "'1...标题 .....\t2'"
        )
    return entries, i


def _heading_key(title: str) -> str:
    return re.sub(r"\s+", "", title)


def parse_essays(text: str, *, name: str = "the text") -> tuple[Essay, ...]:
    """The essays of the decoded text of the essays file; :class:`CorpusError` naming
    the line and the fix for anything that is not this corpus."""
    lines = text.split("\n")
    toc, body_start = _parse_toc(lines, name)

    essays: list[Essay] = []
    next_entry = 0
    current: dict | None = None
    pending: tuple[int, list[str]] | None = None  # (start line, parts) of an open paragraph

    def close_section() -> None:
        if current is None:
            return
        if current["section_paras"] or current["section_no"] > 0:
            current["sections"].append(
                Section(
                    essay=current["entry"].number,
                    number=current["section_no"],
                    title=current["section_title"],
                    paragraphs=tuple(current["section_paras"]),
                )
            )

    def close_essay() -> None:
        if current is None:
            return
        close_section()
        entry: _TocEntry = current["entry"]
        paragraphs = tuple(p for s in current["sections"] for p in s.paragraphs)
        if not paragraphs:
            raise CorpusError(
                f"{name}, line {current['line']}: essay {entry.number} '{entry.title}' has "
                "no paragraphs; the file may be truncated or its headings out of order"
            )
        for s in current["sections"]:
            if not s.paragraphs:
                raise CorpusError(
                    f"{name}: section '{s.title}' of essay {entry.number} has no paragraphs; "
                    "the file may be truncated"
                )
        essays.append(
            Essay(
                number=entry.number,
                title=current["title"],
                toc_title=entry.toc_title,
                column=entry.column,
                page=entry.page,
                sections=tuple(current["sections"]),
                paragraphs=paragraphs,
            )
        )

    def add_paragraph(start: int, parts: list[str]) -> None:
        current["count"] += 1
        current["section_paras"].append(
            Paragraph(
                essay=current["entry"].number,
                n=current["count"],
                section=current["section_title"],
                text="".join(parts),
                line=start + 1,
            )
        )

    for i in range(body_start, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        heading = _HEADING.match(line)
        if heading:
            title = clean_heading(heading.group(2))
            if pending is not None:
                raise CorpusError(
                    f"{name}, line {pending[0] + 1}: a paragraph breaks off without final "
                    f"punctuation before the heading '{title}' at line {i + 1}; the file "
                    "may be damaged"
                )
            if next_entry < len(toc) and _heading_key(title) == _heading_key(toc[next_entry].title):
                close_essay()
                current = {
                    "entry": toc[next_entry],
                    "title": title,
                    "line": i + 1,
                    "sections": [],
                    "section_no": 0,
                    "section_title": LEAD_SECTION,
                    "section_paras": [],
                    "count": 0,
                }
                next_entry += 1
                continue
            if current is None:
                raise CorpusError(
                    f"{name}, line {i + 1}: the heading '{title}' does not match the first "
                    f"table of contents entry '{toc[0].title}'; the headings disagree with "
                    "the table of contents"
                )
            if any(_heading_key(title) == _heading_key(e.title) for e in toc[next_entry:]):
                raise CorpusError(
                    f"{name}, line {i + 1}: the heading '{title}' is a later table of contents "
                    f"entry, but the next essay should be '{toc[next_entry].title}'; the "
                    "headings disagree with the table of contents (essays out of order?)"
                )
            close_section()
            current["section_no"] += 1
            current["section_title"] = title
            current["section_paras"] = []
            continue
        if current is None:
            raise CorpusError(
                f"{name}, line {i + 1}: text before the first essay heading "
                f"'{toc[0].title}'; the headings disagree with the table of contents"
            )
        if pending is None:
            pending = (i, [line])
        else:
            pending[1].append(line)
        if _ends_paragraph(line):
            add_paragraph(*pending)
            pending = None

    if pending is not None:
        raise CorpusError(
            f"{name}, line {pending[0] + 1}: the file ends in the middle of a paragraph; "
            "it looks truncated. Use the complete essays file"
        )
    if next_entry < len(toc):
        missing = ", ".join(f"{e.number} '{e.title}'" for e in toc[next_entry:])
        raise CorpusError(
            f"{name}: no heading found for table of contents entr"
            f"{'y' if len(toc) - next_entry == 1 else 'ies'} {missing}; the file is truncated "
            "or its headings disagree with the table of contents"
        )
    close_essay()
    return tuple(essays)
