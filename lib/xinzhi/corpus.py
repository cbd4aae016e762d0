"""Load the essays file into essays, sections and paragraphs with stable pids.

The source is text extracted from a PDF (see ``seeds/README.md``):

* a table of contents (目录) lists the eight essays with their source start page;
  essay boundaries come from it, because heading levels in the body are unreliable;
* section headings sometimes wrap their text in ``**bold**``;
* PDF page breaks split paragraphs mid-sentence: a body line that does not end with
  sentence-final punctuation continues on the next non-empty line;
* a line ending in ``：`` introduces a list and is a paragraph of its own.

A paragraph id (pid) is ``"E.N"``: essay number 1-8 and paragraph number within the
essay, counted from 1 over body paragraphs after page-break repair (headings are not
paragraphs).  The text of every paragraph is exactly the source's, minus the line
breaks at page splits.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .conventions import READING_SPEED, format_pid, parse_pid, reading_minutes
from .conventions import anchor as pid_anchor
from .errors import CorpusError, EssayError, PidError

if TYPE_CHECKING:  # pandas is imported lazily: `import xinzhi` stays fast
    import pandas as pd

__all__ = [
    "CorpusError",
    "Paragraph",
    "Section",
    "Essay",
    "Corpus",
    "load_corpus",
    "default_corpus_path",
    "parse_pid",
    "normalize_text",
    "READING_SPEED",
    "LEAD_SECTION",
]

#: The ``section`` label of paragraphs that stand before an essay's first heading.
LEAD_SECTION = "（导语）"

#: A body line ending in one of these closes its paragraph; any other ending means
#: the PDF's page break split the paragraph and the next non-empty line continues it.
#: ``：`` is here because a line ending in it leads in to a list and stands alone.
PARAGRAPH_END = frozenset("。！？：…")
_CLOSING_QUOTES = frozenset("”’」』）)")

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_TOC_HEADING = re.compile(r"^目\s*录$")
_TOC_ENTRY = re.compile(r"^\s*(\d+)\s*\.{2,}\s*(.+?)\s*\.{3,}\s*(\d+)\s*$")
_COLUMN_LABEL = re.compile(r"^【([^】]+)】\s*(.*)$")
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")

SEED_FILENAME = "000_961bfa78dd09bc79.txt"


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph, cited by its pid ``"E.N"``."""

    essay: int
    n: int
    section: str
    text: str
    line: int  #: 1-based line of the source file where the paragraph starts

    @property
    def pid(self) -> str:
        return format_pid(self.essay, self.n)

    @property
    def anchor(self) -> str:
        """The HTML anchor of this paragraph in the book's reader (``p3-5``)."""
        return pid_anchor(self.pid)

    @property
    def chars(self) -> int:
        return len(self.text)

    def __str__(self) -> str:
        return f"{self.text}〔{self.pid}〕"


@dataclass(frozen=True)
class Section:
    """A titled part of an essay (or its untitled lead, titled ``LEAD_SECTION``)."""

    essay: int
    number: int  #: 0 for the lead before the first heading, then 1, 2, ...
    title: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def is_lead(self) -> bool:
        return self.number == 0


@dataclass(frozen=True)
class Essay:
    """One of the eight essays, bounded by the table of contents."""

    number: int
    title: str  #: the heading's text, markup removed
    toc_title: str  #: the table of contents entry, with its column label if any
    column: str | None  #: the column label in 【】 that the TOC carries, if any
    page: int  #: source start page, from the table of contents
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...] = field(repr=False)

    @property
    def chars(self) -> int:
        return sum(p.chars for p in self.paragraphs)

    @property
    def text(self) -> str:
        """The essay's paragraphs joined by newlines (headings left out)."""
        return "\n".join(p.text for p in self.paragraphs)


def count_han(text: str) -> int:
    """Number of Han characters in ``text`` (reading time is counted in these).

    >>> count_han("2035 年建成 AI 强国")
    5
    """
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")


def normalize_text(text: str, *, width: bool = True, digit_spaces: bool = True) -> str:
    """An analysis view of ``text``: never a replacement for the faithful text.

    ``width`` folds full-width Latin letters and digits to half width (NFKC on those
    characters only, so Chinese punctuation stays); ``digit_spaces`` removes the spaces
    the PDF extraction left between digits and Chinese units.

    >>> normalize_text("经济总量突破 120 万亿元，占 18% 左右，到 ２０３５ 年：ＡＩ")
    '经济总量突破120万亿元，占18%左右，到2035年：AI'
    """
    if width:
        text = "".join(
            unicodedata.normalize("NFKC", ch) if _FULLWIDTH_ALNUM.match(ch) else ch for ch in text
        )
    if digit_spaces:
        text = re.sub(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[0-9])", "", text)
        text = re.sub(r"(?<=[0-9%])[ \u3000]+(?=[\u4e00-\u9fff%])", "", text)
    return text


