"""Practice in the web page: what the book's in-page checker receives, and the answer
exports it writes.

The book puts an answer box under every checkable exercise.  Its checker,
``book/_static/xinzhi-check.js``, is a port of :mod:`xinzhi.answers` and the graders of
:mod:`xinzhi.exercises`; everything it must say or read the same way comes from here:
the rules' constants and every message (:func:`page_rules`) and the keys
(:func:`page_key`).  A parity test runs both checkers on the same answers.

An answer from the page is a string, or for a ``mapping`` exercise an object from key to
string, ``null`` for a field left empty (:func:`from_page` gives the Python value that
:func:`xinzhi.check` reads the same way).

The export format (``xinzhi-answers``, version 1)
-------------------------------------------------
The page **我的进度** downloads the student's work as one UTF-8 JSON file::

    {
      "format": "xinzhi-answers",
      "version": 1,
      "book": "新质生产力研读",
      "book_version": "0.1.0",
      "exported": "2026-12-03T10:15:00.000Z",
      "answers": {"2.1": {"answer": "全要素生产率大幅提升", "verdict": "right",
                          "checked": "2026-12-03T10:01:12.000Z"}},
      "notes": {"2.7": {"text": "……", "saved": "2026-12-03T10:05:40.000Z"}},
      "markdown": "# 我的练习 …"
    }

``answers`` and ``notes`` are keyed by exercise id (``"N.K"``, chapter N); a verdict is
``right``, ``wrong`` or ``blank``, as the page judged it when the student pressed 检查;
``markdown`` is a readable copy of the same content.  Times are UTC, ISO 8601.  The
structure is ``data/export.schema.json``.  A reader trusts no stored verdict:
:func:`grade_export` checks every answer again with :func:`xinzhi.check`.

>>> export = parse_export('{"format": "xinzhi-answers", "version": 1, "book_version": "0",'
...     ' "exported": "2026-12-03T10:00:00Z", "answers": {"demo.pid": {"answer": "〔3.7〕",'
...     ' "verdict": "right", "checked": "2026-12-03T10:00:00Z"}}, "notes": {}}')
>>> [(row.exercise, row.verdict.kind) for row in grade_export(export)]
[('demo.pid', 'right')]
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from . import answers as rules
from .errors import ExportError
from .exercises import MESSAGES, Verdict, check
from .keys import _id_order, answer_key, exercise_ids
from .sealing import DEFAULT_TOLERANCE

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "page_rules",
    "page_key",
    "page_keys",
    "from_page",
    "schema_path",
    "parse_export",
    "read_export",
    "grade_export",
    "Graded",
]

#: The ``format`` field of an export, and the version of the format this reads.
EXPORT_FORMAT = "xinzhi-answers"
EXPORT_VERSION = 1


def page_rules() -> dict[str, Any]:
    """The constants of the rules and every message, for the page's checker.

    >>> rules = page_rules()
    >>> rules["messages"]["right"], rules["connectors"][0]
    ('✅ 正确！', '以及')
    """
    from .exercises import _MAX_CHARS

    return {
        "whitespace": rules.WHITESPACE,
        "quotes": rules.QUOTES,
        "connectors": list(rules.CONNECTORS),
        "separators": rules.SEPARATORS,
        "max_framed": rules.MAX_FRAMED,
        "max_chars": _MAX_CHARS,
        "messages": dict(MESSAGES),
    }


def _stripped(key: dict, field: str) -> str:
    value = key.get(field)
    return value.strip() if isinstance(value, str) else ""


def page_key(exercise_id: str) -> dict[str, Any]:
    """One key as the page's checker reads it: the fields that grade, a mapping's answer
    as ``[key, value]`` pairs (JSON objects do not keep Python's order), the tolerance
    resolved, hint and explanation stripped; no examples, no author's note.

    >>> page_key("demo.mapping")["answer"][:2], page_key("demo.mapping")["tolerance"]
    ([['1', 2], ['2', 5]], 1e-09)
    """
    key = answer_key(exercise_id)
    page = {"id": exercise_id, "kind": key["kind"], "answer": key["answer"]}
    if key["kind"] == "mapping":
        page["answer"] = [[name, value] for name, value in key["answer"].items()]
    for field in ("accept", "units", "frame", "options", "rel_tolerance"):
        if field in key:
            page[field] = key[field]
    page["tolerance"] = key.get("tolerance", DEFAULT_TOLERANCE)
    page["hint"] = _stripped(key, "hint")
    page["explanation"] = _stripped(key, "explanation")
    return page


def page_keys(chapter: int | None = None) -> dict[str, dict[str, Any]]:
    """The page keys of every exercise, or of one chapter's (ids ``"N.K"``).

    >>> sorted(page_keys(2))[:3]
    ['2.1', '2.10', '2.11']
    """
    ids = exercise_ids()
    if chapter is not None:
        ids = [i for i in ids if i.split(".")[0] == str(chapter)]
    return {i: page_key(i) for i in ids}


def from_page(answer: Any) -> Any:
    """The Python value :func:`xinzhi.check` reads as the page's answer: a string stays,
    a mapping's empty field (``None``) becomes ``...``, as in a notebook's template.

    >>> from_page({"甲": "定义", "乙": None})
    {'甲': '定义', '乙': Ellipsis}
    """
    if isinstance(answer, dict):
        return {k: (... if v is None else v) for k, v in answer.items()}
    if isinstance(answer, list) and all(isinstance(p, list) and len(p) == 2 for p in answer):
        return {k: (... if v is None else v) for k, v in answer}
    return answer


# --- exports -----------------------------------------------------------------------------
def schema_path() -> Path:
    """The structure of an export, ``data/export.schema.json`` (JSON Schema 2020-12).

    >>> schema_path().name
    'export.schema.json'
    """
    return Path(str(resources.files("xinzhi").joinpath("data", "export.schema.json")))


@functools.lru_cache(maxsize=1)
def _export_validator():
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))


def parse_export(text: str, where: str = "the export") -> dict[str, Any]:
    """An export's JSON text, checked; :class:`ExportError` names what is wrong and how to
    fix it."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ExportError(
            f"{where} is not JSON ({exc.msg}, line {exc.lineno}); export it again from 我的进度"
        ) from None
    if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT:
        version = data.get("version")
        if isinstance(version, int) and version > EXPORT_VERSION:
            raise ExportError(
                f"{where} is format version {version}, newer than this xinzhi reads "
                f"({EXPORT_VERSION}); update xinzhi (pip install -U xinzhi-study)"
            )
    errors = sorted(_export_validator().iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if errors:
        first = errors[0]
        place = "/".join(str(p) for p in first.path) or "the top level"
        raise ExportError(
            f"{where} is not an answer export of this book ({place}: {first.message}); "
            "use the file that 我的进度 → 导出 downloads"
        )
    return data


def read_export(path: str | Path) -> dict[str, Any]:
    """The export in the file ``path``, checked (see :func:`parse_export`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file; give the path of the downloaded .json") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: cannot be read ({type(exc).__name__}); is it the downloaded .json?") from None
    return parse_export(text, where=str(path))


@dataclass(frozen=True)
class Graded:
    """One answer of an export, checked again: the exercise, what the page said, the
    verdict now."""

    exercise: str
    answer: Any
    page_verdict: str
    verdict: Verdict


def grade_export(export: dict[str, Any]) -> list[Graded]:
    """Every answer of a checked export, checked again with :func:`xinzhi.check`, in
    exercise order."""
    rows = []
    for eid in sorted(export["answers"], key=_id_order):
        entry = export["answers"][eid]
        rows.append(Graded(eid, entry["answer"], entry["verdict"], check(eid, from_page(entry["answer"]))))
    return rows
