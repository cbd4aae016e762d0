"""The answer keys: ``lib/xinzhi/data/answers.json``, how they are written, loaded and
checked.

All keys live in one file, ``lib/xinzhi/data/answers.json``: a JSON object from exercise
id to key, pretty-printed with sorted keys.  An id is ``"N.K"`` (chapter, exercise:
``"2.1"``, ``"12.3"``); ids starting ``"demo."`` are examples for the docs and tests.
Every key has

``kind``
    one of the kinds below;
``answer``
    the right answer, in the form the kind describes;
``hint``
    one short Chinese sentence, shown for blank and wrong answers;
``examples``
    ``{"accept": [...], "reject": [...]}``: at least two answers a good student might
    write (in different forms) that must pass, and at least two close but wrong answers
    that must not.  :func:`validate_keys` runs them all;
``explanation`` (optional)
    shown after a right answer;
``note`` (optional)
    for authors; never printed.

How answers are read — the normalisation rules — is :mod:`xinzhi.answers` (Rules 1–7,
shared with the book's in-page checker).  A key widens them only declaratively, with
``accept`` (more spellings), ``units`` (counter words after a number) and ``frame``
(words an answer may be quoted with).  Kinds:

``"choice"``
    An option letter.  ``answer``: ``"B"``, or a list of letters that are all accepted.
    Optional ``options``: the letters offered, e.g. ``"ABCD"``.  ``"b"``, ``"Ｂ"``,
    ``" (B) "``, ``"B。"`` all read as ``"B"`` (Rule 6).
``"text"``
    A short string.  ``answer``: a string; optional ``accept``: a list of other accepted
    strings; optional ``frame``: phrases that may stand around an accepted form (Rule 4).
    Compared in :func:`xinzhi.answers.text_form` (Rules 1–3: NFKC, spaces, quotation
    marks and punctuation at the ends, ASCII case, 和/与/及 in pairs).
``"number"``
    A number.  ``answer``: int or float; optional ``tolerance`` (absolute, default
    ``1e-9``), ``rel_tolerance`` (relative to the answer), ``units`` (counter words a text
    answer may end with, e.g. ``["篇"]``, ``["%", "个"]``).  Accepted: int, float,
    Fraction, Decimal, numpy and pandas numbers and one-element arrays, and text read by
    Rule 5: ``"１２０"``, ``" 1,234.5 "``, ``"18%"`` (if ``"%"`` is in ``units``), ``"第4篇"``
    and ``"第四篇"`` (if ``"篇"`` is).  Booleans are not numbers here.
``"set"``
    Unordered strings.  ``answer``: a list; each item is a string or a list of
    accepted spellings (the first one canonical).  Optional ``units`` and ``frame`` apply
    to the items.  The student's answer may be a list, tuple, set, pandas Series,
    one-column DataFrame, any iterable, one string (Rule 7: split on ``、，,;；``, line
    breaks, or else spaces, and at 和/与/及 between items; ``"ACDE"`` when the items are
    option letters), or a single number (one item).
    An item matches a spelling in its text form or by Rule 4; a spelling written in
    digits (``"8"``, an essay number) also matches any item that reads as that number by
    Rule 5 (``8``, ``"第8篇"``, ``"八"``); a spelling written as a pid (``"2.2"``) any item
    that reads as that pid.  Feedback says how many are missing or extra, never which.
``"sequence"``
    Ordered strings: like ``set``, but order matters.
``"pid"``
    One paragraph id.  ``answer``: ``"3.5"``.  ``"〔3.5〕"``, ``" 3.5 "``, ``"3．5"``,
    ``"p3-5"`` and ``(3, 5)`` all read as ``"3.5"`` (Rule 6).
``"pids"``
    Unordered paragraph ids.  ``answer``: a list of pids.  A string answer may hold
    several (``"〔3.5〕〔3.6〕"``).
``"mapping"``
    A dict from string to value (e.g. essay number to page).  ``answer``: an object
    whose values are strings, numbers, or lists of accepted values.  A student's key
    matches a key of the answer as a set item matches a spelling (an int key ``3`` or
    ``"（3）"`` matches ``"3"``, a float key ``1.2`` matches the pid ``"1.2"``); a string
    value likewise; a number value is compared like ``number`` (``tolerance``,
    ``rel_tolerance``, ``units`` apply).

:func:`validate_keys` lists malformed keys (the tests require none), including a key
whose own answer does not pass its checker, and a key whose examples are missing, or
whose accepted example fails or rejected example passes.  A key with a problem of its
examples still grades answers; a malformed key does not (:func:`check` says so).

The file's structure (ids, kinds, the fields each kind may have, their types) is
checked against the JSON Schema ``data/answers.schema.json`` with jsonschema; what a
schema cannot say is checked here in Python.  Every problem is one line naming the
exercise and what to fix.

>>> validate_keys()
[]
>>> answer_key("demo.pid")["kind"]
'pid'
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

from .answers import text_form
from .errors import AnswerKeyError, LookupFailed
from .sealing import SEALED_NAME, is_sealed_file, sealed_key_problems, sealed_keys_of

__all__ = [
    "KINDS",
    "keys_path",
    "schema_path",
    "reload_keys",
    "exercise_ids",
    "answer_key",
    "validate_keys",
    "example_results",
]

#: The kinds of answer a key can ask for (see the module docstring).
KINDS = ("choice", "text", "number", "set", "sequence", "pid", "pids", "mapping")

#: Each key needs at least this many accepted and this many rejected examples.
_MIN_EXAMPLES = 2
_LETTER = re.compile(r"^[A-Z]$")


def keys_path() -> Path:
    """The answer-key file, ``lib/xinzhi/data/answers.json``; in the wheel of the graded
    handouts, which has no ``answers.json``, the sealed keys ``answers.sealed.json``
    (:mod:`xinzhi.sealing`).

    >>> keys_path().name
    'answers.json'
    """
    data = Path(str(resources.files("xinzhi").joinpath("data")))
    clear, sealed = data / "answers.json", data / SEALED_NAME
    return sealed if sealed.is_file() and not clear.exists() else clear


@functools.lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Any], str | None]:
    """All keys, and a problem with the file as a whole (or None)."""
    path = keys_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"cannot read {path.name} ({type(exc).__name__})"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {}, f"{path.name} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    if is_sealed_file(data):
        return sealed_keys_of(data)
    if not isinstance(data, dict):
        return {}, f"{path.name} must hold a JSON object from exercise id to key"
    return data, None


@functools.lru_cache(maxsize=1)
def _problems() -> dict[str, list[str]]:
    """Problems that stop a key from grading (check() refuses such a key)."""
    keys, _ = _load()
    if _is_sealed(keys):
        return {eid: sealed_key_problems(key) for eid, key in keys.items()}
    structure = _checked_structure(keys)
    return {eid: _key_problems(eid, key, structure.get(eid, [])) for eid, key in keys.items()}


def _checked_structure(keys: object) -> dict[str, list[str]]:
    """:func:`_schema_problems`, remembered for a keys file that passed: importing
    jsonschema can take seconds (with JupyterLab installed it builds dozens of grammars
    for its format checkers), and it would delay every session's first ``check()``.  The
    record is named by a digest of the keys, the schema and jsonschema's version, in the
    cache folder; a changed file, schema or library is checked again."""
    import hashlib
    import importlib.metadata

    from .segment import cache_dir

    try:
        digest = hashlib.sha256(
            keys_path().read_bytes() + b"\0" + schema_path().read_bytes() + b"\0"
            + importlib.metadata.version("jsonschema").encode()
        ).hexdigest()
        record = cache_dir() / "checked-keys" / digest
        if record.is_file():
            return {}
    except (OSError, importlib.metadata.PackageNotFoundError):
        record = None
    structure = _schema_problems(keys)
    if not structure and record is not None:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text("passed answers.schema.json\n", encoding="utf-8")
        except OSError:  # a read-only cache: check again next time
            pass
    return structure


def _is_sealed(keys: dict) -> bool:
    """Whether the loaded keys are sealed (the graded handouts' wheel)."""
    return any(isinstance(key, dict) and "sealed" in key for key in keys.values())


def reload_keys() -> None:
    """Forget the cached keys, so the next call reads ``answers.json`` again.

    >>> reload_keys()
    """
    _load.cache_clear()
    _problems.cache_clear()


def exercise_ids() -> list[str]:
    """All exercise ids with a key, in chapter order (``"2.10"`` after ``"2.9"``).

    >>> "demo.pid" in exercise_ids()
    True
    """
    return sorted(_load()[0], key=_id_order)


def _id_order(eid: str) -> tuple:
    if re.fullmatch(r"\d+\.\d+", eid):
        chapter, number = eid.split(".")
        return (0, int(chapter), int(number), "")
    return (1, 0, 0, eid)


def answer_key(exercise_id: str) -> dict[str, Any]:
    """A copy of the key of ``exercise_id`` (for tests and authors).

    >>> answer_key("demo.pid")["kind"]
    'pid'
    """
    keys, problem = _load()
    if problem:
        raise AnswerKeyError(f"the answer keys cannot be used: {problem}; fix {keys_path()}")
    if exercise_id not in keys:
        raise LookupFailed(
            f"no answer key {exercise_id!r}; add it to {keys_path()} "
            f"(ids are written like '2.1')"
        )
    return copy.deepcopy(keys[exercise_id])


def validate_keys() -> list[str]:
    """Problems with the answer keys, one line each; empty when every key is usable.

    Reports malformed keys and, for well-formed ones, missing examples, accepted
    examples that fail and rejected examples that pass.

    >>> validate_keys()
    []
    """
    keys, problem = _load()
    if problem:
        return [problem]
    lines = []
    for eid in sorted(keys, key=_id_order):
        problems = _problems()[eid] or ([] if _is_sealed(keys) else _example_problems(keys[eid]))
        lines += [f"{eid}: {p}" for p in problems]
    return lines


def example_results(exercise_id: str) -> list[tuple[str, object, bool]]:
    """Each example of a key as ``(expected, answer, passes)``; expected is ``"accept"``
    or ``"reject"`` (for the per-key test).

    >>> [(e, ok) for e, _, ok in example_results("demo.choice")][:2]
    [('accept', True), ('accept', True)]
    """
    key = answer_key(exercise_id)
    examples = key.get("examples")
    if not isinstance(examples, dict):
        return []
    return [(group, answer, _example_passes(key, answer))
            for group in ("accept", "reject")
            for answer in (examples.get(group) if isinstance(examples.get(group), list) else [])]


def _example_passes(key: dict, answer: object) -> bool:
    """Whether check() would call ``answer`` right under ``key``."""
    if _grading()._is_blank(answer):
        return False
    try:
        return bool(_grading()._grade(key, answer)[0])
    except Exception:
        return False


def _example_problems(key: dict) -> list[str]:
    """What is wrong with the examples of a well-formed key."""
    examples = key.get("examples")
    if examples is None:
        return [f"missing 'examples' (at least {_MIN_EXAMPLES} accepted and "
                f"{_MIN_EXAMPLES} rejected answers)"]
    if not isinstance(examples, dict) or set(examples) - {"accept", "reject"}:
        return ["'examples' must be an object with 'accept' and 'reject' lists"]
    problems = []
    for group, should_pass in (("accept", True), ("reject", False)):
        answers = examples.get(group)
        if not isinstance(answers, list) or len(answers) < _MIN_EXAMPLES:
            problems.append(f"'examples.{group}' must list at least {_MIN_EXAMPLES} answers")
            continue
        for n, answer in enumerate(answers, 1):
            if _example_passes(key, answer) != should_pass:
                shown = json.dumps(answer, ensure_ascii=False)
                verb = "does not pass" if should_pass else "passes"
                problems.append(f"{group} example {n} ({shown}) {verb}")
    return problems


def schema_path() -> Path:
    """The JSON Schema of the answer-key file, ``lib/xinzhi/data/answers.schema.json``.

    >>> schema_path().name
    'answers.schema.json'
    """
    return Path(str(resources.files("xinzhi").joinpath("data", "answers.schema.json")))


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _schema_message(error) -> str:
    """One line for an author from one jsonschema error (never its traceback): the
    ``errorMessage`` of the failing part of the schema, else a message built here."""
    if error.validator == "required":
        missing = [f for f in error.validator_value if f not in error.instance]
        return "; ".join(
            "missing 'hint' (one short Chinese sentence)" if f == "hint" else f"missing '{f}'"
            for f in missing
        )
    if error.validator == "enum" and list(error.relative_schema_path)[-2:] == ["kind", "enum"]:
        return f"unknown kind {error.instance!r}; use one of {', '.join(KINDS)}"
    schema = error.schema
    if isinstance(schema, dict) and "errorMessage" in schema:
        return schema["errorMessage"]
    for parent in (error.parent,):
        if parent is not None and isinstance(parent.schema, dict) and "errorMessage" in parent.schema:
            return parent.schema["errorMessage"]
    return error.message


def _schema_problems(keys: object) -> dict[str, list[str]]:
    """Structure problems per exercise id (``""`` for the file as a whole), by the
    schema; unknown fields of a key are reported together, in one line."""
    found: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for error in sorted(_validator().iter_errors(keys), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        schema_path_ = list(error.absolute_schema_path)
        if not path and "propertyNames" in schema_path_:
            eid, message = str(error.instance), _schema_message(error)
        elif not path:
            eid, message = "", _schema_message(error)
        else:
            eid = str(path[0])
            if "propertyNames" in schema_path_:  # a field this kind does not have
                unknown.setdefault(eid, []).append(str(error.instance))
                continue
            message = _schema_message(error)
        if message not in found.setdefault(eid, []):
            found[eid].append(message)
    for eid, names in unknown.items():
        kind = keys[eid].get("kind") if isinstance(keys, dict) and isinstance(keys.get(eid), dict) else None
        found.setdefault(eid, []).append(
            f"unknown field(s) {', '.join(sorted(names))} for kind {kind!r}"
        )
    return found


def _key_problems(eid: str, key: object, structure: list[str]) -> list[str]:
    """What is wrong with one key, in English for authors: the schema's findings
    (``structure``), then what only Python can check."""
    if any(p.startswith("unknown kind") for p in structure) or not isinstance(key, dict):
        return structure
    problems = list(structure)
    kind = key["kind"]
    if "frame" in key and isinstance(key["frame"], list) and not all(
        isinstance(f, str) and text_form(f) for f in key["frame"]
    ):
        problems.append("'frame' must be a list of non-empty strings")
    if problems or "answer" not in key:
        return problems
    form = _answer_form_problem(kind, key["answer"])
    if form:
        return problems + [form]
    try:
        ok = _grading()._grade(key, _canonical(kind, key["answer"]))[0]
    except Exception as exc:  # report, never crash the validator
        return problems + [f"checking the key's own answer failed ({type(exc).__name__})"]
    if not ok:
        problems.append("the key's own answer does not pass its checker")
    return problems


def _grading():
    # xinzhi.exercises grades with these keys; imported late, as it imports this module.
    from . import exercises

    return exercises


def _answer_form_problem(kind: str, answer: object) -> str | None:
    if kind == "choice":
        letters = answer if isinstance(answer, list) else [answer]
        if not letters or not all(isinstance(a, str) and _LETTER.match(a) for a in letters):
            return "a choice answer is a capital letter like 'B' or a list of them"
    elif kind == "text":
        if not isinstance(answer, str) or not text_form(answer):
            return "a text answer is a non-empty string"
    elif kind == "number":
        if not _is_plain_number(answer) or not math.isfinite(answer):
            return "a number answer is a finite int or float"
    elif kind in ("set", "sequence"):
        if not isinstance(answer, list) or not answer:
            return f"a {kind} answer is a non-empty list"
        for item in answer:
            options = item if isinstance(item, list) else [item]
            if not options or not all(isinstance(o, str) and text_form(o) for o in options):
                return f"each {kind} item is a string or a list of accepted strings"
        if kind == "set" and len({text_form(_first(i)) for i in answer}) != len(answer):
            return "a set answer has the same item twice"
    elif kind == "pid":
        if not isinstance(answer, str) or _grading()._to_pid(answer) != answer:
            return "a pid answer is written 'E.N', e.g. '3.5'"
    elif kind == "pids":
        if not isinstance(answer, list) or not answer:
            return "a pids answer is a non-empty list of pids"
        if not all(isinstance(p, str) and _grading()._to_pid(p) == p for p in answer):
            return "each pid is written 'E.N', e.g. '3.5'"
        if len(set(answer)) != len(answer):
            return "a pids answer has the same pid twice"
    elif kind == "mapping":
        if not isinstance(answer, dict) or not answer:
            return "a mapping answer is a non-empty JSON object"
        for value in answer.values():
            options = value if isinstance(value, list) else [value]
            if not options or not all(
                (isinstance(o, str) and text_form(o)) or _is_plain_number(o) for o in options
            ):
                return "each mapping value is a string, a number, or a list of them"
    return None


def _canonical(kind: str, answer: Any) -> Any:
    """The key's answer as a student would write it (for the self-check)."""
    if kind == "choice" and isinstance(answer, list):
        return answer[0]
    if kind in ("set", "sequence"):
        return [_first(item) for item in answer]
    if kind == "mapping":
        return {k: _first(v) for k, v in answer.items()}
    return answer


def _first(item: Any) -> Any:
    return item[0] if isinstance(item, list) else item


def _is_plain_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
