"""Pid citations and verbatim quotations in the notebooks' Markdown.

The project's citation rules: a paragraph is cited as ``〔3.5〕``; a Markdown blockquote
(``>``) is only ever a verbatim quotation of one paragraph and ends with its pid;
``……`` marks an elision and ``[sic]`` follows a source typo.  The tests, the coverage
report and the book all read notebooks through these functions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .conventions import CITATION, cited_pids, format_pid, markdown_cells

if TYPE_CHECKING:
    import pandas as pd

    from .corpus import Corpus

__all__ = [
    "CITATION",
    "cited_pids",
    "blockquotes",
    "Quotation",
    "check_quotation",
    "markdown_cells",
    "notebook_citations",
    "coverage",
]

_ELISION = "……"
_SIC = re.compile(r"\s*\[sic\]")
_QUOTED_PID = re.compile(CITATION.pattern + r"\s*$")


def blockquotes(markdown: str) -> list[str]:
    """The blockquotes of a Markdown text, each as one string (lines joined without a
    separator, as Chinese needs).

    Read with markdown-it-py, the parser MyST (and so the book) uses: what the book
    shows as a quotation is what is checked, lazy continuation lines included; code
    fences and quotations nested in another are not separate quotations.

    >>> blockquotes("正文\\n\\n> 甲乙\\n> 丙〔1.1〕\\n\\n后文")
    ['甲乙丙〔1.1〕']
    >>> blockquotes("> 甲乙\\n丙〔1.1〕")  # a lazy continuation line
    ['甲乙丙〔1.1〕']
    """
    quotes: list[str] = []
    depth = 0
    parts: list[str] = []
    for token in _markdown_parser().parse(markdown):
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0:
                quotes.append("".join(parts))
                parts = []
        elif depth and token.type in ("inline", "code_block", "fence"):
            parts.extend(line.strip() for line in token.content.split("\n"))
    return quotes


@functools.lru_cache(maxsize=1)
def _markdown_parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


@dataclass(frozen=True)
class Quotation:
    text: str  #: the quoted words, pid removed
    pid: str | None  #: the pid the quotation ends with, if any


def parse_quotation(quote: str) -> Quotation:
    """Split a blockquote into its words and the pid it ends with."""
    match = _QUOTED_PID.search(quote)
    if not match:
        return Quotation(quote.strip(), None)
    return Quotation(quote[: match.start()].strip(), format_pid(int(match.group(1)), int(match.group(2))))


def check_quotation(corpus: "Corpus", quote: str) -> list[str]:
    """Problems with one blockquote (an empty list when it is verbatim and cited).

    Parameters
    ----------
    corpus : Corpus
    quote : str
        One blockquote as :func:`blockquotes` returns it, ending with its pid
        ``〔E.N〕``; ``……`` elides, ``[sic]`` follows a source typo.

    Returns
    -------
    list of str
        One line per problem: no pid, an unknown pid, a fragment not found verbatim or
        out of order.

    Examples
    --------
    >>> from xinzhi import load_corpus
    >>> check_quotation(load_corpus(), "新质生产力是智能生产力，也是绿色生产力。〔3.3〕")
    []
    >>> check_quotation(load_corpus(), "新质生产力是绿色生产力。〔3.3〕")
    ['〔3.3〕 does not contain: 新质生产力是绿色生产力。']
    """
    parsed = parse_quotation(quote)
    if parsed.pid is None:
        return [f"blockquote does not end with a pid like 〔3.5〕: {quote[:40]}"]
    if parsed.pid not in corpus:
        return [f"blockquote cites 〔{parsed.pid}〕, which is not a paragraph of the corpus"]
    if "〔" in parsed.text:
        return [f"blockquote cites more than one pid; quote one paragraph per blockquote: "
                f"{quote[:40]}"]
    source = corpus[parsed.pid].text
    words = _SIC.sub("", parsed.text)
    fragments = [f.strip() for f in words.split(_ELISION)]
    if not any(fragments):
        return [f"blockquote 〔{parsed.pid}〕 quotes nothing"]
    problems, position = [], 0
    for fragment in fragments:
        if not fragment:
            continue
        found = source.find(fragment, position)
        if found < 0:
            where = "out of order in" if fragment in source else "does not contain"
            problems.append(f"〔{parsed.pid}〕 {where}: {fragment}")
            continue
        position = found + len(fragment)
    return problems


def notebook_citations(paths: Iterable[str | Path]) -> "pd.DataFrame":
    """One row per pid a notebook cites or quotes: ``notebook, cell, pid, kind``
    (``kind`` is ``quote`` for a blockquote's pid, else ``cite``)."""
    import pandas as pd

    rows = []
    for path in paths:
        name = Path(path).stem
        for index, source in markdown_cells(path):
            quoted = [parse_quotation(q).pid for q in blockquotes(source)]
            for pid in quoted:
                if pid:
                    rows.append((name, index, pid, "quote"))
            remaining = list(quoted)
            for pid in cited_pids(source):
                if pid in remaining:
                    remaining.remove(pid)
                else:
                    rows.append((name, index, pid, "cite"))
    return pd.DataFrame(rows, columns=["notebook", "cell", "pid", "kind"])


def coverage(corpus: "Corpus", paths: Iterable[str | Path]) -> "pd.DataFrame":
    """One row per paragraph: ``pid, essay, quoted, cited, notebooks`` — how the
    notebooks treat it (``notebooks`` lists where, in order)."""
    import pandas as pd

    cites = notebook_citations(paths)
    rows = []
    for p in corpus:
        mine = cites[cites.pid == p.pid]
        rows.append(
            {
                "pid": p.pid,
                "essay": p.essay,
                "quoted": int((mine.kind == "quote").sum()),
                "cited": int((mine.kind == "cite").sum()),
                "notebooks": list(dict.fromkeys(mine.notebook)),
            }
        )
    return pd.DataFrame(rows)
