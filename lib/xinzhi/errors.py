"""One family of errors: every error ``xinzhi`` raises on purpose is a
:class:`XinzhiError`, and its message says what is wrong and how to fix it.

Each class also derives from the built-in exception that older code caught
(``ValueError``, ``KeyError``), so ``except KeyError`` around a pid lookup keeps working.

>>> import xinzhi
>>> try:
...     xinzhi.load_corpus()["9.1"]
... except xinzhi.XinzhiError as error:
...     print(error)
no paragraph 9.1: essays are numbered 1 to 8
"""

from __future__ import annotations

import numbers
from typing import Iterable

__all__ = [
    "XinzhiError",
    "CorpusError",
    "ArgumentError",
    "LookupFailed",
    "PidError",
    "EssayError",
    "NotebookError",
    "AnswerKeyError",
    "ExportError",
    "require_choice",
    "require_count",
]


class XinzhiError(Exception):
    """Base of every error ``xinzhi`` raises on purpose."""


class CorpusError(XinzhiError, ValueError):
    """The essays file cannot be read as this corpus."""


class ArgumentError(XinzhiError, ValueError):
    """An argument of a helper has a value it cannot use (a wrong option, a negative
    count); the message lists what it accepts."""


class LookupFailed(XinzhiError, KeyError, ValueError):
    """Something asked for by name or number does not exist (or is not written as one).

    A ``KeyError`` for dictionary-style lookups and a ``ValueError`` for arguments; its
    message is shown as written (a plain ``KeyError`` would show it quoted).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class PidError(LookupFailed):
    """Not a paragraph id, or no paragraph with that id."""


class EssayError(LookupFailed):
    """No essay with that number."""


class NotebookError(XinzhiError, ValueError):
    """A file cannot be read as a Jupyter notebook."""


class AnswerKeyError(XinzhiError, ValueError):
    """An answer key (``data/answers.json``) is malformed, or an exercise id is unknown."""


class ExportError(XinzhiError, ValueError):
    """A file is not a readable answer export of the book's 我的进度 page."""


# --- argument checks shared by the helpers ----------------------------------------------


def require_choice(name: str, value: object, valid: Iterable[object]) -> None:
    """Raise :class:`ArgumentError` unless ``value`` is one of ``valid``.

    >>> require_choice("method", "tfidf", ("tfidf", "textrank"))
    >>> require_choice("method", "bm25", ("tfidf", "textrank"))
    Traceback (most recent call last):
    ...
    xinzhi.errors.ArgumentError: method must be one of 'tfidf', 'textrank', not 'bm25'
    """
    valid = list(valid)
    if value not in valid:
        raise ArgumentError(f"{name} must be one of {', '.join(map(repr, valid))}, not {value!r}")


def require_count(name: str, value: object, *, minimum: int = 1, optional: bool = False) -> None:
    """Raise :class:`ArgumentError` unless ``value`` is an integer ``>= minimum`` (or
    None, when ``optional``).

    >>> require_count("top", 0)
    Traceback (most recent call last):
    ...
    xinzhi.errors.ArgumentError: top must be an integer >= 1, not 0
    """
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        none = " or None" if optional else ""
        raise ArgumentError(f"{name} must be an integer >= {minimum}{none}, not {value!r}")
