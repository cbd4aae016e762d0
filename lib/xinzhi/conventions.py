"""The project's shared conventions: the one pid grammar, the reading speed, the one
notebook reader.

Everything that writes, reads or links a paragraph id goes through this module: the
corpus, the citation checker, the answer checker, the book and the tests.

A paragraph id (pid) is ``"E.N"``: essay ``E`` (1-8) and paragraph ``N`` of that essay,
counted from 1.  It has three written forms:

=============  ============  ==========================================
form           example       where
=============  ============  ==========================================
plain          ``3.5``       code, tables, the CLI
citation       ``〔3.5〕``   prose and blockquotes (full-width brackets)
anchor         ``p3-5``      the HTML anchor of a paragraph in the reader
=============  ============  ==========================================

and a run of consecutive paragraphs is written ``〔3.1〕–〔3.3〕``.

>>> from xinzhi.conventions import parse_pid, cite, anchor
>>> parse_pid("〔３．５〕")
(3, 5)
>>> cite("3.5"), anchor("3.5")
('〔3.5〕', 'p3-5')
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .errors import NotebookError, PidError

if TYPE_CHECKING:
    import nbformat

__all__ = [
    "PID",
    "CITATION",
    "ANCHOR",
    "READING_SPEED",
    "parse_pid",
    "format_pid",
    "normalize_pid",
    "cite",
    "anchor",
    "pid_from_anchor",
    "cited_pids",
    "pid_ranges",
    "format_pid_ranges",
    "reading_minutes",
    "read_notebook",
    "cell_source",
    "cell_tags",
    "markdown_cells",
]

# --- the pid grammar ------------------------------------------------------------------

#: A pid in plain form, ``3.5``; a full-width stop (``3．5``) and spaces around the
#: parts are allowed when *reading* a pid, never written.
PID = re.compile(r"(\d+)\s*[.．]\s*(\d+)")
#: A pid cited in prose: ``〔3.5〕`` (full-width tortoise-shell brackets).
CITATION = re.compile(r"〔(\d+)\.(\d+)〕")
#: The HTML anchor of a paragraph in the book's reader: ``p3-5``.
ANCHOR = re.compile(r"p(\d+)-(\d+)")

_BRACKETED = re.compile(r"\s*〔?\s*" + PID.pattern + r"\s*〕?\s*")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_pid(pid: object) -> tuple[int, int]:
    """Split a pid such as ``"3.5"`` or ``"〔3.5〕"`` into ``(3, 5)``.

    Parameters
    ----------
    pid : str
        A pid in plain (``3.5``) or citation (``〔3.5〕``) form; full-width digits and
        stop and spaces around the parts are read too.

    Returns
    -------
    tuple of int
        ``(essay, paragraph)``.

    Raises
    ------
    PidError
        For anything that is not written ``E.N`` (a ``KeyError`` and a ``ValueError``).

    Examples
    --------
    >>> parse_pid("〔3.5〕"), parse_pid(" 3．5 ")
    ((3, 5), (3, 5))
    >>> parse_pid("3-5")
    Traceback (most recent call last):
    ...
    xinzhi.errors.PidError: '3-5' is not a paragraph id; write it as 'E.N', essay then paragraph, e.g. '3.5'
    """
    text = pid.translate(_FULLWIDTH_DIGITS) if isinstance(pid, str) else pid
    match = (
        _BRACKETED.fullmatch(str(text))
        if isinstance(text, (str, int, float)) and not isinstance(text, bool)
        else None
    )
    if not match:
        raise PidError(
            f"{pid!r} is not a paragraph id; write it as 'E.N', essay then paragraph, e.g. '3.5'"
        )
    return int(match.group(1)), int(match.group(2))


def format_pid(essay: int, n: int) -> str:
    """The plain form of a pid: ``format_pid(3, 5) == "3.5"`` (no leading zeros).

    >>> format_pid(3, 5)
    '3.5'
    """
    return f"{int(essay)}.{int(n)}"


def normalize_pid(pid: object) -> str:
    """Any accepted spelling of a pid in its plain form: ``"〔03.5〕"`` -> ``"3.5"``.

    >>> normalize_pid("〔03.5〕")
    '3.5'
    """
    return format_pid(*parse_pid(pid))


def cite(pid: object) -> str:
    """The citation form, ``〔3.5〕``.

    >>> cite("3.5")
    '〔3.5〕'
    """
    return f"〔{normalize_pid(pid)}〕"


def anchor(pid: object) -> str:
    """The HTML anchor of a paragraph in the book's reader, ``p3-5``.

    >>> anchor("〔3.5〕")
    'p3-5'
    """
    essay, n = parse_pid(pid)
    return f"p{essay}-{n}"


def pid_from_anchor(name: str) -> str:
    """The pid an anchor names: ``"p3-5"`` -> ``"3.5"``.

    >>> pid_from_anchor("p3-5")
    '3.5'
    """
    match = ANCHOR.fullmatch(name)
    if not match:
        raise PidError(f"{name!r} is not a paragraph anchor; anchors are written 'pE-N', e.g. 'p3-5'")
    return format_pid(int(match.group(1)), int(match.group(2)))


def cited_pids(text: str) -> list[str]:
    """Every pid cited in ``text`` (``〔E.N〕``), in order of appearance, plain form.

    >>> cited_pids("见〔3.5〕与〔08.4〕。")
    ['3.5', '8.4']
    """
    return [format_pid(int(e), int(n)) for e, n in CITATION.findall(text)]


def pid_ranges(pids: Iterable[str]) -> list[tuple[str, str]]:
    """Group pids into runs of consecutive paragraphs, as ``(first, last)`` pairs.

    >>> pid_ranges(["3.1", "3.2", "3.3", "3.5", "4.1"])
    [('3.1', '3.3'), ('3.5', '3.5'), ('4.1', '4.1')]
    """
    runs: list[list[tuple[int, int]]] = []
    for essay, n in sorted({parse_pid(p) for p in pids}):
        if runs and runs[-1][1] == (essay, n - 1):
            runs[-1][1] = (essay, n)
        else:
            runs.append([(essay, n), (essay, n)])
    return [(format_pid(*first), format_pid(*last)) for first, last in runs]


def format_pid_ranges(pids: Iterable[str]) -> str:
    """``〔3.1〕–〔3.3〕、〔3.5〕``: the runs of :func:`pid_ranges` as citations.

    >>> format_pid_ranges(["3.3", "3.1", "3.2", "3.5"])
    '〔3.1〕–〔3.3〕、〔3.5〕'
    """
    return "、".join(
        cite(a) if a == b else f"{cite(a)}–{cite(b)}" for a, b in pid_ranges(pids)
    )


# --- reading time ---------------------------------------------------------------------

#: Reading speed in Han characters a minute, for reading-time estimates.  Chinese is
#: counted in characters, not in space-separated words.
READING_SPEED = 400


def reading_minutes(han: float, *, digits: int | None = None) -> float | int:
    """Minutes to read ``han`` Han characters at :data:`READING_SPEED`.

    Parameters
    ----------
    han : float
        Number of Han characters (:func:`xinzhi.count_han`).
    digits : int, optional
        Round to this many decimals (a table's figure).  Without it the result is whole
        minutes and at least one (a syllabus's "about N minutes").

    Returns
    -------
    float or int

    Examples
    --------
    >>> reading_minutes(1500), reading_minutes(1500, digits=1), reading_minutes(30)
    (4, 3.8, 1)
    """
    if digits is not None:
        return round(han / READING_SPEED, digits)
    return max(1, round(han / READING_SPEED))


# --- notebooks ------------------------------------------------------------------------


def read_notebook(path: str | Path) -> "nbformat.NotebookNode":
    """Read a Jupyter notebook (nbformat 4) and validate it.

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, upgraded to format 4 if it was older.

    Raises
    ------
    NotebookError
        Naming the file and the fix, for a missing file, invalid JSON, or a file that is
        not a valid notebook.

    Examples
    --------
    >>> import nbformat, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.ipynb"
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 练习")]), path)
    >>> [cell_source(cell) for cell in read_notebook(path).cells]
    ['# 练习']
    """
    import nbformat

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotebookError(f"no such notebook: {path}; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"cannot read {path} as UTF-8 text: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotebookError(
            f"{path} is not a Jupyter notebook (not valid JSON: {exc}); open it in "
            "JupyterLab and save it again, or restore it from the handout"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError(
            f"{path} is not a Jupyter notebook (it has no list of cells); is it the right file?"
        )
    problems: dict = {}
    with warnings.catch_warnings():
        # Notebooks saved by older Jupyter lack cell ids; nbformat warns and adds them.
        warnings.simplefilter("ignore")
        try:
            nb = nbformat.reads(text, as_version=4, capture_validation_error=problems)
        except Exception as exc:  # nbformat raises version and conversion errors alike
            raise NotebookError(
                f"{path} is not a Jupyter notebook nbformat can read ({_first_line(exc)}); "
                "open it in JupyterLab and save it again"
            ) from None
    if problems.get("ValidationError") is not None:
        raise NotebookError(
            f"{path} is not a valid Jupyter notebook ({_first_line(problems['ValidationError'])}); "
            "open it in JupyterLab and save it again, or restore it from the handout"
        )
    return nb


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def cell_source(cell: dict) -> str:
    """A cell's source as one string (notebook files may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_tags(cell: dict) -> list[str]:
    """A cell's tags, in order (an empty list when it has none)."""
    return list((cell.get("metadata") or {}).get("tags") or [])


def markdown_cells(notebook: "str | Path | dict") -> Iterator[tuple[int, str]]:
    """``(cell index, source)`` of every Markdown cell of a notebook (a path or a
    notebook already read)."""
    nb = notebook if isinstance(notebook, dict) else read_notebook(notebook)
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "markdown":
            yield i, cell_source(cell)
