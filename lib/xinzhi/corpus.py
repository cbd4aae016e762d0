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

import functools
import numbers
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .conventions import READING_SPEED, format_pid, parse_pid, reading_minutes  # noqa: F401 (re-exported)
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

    Parameters
    ----------
    text : str

    Returns
    -------
    int
        Characters in the CJK Unified Ideographs block and its Extension A.

    Examples
    --------
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

    ``corpus.essays`` and ``corpus[pid]`` give objects (an :class:`Essay`'s
    ``paragraphs`` is a tuple of :class:`Paragraph`); ``corpus.paragraphs``,
    ``.sections``, ``.essays_table`` and ``.tokens`` are pandas tables, each a fresh copy.
    (The two meanings of ``paragraphs`` are the project's core API, which every chapter
    uses; they stay.)

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
        if isinstance(number, bool) or not isinstance(number, numbers.Integral) or not (
            1 <= number <= len(self.essays)
        ):
            raise EssayError(f"no essay {number!r}: essays are numbered 1 to {len(self.essays)}")
        return self.essays[int(number) - 1]

    @property
    def pids(self) -> list[str]:
        return list(self._by_pid)

    @property
    def source_text(self) -> str:
        """The essays file's text as loaded (decoded; line endings made ``\\n``)."""
        return self._text

    @property
    def digest(self) -> str:
        """SHA-256 of the text as loaded: a cache key for derived tables."""
        return hashlib.sha256(self._text.encode("utf-8")).hexdigest()

    # --- pandas views ----------------------------------------------------------
    # Each view is built once and handed out as a copy: a student who sorts, filters
    # or edits one in place changes only their copy, never what later analysis reads.
    # (A copy of the token table takes well under a millisecond.)

    @property
    def paragraphs(self) -> "pd.DataFrame":
        """One row per paragraph: ``pid, essay, section_no, section, n, text, chars, han``
        (a fresh copy on every access)."""
        return self._paragraphs.copy()

    @property
    def essays_table(self) -> "pd.DataFrame":
        """One row per essay: ``essay, title, toc_title, column, page, sections,
        paragraphs, chars, han, minutes`` (reading time at
        :data:`~xinzhi.conventions.READING_SPEED` Han characters a minute; a fresh copy
        on every access)."""
        return self._essays_table.copy()

    @property
    def tokens(self) -> "pd.DataFrame":
        """One row per token: ``pid, essay, position, token, start, pos, is_stopword,
        is_punct`` (cached on disk, keyed by the text, dictionary and jieba version; a
        fresh copy on every access)."""
        return self._tokens.copy()

    @functools.cached_property
    def _paragraphs(self) -> "pd.DataFrame":
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
    def _essays_table(self) -> "pd.DataFrame":
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
    def _tokens(self) -> "pd.DataFrame":
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

    Parameters
    ----------
    path : str or Path, optional
        The essays text file; by default the copy shipped with the package, found from
        any working directory.
    encoding : str, default "utf-8"
        The file's encoding (the error for a wrong one names the likely right one).

    Returns
    -------
    Corpus
        Eight essays with their sections and paragraphs, looked up by pid.

    Raises
    ------
    FileNotFoundError
        For a missing file, naming the path.
    CorpusError
        For anything that is not this corpus in the given encoding (naming the line and
        the fix); never a partial corpus.

    Examples
    --------
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
    from .sourcefile import decode

    text = decode(raw, encoding=encoding, name=str(path))
    return parse(text, source=path)


def parse(text: str, *, source: Path | None = None) -> Corpus:
    """Build a :class:`Corpus` from the decoded text of the essays file (what
    :func:`load_corpus` does after reading and decoding the file).

    >>> parse(load_corpus().source_text).pids[:2]
    ['1.1', '1.2']
    """
    from .sourcefile import parse_essays

    essays = parse_essays(text, name=str(source) if source else "the text")
    return Corpus(essays, source=source, text=text)
