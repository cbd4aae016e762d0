"""xinzhi — helpers for studying eight Chinese essays on 新质生产力.

>>> import xinzhi
>>> corpus = xinzhi.load_corpus()
>>> corpus["3.5"].pid
'3.5'
"""

from __future__ import annotations

from .corpus import (
    LEAD_SECTION,
    Corpus,
    CorpusError,
    Essay,
    Paragraph,
    Section,
    count_han,
    load_corpus,
    normalize_text,
    parse_pid,
)

__version__ = "0.1.0"

__all__ = [
    "LEAD_SECTION",
    "Corpus",
    "CorpusError",
    "Essay",
    "Paragraph",
    "Section",
    "count_han",
    "load_corpus",
    "normalize_text",
    "parse_pid",
    "tokenize",
    "kwic",
    "__version__",
]


def __getattr__(name: str):
    # Segmentation and analysis import jieba and pandas; load them on first use so
    # that `import xinzhi` (and the CLI's --help) stays quick.
    if name in {"tokenize"}:
        from . import segment

        return getattr(segment, name)
    if name in {"kwic"}:
        from . import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module 'xinzhi' has no attribute {name!r}")