class Corpus:
    """The eight essays: objects for reading, pandas views for analysis.

    >>> corpus = load_corpus()
    >>> len(corpus.essays), corpus["3.5"].pid
    (8, '3.5')
    """

    def __init__(self, essays: tuple[Essay, ...], *, source: Path | None, text: str):
        self.essays = essays
        self.source = source
        self._text = text
        self._by_pid = {p.pid: p for e in essays for p in e.paragraphs}

    # --- lookup -----------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<Corpus: {len(self.essays)} essays, {len(self._by_pid)} paragraphs>"

    def __len__(self) -> int:
        return len(self._by_pid)

    def __iter__(self) -> Iterator[Paragraph]:
        return iter(self._by_pid.values())

    def __contains__(self, pid: object) -> bool:
        try:
            return self._key(pid) in self._by_pid
        except PidError:
            return False

    def __getitem__(self, pid: str) -> Paragraph:
        return self.paragraph(pid)

    @staticmethod
    def _key(pid: object) -> str:
        return format_pid(*parse_pid(pid))

    def paragraph(self, pid: str) -> Paragraph:
        """The paragraph with this pid; :class:`~xinzhi.errors.PidError` (a ``KeyError``) with
        the valid range if none."""
        key = self._key(pid)
        try:
            return self._by_pid[key]
        except KeyError:
            essay_no = int(key.split(".")[0])
            if 1 <= essay_no <= len(self.essays):
                last = len(self.essays[essay_no - 1].paragraphs)
                raise PidError(
                    f"no paragraph {key}: essay {essay_no} has paragraphs {essay_no}.1 to "
                    f"{essay_no}.{last}"
                ) from None
            raise PidError(
                f"no paragraph {key}: essays are numbered 1 to {len(self.essays)}"
            ) from None

    def essay(self, number: int) -> Essay:
        """Essay ``number`` (1-based); :class:`~xinzhi.errors.EssayError` (a ``KeyError``
        and a ``ValueError``) naming the valid range if none."""
        if isinstance(number, bool) or not isinstance(number, int) or not (
            1 <= number <= len(self.essays)
        ):
            raise EssayError(f"no essay {number!r}: essays are numbered 1 to {len(self.essays)}")
        return self.essays[number - 1]

    @property
    def pids(self) -> list[str]:
        return list(self._by_pid)

    @property
    def digest(self) -> str:
        """SHA-256 of the text as loaded: a cache key for derived tables."""
        return hashlib.sha256(self._text.encode("utf-8")).hexdigest()

    # --- pandas views ----------------------------------------------------------
    @functools.cached_property
    def paragraphs(self) -> "pd.DataFrame":
        """One row per paragraph: ``pid, essay, section_no, section, n, text, chars, han``."""
        import pandas as pd

        rows = [
            {
                "pid": p.pid,
                "essay": p.essay,
                "section_no": s.number,
                "section": p.section,
                "n": p.n,
                "text": p.text,
                "chars": p.chars,
                "han": count_han(p.text),
            }
            for e in self.essays
            for s in e.sections
            for p in s.paragraphs
        ]
        return pd.DataFrame(rows)

    @functools.cached_property
    def essays_table(self) -> "pd.DataFrame":
        """One row per essay: ``essay, title, toc_title, column, page, sections,
        paragraphs, chars, han, minutes`` (reading time at
        :data:`~xinzhi.conventions.READING_SPEED` Han characters a minute)."""
        import pandas as pd

        rows = []
        for e in self.essays:
            han = sum(count_han(p.text) for p in e.paragraphs)
            rows.append(
                {
                    "essay": e.number,
                    "title": e.title,
                    "toc_title": e.toc_title,
                    "column": e.column,
                    "page": e.page,
                    "sections": sum(1 for s in e.sections if not s.is_lead),
                    "paragraphs": len(e.paragraphs),
                    "chars": e.chars,
                    "han": han,
                    "minutes": reading_minutes(han, digits=1),
                }
            )
        return pd.DataFrame(rows)

    @property
    def sections(self) -> "pd.DataFrame":
        """One row per section: ``essay, section_no, section, first_pid, paragraphs, chars``."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "essay": s.essay,
                    "section_no": s.number,
                    "section": s.title,
                    "first_pid": s.paragraphs[0].pid,
                    "paragraphs": len(s.paragraphs),
                    "chars": sum(p.chars for p in s.paragraphs),
                }
                for e in self.essays
                for s in e.sections
            ]
        )

    @functools.cached_property
    def tokens(self) -> "pd.DataFrame":
        """One row per token: ``pid, essay, position, token, start, pos, is_stopword,
        is_punct`` (cached on disk, keyed by the text, dictionary and jieba version)."""
        from .segment import token_table

        return token_table(self)


def default_corpus_path() -> Path:
    """The essays file shipped with the project.

    Looked for in the package's data folder (an installed wheel) and in the
    repository's ``seeds/`` folder (an editable install or a clone).
    """
    here = Path(__file__).resolve().parent
    candidates = [here / "data" / SEED_FILENAME, here.parent.parent / "seeds" / SEED_FILENAME]
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        "the essays file was not found at "
        + " or ".join(str(p) for p in candidates)
        + "; pass its path: load_corpus('path/to/" + SEED_FILENAME + "')"
    )


def load_corpus(path: str | Path | None = None, *, encoding: str = "utf-8") -> Corpus:
    """Load the essays file (the project's own copy when ``path`` is None).

    Raises ``FileNotFoundError`` for a missing file and :class:`CorpusError` for
    anything that is not this corpus in the given encoding; never a partial corpus.

    >>> corpus = load_corpus()
    >>> corpus.essays[0].column, corpus.essays[0].page
    ('理论宣传研究', 2)
    """
    path = default_corpus_path() if path is None else Path(path)
    if path.is_dir():
        raise CorpusError(f"{path} is a directory; pass the essays text file inside it")
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}; check the path, or call load_corpus() "
                                "without arguments for the project's own copy")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from None
    text = decode(raw, encoding=encoding, name=str(path))
    return parse(text, source=path)


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


def parse(text: str, *, source: Path | None = None) -> Corpus:
    """Build a :class:`Corpus` from the decoded text of the essays file."""
    name = str(source) if source else "the text"
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
    return Corpus(tuple(essays), source=source, text=text)
