"""xinzhi — helpers for studying eight Chinese essays on 新质生产力.

The names below are the public API: what the chapters use, documented on the book's
API page (``book/api.md``), stable between versions.  Submodules hold one concern each
(``corpus``, ``conventions``, ``segment``, ``analysis``, ``rhetoric``, ``plot``,
``exercises``, ...); anything not listed here or in a submodule's ``__all__`` is
internal.

>>> import xinzhi
>>> corpus = xinzhi.load_corpus()
>>> corpus["3.5"].pid, xinzhi.cite("3.5")
('3.5', '〔3.5〕')
"""

from __future__ import annotations

import importlib

from .conventions import (
    READING_SPEED,
    anchor,
    cite,
    cited_pids,
    format_pid,
    format_pid_ranges,
    normalize_pid,
    parse_pid,
    pid_ranges,
    read_notebook,
    reading_minutes,
)
from .corpus import (
    LEAD_SECTION,
    Corpus,
    Essay,
    Paragraph,
    Section,
    count_han,
    load_corpus,
    normalize_text,
)
from .errors import (
    AnswerKeyError,
    ArgumentError,
    CorpusError,
    EssayError,
    LookupFailed,
    NotebookError,
    PidError,
    XinzhiError,
)

# The one place the version is written (pyproject.toml reads it from here).
__version__ = "0.1.0"

#: Names loaded on first use, and the submodule each comes from: segmentation and
#: analysis import jieba and pandas, so `import xinzhi` (and `xinzhi --help`) stays quick.
_LAZY = {
    "tokenize": "segment",
    "stopwords": "segment",
    "term_frequencies": "analysis",
    "keywords": "analysis",
    "kwic": "analysis",
    "sentences": "analysis",
    "split_sentences": "analysis",
    "cooccurrence": "analysis",
    "similarity": "analysis",
    "distinctive_terms": "analysis",
    "enumerations": "rhetoric",
    "shifts": "rhetoric",
    "paired_demands": "rhetoric",
    "quotations": "rhetoric",
    "numbers": "rhetoric",
    "parallelism": "rhetoric",
    "check": "exercises",
    "hint": "exercises",
    "Verdict": "exercises",
    "load_dataset": "datasets",
    "glossary": "datasets",
    "errata": "datasets",
}

__all__ = [
    # the corpus
    "load_corpus",
    "Corpus",
    "Essay",
    "Section",
    "Paragraph",
    "LEAD_SECTION",
    "count_han",
    "normalize_text",
    # pids and conventions
    "parse_pid",
    "format_pid",
    "normalize_pid",
    "cite",
    "anchor",
    "cited_pids",
    "pid_ranges",
    "format_pid_ranges",
    "READING_SPEED",
    "reading_minutes",
    "read_notebook",
    # errors
    "XinzhiError",
    "CorpusError",
    "ArgumentError",
    "LookupFailed",
    "PidError",
    "EssayError",
    "NotebookError",
    "AnswerKeyError",
    # loaded on first use
    *_LAZY,
    "__version__",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'xinzhi' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
