"""Check exercise answers and give short feedback in Chinese.

A notebook's answer cell leaves a blank and checks it::

    answer = ...   # 在此填写
    check("2.1", answer)

:func:`check` returns a :class:`Verdict`: Jupyter shows it as one or two short lines of
feedback (and nothing else), and it is truthy when the answer is right.  It never
raises: not for a blank (``...``), not for an answer of any type, not for an unknown
exercise id, not for a broken answer key.  Its feedback is plain and deterministic (no
randomness, no object reprs), because notebooks commit it and nbval compares it:

* blank (``...``, ``None``, empty or whitespace-only text, an empty collection, or a
  template whose every item is ``...``): ``尚未作答：……`` and the hint;
* right: ``✅ 正确！`` and the key's explanation, if it has one;
* wrong: ``❌ 还不对。`` with what is wrong where that helps (``少了 2 项。``, ``偏大了。``),
  and the hint.

The answer keys and how they are written and checked: :mod:`xinzhi.keys`.

>>> check("demo.choice", " ｂ ")
✅ 正确！目录列出 8 篇文章。
>>> check("demo.choice", ...)
尚未作答：把 ... 换成你的答案，再运行这个单元格。
提示：数一数目录里的条目。
>>> bool(check("demo.choice", "B")), bool(check("demo.choice", ...))
(True, False)
>>> bool(check("demo.sequence", "第五篇、第4篇和8"))
True
"""

from __future__ import annotations

import html
import itertools
import math
import numbers
import unicodedata
from decimal import Decimal
from typing import Iterable

from .keys import _id_order, _load, _problems
from .answers import (
    find_pids,
    framed_by,
    is_blank_text,
    read_letter,
    read_number,
    read_pid,
    split_connectors,
    split_letters,
    split_list,
    text_form,
)
from .sealing import Accepted, KeyView, key_view, number_text, spelling_forms

__all__ = ["check", "Verdict", "hint", "MESSAGES"]

#: More items than this in an answer is not an answer; it also stops infinite iterators.
_MAX_ITEMS = 1000
#: Longer strings are not short answers; cutting them keeps normalisation cheap.
_MAX_CHARS = 10_000

#: Every message a verdict on a text answer can show, in one table: the book's in-page
#: checker (``book/_static/xinzhi-check.js``) receives this table and so says the same
#: words.  ``{n}``, ``{m}`` and ``{options}`` are filled in; ``blank_page`` is the page's
#: own wording of ``blank`` (there is no cell to run there).
MESSAGES = {
    "right": "✅ 正确！",
    "wrong": "❌ 还不对。",
    "blank": "尚未作答：把 ... 换成你的答案，再运行这个单元格。",
    "blank_page": "尚未作答：在框里写下你的答案，再按“检查”。",
    "hint": "提示：",
    "detail_join": "，",
    "detail_end": "。",
    "one_letter": "请只填一个选项字母，例如 \"B\"",
    "only_options": "这道题只有 {options} 这几个选项",
    "options_join": "、",
    "not_a_number": "没能把你的答案读成一个数",
    "too_big": "偏大了",
    "too_small": "偏小了",
    "missing_items": "少了 {n} 项",
    "extra_items": "多了 {n} 项",
    "wrong_order": "内容都对，但顺序不对",
    "wrong_items": "有 {n} 项不对",
    "item_count": "应有 {n} 项，你给了 {m} 项",
    "pid_form": "段落编号写作 \"E.N\"（篇.段），例如 \"3.5\"",
    "right_essay": "篇目对了，段落号不对",
    "no_pids": "没有读到段落编号，例如 \"3.5\"",
    "missing_keys": "少了 {n} 个键",
    "extra_keys": "多了 {n} 个键",
    "wrong_values": "有 {n} 个值不对",
}


# --- public entry points -----------------------------------------------------------
class Verdict:
    """What :func:`check` returns: the feedback, shown once, and the verdict as a truth value.

    Jupyter displays it as the feedback itself (HTML, with the plain text as fallback), so
    an answer cell ending in ``check(...)`` shows one verdict and nothing else.  It is
    truthy when the answer is right: ``if check("2.1", answer): ...`` and
    ``assert check(...)`` work in scripts and tests; ``print(check(...))`` prints the text.

    >>> v = check("demo.choice", "B")
    >>> bool(v), v.ok, v.kind
    (True, True, 'right')
    >>> str(v) == v.text
    True
    """

    __slots__ = ("ok", "kind", "lines")

    def __init__(self, ok: bool, kind: str, lines: list[str]) -> None:
        self.ok = bool(ok)
        #: ``"right"``, ``"wrong"``, ``"blank"`` (尚未作答) or ``"error"`` (no key to check)
        self.kind = kind
        self.lines = tuple(lines)

    @property
    def text(self) -> str:
        """The feedback as plain text, one line per message."""
        return "\n".join(self.lines)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text)

    def _repr_html_(self) -> str:
        colour = {"right": "#1a7f37", "wrong": "#b35900", "blank": "#57606a"}.get(self.kind, "#cf222e")
        body = "".join(f'<p style="margin:0.15em 0">{html.escape(line)}</p>' for line in self.lines)
        return (f'<div class="xinzhi-verdict xinzhi-verdict-{self.kind}" '
                f'style="border-left:4px solid {colour};padding:0.25em 0.8em">{body}</div>')


def check(exercise_id: str, answer: object) -> Verdict:
    """Check ``answer`` against the key of ``exercise_id``; return the :class:`Verdict`.

    Never raises (see the module docstring for what is accepted).  The verdict displays as
    its feedback and is truthy when the answer is right.

    >>> check("demo.pids", "〔５．１８〕、3.7")
    ✅ 正确！...
    >>> v = check("demo.set", ["智能生产力"])
    >>> v
    ❌ 还不对。少了 1 项。
    提示：...
    >>> bool(v)
    False
    """
    try:
        ok, kind, lines = _check(exercise_id, answer)
    except Exception:  # the promise is "never raises"; a checker bug must not break a lesson
        ok, kind = False, "error"
        lines = [f"{MESSAGES['wrong']}无法检查这个答案（类型：{_type_name(answer)}）。", *_hint_lines(exercise_id)]
    return Verdict(ok, kind, lines)


def hint(exercise_id: str) -> None:
    """Print the hint of ``exercise_id``.

    >>> hint("demo.pid")
    提示：...
    """
    try:
        eid, key, message = _lookup(exercise_id)
        lines = [message] if message else _hint_lines(eid)
    except Exception:
        lines = ["无法读取这道练习的提示。"]
    _emit(lines)


def _emit(lines: list[str]) -> None:
    try:
        print("\n".join(lines))
    except Exception:  # a closed or odd stdout must not turn feedback into a traceback
        pass


def _lookup(exercise_id: object) -> tuple[str, dict | None, str | None]:
    """The normalised id, its key, or a message for the student instead of a key."""
    if not isinstance(exercise_id, str):
        return "", None, (
            f"练习编号要写成带引号的字符串，例如 check(\"2.1\", answer)；"
            f"这里收到的是 {_type_name(exercise_id)}。"
        )
    eid = unicodedata.normalize("NFKC", str.__str__(exercise_id)[:100]).strip()
    keys, problem = _load()
    if problem:
        return eid, None, f"答案文件有误（{problem}）。这不是你的错，请告诉老师或助教。"
    if eid not in keys:
        shown = eid if len(eid) <= 20 else eid[:20] + "…"
        message = f"没有编号为 \"{shown}\" 的练习。编号写作 \"章.题\"，例如 check(\"2.1\", answer)。"
        chapter = eid.split(".")[0]
        same = [k for k in sorted(keys, key=_id_order) if chapter and k.split(".")[0] == chapter]
        if 0 < len(same) <= 12:
            message += f"本章的练习有：{'、'.join(same)}。"
        return eid, None, message
    problems = _problems().get(eid)
    if problems:
        return eid, None, (
            f"练习 \"{eid}\" 的答案键有误（{problems[0]}）。这不是你的错，请告诉老师或助教。"
        )
    return eid, keys[eid], None


def _hint_lines(exercise_id: object) -> list[str]:
    try:
        keys, _ = _load()
        key = keys.get(exercise_id) if isinstance(exercise_id, str) else None
        text = key.get("hint") if isinstance(key, dict) else None
    except Exception:
        text = None
    return [MESSAGES["hint"] + text.strip()] if isinstance(text, str) and text.strip() else []


def _check(exercise_id: object, answer: object) -> tuple[bool, str, list[str]]:
    eid, key, message = _lookup(exercise_id)
    if key is None:
        return False, "error", [message or "无法检查。"]
    if _is_blank(answer):
        return False, "blank", [MESSAGES["blank"], *_hint_lines(eid)]
    ok, details, view = _grade(key, answer)
    if ok:
        explanation = view.explanation()
        return True, "right", [MESSAGES["right"] + (explanation.strip() if isinstance(explanation, str) else "")]
    detail = MESSAGES["detail_join"].join(details)
    if detail:
        detail += MESSAGES["detail_end"]
    return False, "wrong", [MESSAGES["wrong"] + detail, *_hint_lines(eid)]


def _type_name(value: object) -> str:
    try:
        name = type(value).__name__
        return name if isinstance(name, str) else "未知类型"
    except Exception:
        return "未知类型"


# --- reading answers: Python values to the strings xinzhi.answers reads -------------
def _is_blank(answer: object) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, (str, bytes, bytearray)):
        text = _as_str(answer)
        return text is not None and is_blank_text(text)
    if isinstance(answer, (list, tuple, set, frozenset)):
        items = list(itertools.islice(iter(answer), _MAX_ITEMS + 1))
        return all(item is Ellipsis for item in items)  # also true when empty
    if isinstance(answer, dict):
        return all(v is Ellipsis for v in itertools.islice(answer.values(), _MAX_ITEMS + 1))
    if _is_array_like(answer):
        return int(answer.size) == 0
    return False


def _is_array_like(value: object) -> bool:
    """numpy arrays and scalars, pandas Series, Index and DataFrame (checked by module,
    so that neither library is imported here and odd objects' attributes are not probed)."""
    module = type(value).__module__ or ""
    return module.split(".")[0] in ("numpy", "pandas") and hasattr(value, "size")


def _as_str(value: object) -> str | None:
    """Text of a str or UTF-8 bytes, capped in length; None for anything else."""
    if isinstance(value, str):
        return str.__str__(value)[:_MAX_CHARS]  # str.__str__ ignores a subclass's __str__
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value[:_MAX_CHARS * 4]).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _is_real_scalar(value: object) -> bool:
    """A single real number: int, float, Fraction, Decimal, numpy number (not a bool)."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return False
    return isinstance(value, (numbers.Real, Decimal))


class _Item:
    """One short answer (a text answer, a list item, a mapping key or value), read once:
    its text form (Rules 1–3), the number it writes (Rule 5) and the pid (Rule 6)."""

    __slots__ = ("form", "number", "pid")

    def __init__(self, form: str, number: float | None, pid: str | None) -> None:
        self.form, self.number, self.pid = form, number, pid


def _read_item(value: object, units: Iterable[str] = ()) -> _Item | None:
    """A short answer read by the rules of :mod:`xinzhi.answers`; None unless it is text
    (str, UTF-8 bytes) or a plain number (int, float)."""
    text = _as_str(value)
    if text is not None:
        return _Item(text_form(text), read_number(text, units), read_pid(text))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if abs(int(value)) < 10**50:
            return _Item(str(int(value)), float(int(value)), None)
        return None
    if isinstance(value, float) and math.isfinite(value):
        text = repr(float(value))
        return _Item(text_form(text), float(value), read_pid(text))
    return None


def _to_number(value: object, units: Iterable[str] = ()) -> float | None:
    """A float for a number-like answer, or None.  Huge ints become +/-inf."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return None
    if isinstance(value, numbers.Integral):
        try:
            return float(int(value))
        except OverflowError:
            return math.inf if int(value) > 0 else -math.inf
    if isinstance(value, (numbers.Real, Decimal)):
        try:
            return float(value)
        except (OverflowError, ValueError):
            return None
    text = _as_str(value)
    if text is None:
        if not _is_array_like(value) or int(value.size) != 1 or not hasattr(value, "item"):
            return None
        if getattr(value, "ndim", 0) == 0 and type(value).__name__ != "ndarray":
            return None  # a numpy scalar that is not a Real (complex, bool, datetime64)
        return _to_number(value.item(), units)
    return read_number(text, units)


def _items(value: object, view: KeyView | None = None) -> tuple[list[object] | None, str | None]:
    """The items of a collection answer, or None and the reason in Chinese.  A string is
    split by Rule 7 (a piece that is no item of the key again at 和/与/及; a run of letters
    into letters when the key's items are letters); a single number is a list of one."""
    text = _as_str(value)
    if text is not None:
        pieces: list[object] = []
        for piece in split_list(text):
            run = split_letters(piece) if view is not None and view.letters else None
            if run:
                pieces += run
                continue
            parts = split_connectors(piece)
            if len(parts) > 1 and view is not None:
                item = _read_item(piece, view.key.get("units", ()))
                if item is None or not any(_matches(view, accepted, item) for accepted in view.items):
                    pieces += parts
                    continue
            pieces.append(piece)
        return pieces, None
    if _is_real_scalar(value):
        return [value], None
    if isinstance(value, dict) or hasattr(type(value), "keys") and not _is_array_like(value):
        return None, "请给出一个列表，例如 [\"甲\", \"乙\"]"
    if _is_array_like(value) and type(value).__name__ == "DataFrame":
        if value.shape[1] != 1:
            return None, "请给出一个列表或只有一列的表"
        value = value.iloc[:, 0]
    if _is_array_like(value) and getattr(value, "ndim", 1) == 0:
        return None, "请给出一个列表，例如 [\"甲\", \"乙\"]"
    try:
        iterator = iter(value)  # type: ignore[call-overload]
    except TypeError:
        return None, "请给出一个列表，例如 [\"甲\", \"乙\"]"
    items = list(itertools.islice(iterator, _MAX_ITEMS + 1))
    if len(items) > _MAX_ITEMS:
        return None, f"项目太多（超过 {_MAX_ITEMS} 项）"
    return items, None


def _count_phrase(missing: int, extra: int) -> list[str]:
    parts = []
    if missing:
        parts.append(MESSAGES["missing_items"].format(n=missing))
    if extra:
        parts.append(MESSAGES["extra_items"].format(n=extra))
    return parts


# --- matching one item against what a key accepts ----------------------------------
def _accepts(accepted, item: _Item) -> bool:
    """Whether ``accepted`` (clear forms or their sealed digests, :mod:`xinzhi.sealing`)
    holds the item's text form, the number it reads as (Rule 5, for a spelling written in
    digits) or its pid (Rule 6)."""
    if ("form", item.form) in accepted:
        return True
    if item.number is not None and not math.isnan(item.number) and ("number", number_text(item.number)) in accepted:
        return True
    return item.pid is not None and ("pid", item.pid) in accepted


def _matches(view: KeyView, accepted, item: _Item) -> bool:
    """Whether an item matches one item of the key (``accepted``, one of ``view.items``):
    as :func:`_accepts` says, or as an accepted form framed by the key's frame phrases
    (Rule 4)."""
    return _accepts(accepted, item) or framed_by(
        item.form, lambda form: ("form", form) in accepted,
        lambda phrase: ("frame", phrase) in view.frames, view.longest_frame)


# --- graders: (key view, answer) -> (ok, details in Chinese) ------------------------
def _grade(key: dict, answer: object) -> tuple[bool, list[str], KeyView]:
    """Grade a non-blank answer against a well-formed key, clear or sealed."""
    view = key_view(key)
    ok, details = _GRADERS[key["kind"]](view, answer)
    return ok, details, view


def _grade_choice(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    text = _as_str(answer)
    letter = read_letter(text) if text is not None else None
    if letter is None:
        return False, [MESSAGES["one_letter"]]
    if ("letter", letter) in view.items[0]:
        return True, []
    options = view.key.get("options")
    if isinstance(options, str) and letter not in options:
        return False, [MESSAGES["only_options"].format(options=MESSAGES["options_join"].join(options))]
    return False, []


def _grade_text(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    item = _read_item(answer)
    if item is None:
        return False, ["请用文字作答，写在引号里，例如 \"新质生产力\""]
    return _matches(view, view.items[0], item), []


def _grade_number(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    number = _to_number(answer, view.key.get("units", ()))
    if number is None:
        return False, [MESSAGES["not_a_number"]]
    if math.isnan(number):
        return False, ["你的答案不是一个有效的数（NaN）"]
    if view.items[0].has_number(number, view.key):
        return True, []
    if view.target is None:  # a sealed key does not know which way the answer lies
        return False, []
    return False, [MESSAGES["too_big"] if number > view.target else MESSAGES["too_small"]]


def _collection(view: KeyView, answer: object) -> tuple[list | None, int, str]:
    """The answer's items, read (None for an item that is not text or a number), and how
    many are not; or no items and the reason the answer is not a collection."""
    items, reason = _items(answer, view)
    if items is None:
        return None, 0, reason or ""
    units = view.key.get("units", ())
    given = [_read_item(item, units) for item in items]
    return given, sum(1 for g in given if g is None), ""


def _grade_set(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    given, invalid, reason = _collection(view, answer)
    if given is None:
        return False, [reason]
    found = [False] * len(view.items)
    extra: set[str] = set()
    for item in given:
        if item is None or not item.form:
            continue
        hits = [n for n, accepted in enumerate(view.items) if _matches(view, accepted, item)]
        for n in hits:
            found[n] = True
        if not hits:
            extra.add(item.form)
    details = []
    if invalid:
        details.append(f"有 {invalid} 项不是文字")
    details += _count_phrase(found.count(False), len(extra))
    return not (found.count(False) or extra or invalid), details


def _grade_sequence(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    given, invalid, reason = _collection(view, answer)
    if given is None:
        return False, [reason]
    options = view.items
    if not invalid and len(given) == len(options):
        right = [_matches(view, accepted, item) for accepted, item in zip(options, given)]
        if all(right):
            return True, []
        unmatched = list(given)
        for accepted in options:
            hit = next((g for g in unmatched if _matches(view, accepted, g)), None)
            if hit is None:
                break
            unmatched.remove(hit)
        else:
            return False, [MESSAGES["wrong_order"]]
        return False, [MESSAGES["wrong_items"].format(n=right.count(False))]
    details = []
    if invalid:
        details.append(f"有 {invalid} 项不是文字")
    if len(given) != len(options):
        details.append(MESSAGES["item_count"].format(n=len(options), m=len(given)))
    return False, details


def _to_pid(value: object) -> str | None:
    """``"E.N"`` for a paragraph id in any accepted spelling, or None.

    >>> _to_pid("〔３．５〕"), _to_pid((3, 5)), _to_pid(" p3-5 ")
    ('3.5', '3.5', '3.5')
    """
    if isinstance(value, (tuple, list)) and len(value) == 2:
        a, b = value
        if all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in (a, b)):
            if 0 <= int(a) < 10**6 and 0 <= int(b) < 10**6:
                return f"{int(a)}.{int(b)}"
        return None
    if isinstance(value, float) and math.isfinite(value):
        value = repr(value)
    text = _as_str(value)
    return None if text is None else read_pid(text)


def _grade_pid(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    pid = _to_pid(answer)
    if pid is None:
        return False, [MESSAGES["pid_form"]]
    if ("pid", pid) in view.items[0]:
        return True, []
    details = []
    if ("essay", pid.split(".")[0]) in view.essay:
        details.append(MESSAGES["right_essay"])
    if isinstance(answer, float):
        details.append("段落编号请写成带引号的字符串，例如 \"3.10\"（写成数字 3.10 会变成 3.1）")
    return False, details


def _pid_items(answer: object) -> tuple[list[str] | None, int, str | None]:
    text = _as_str(answer)
    if text is not None:
        pids = find_pids(text)
        return (pids, 0, None) if pids else (None, 0, MESSAGES["no_pids"])
    single = _to_pid(answer) if isinstance(answer, (tuple, list)) else None
    if single is not None:
        return [single], 0, None
    items, reason = _items(answer)
    if items is None:
        return None, 0, reason
    pids = [_to_pid(item) for item in items]
    return [p for p in pids if p], sum(1 for p in pids if p is None), None


def _grade_pids(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    pids, invalid, reason = _pid_items(answer)
    if pids is None:
        return False, [reason or ""]
    given = set(pids)
    hits = {pid: [n for n, accepted in enumerate(view.items) if ("pid", pid) in accepted] for pid in given}
    found = {n for numbers in hits.values() for n in numbers}
    missing, extra = len(view.items) - len(found), sum(1 for numbers in hits.values() if not numbers)
    details = [f"有 {invalid} 项不是段落编号"] if invalid else []
    details += _count_phrase(missing, extra)
    return not (missing or extra or invalid), details


def _map_key(name: object, expected: list[str]) -> str | None:
    """The key of the answer that a student's key names, or the student's key in text
    form if it names none; None if it is neither text nor a plain number.  (The names
    are the question, readable in a sealed key too.)"""
    item = _read_item(name)
    if item is None:
        return None
    return next((known for known in expected if _accepts(Accepted(spelling_forms(known)), item)), item.form)


def _grade_mapping(view: KeyView, answer: object) -> tuple[bool, list[str]]:
    if isinstance(answer, dict):
        pairs = list(itertools.islice(answer.items(), _MAX_ITEMS + 1))
    elif _is_array_like(answer) and type(answer).__name__ == "Series":
        pairs = list(itertools.islice(answer.items(), _MAX_ITEMS + 1))
    else:
        return False, ["请用字典作答，例如 {\"1\": 2, \"2\": 5}"]
    if len(pairs) > _MAX_ITEMS:
        return False, [f"项目太多（超过 {_MAX_ITEMS} 项）"]
    names = view.names
    expected = dict(zip(names, view.items))
    given: dict[str, object] = {}
    invalid = 0
    for k, v in pairs:
        name = _map_key(k, names)
        if name is None:
            invalid += 1
        else:
            given[name] = v
    missing = sum(1 for k in names if k not in given)
    extra = sum(1 for k in given if k not in expected)
    wrong = sum(1 for k in names if k in given and not _value_matches(view, expected[k], given[k]))
    details = [f"有 {invalid} 个键不是文字或整数"] if invalid else []
    if missing:
        details.append(MESSAGES["missing_keys"].format(n=missing))
    if extra:
        details.append(MESSAGES["extra_keys"].format(n=extra))
    if wrong:
        details.append(MESSAGES["wrong_values"].format(n=wrong))
    return not (invalid or missing or extra or wrong), details


def _value_matches(view: KeyView, accepted, value: object) -> bool:
    units = view.key.get("units", ())
    if accepted.has_numbers:
        number = _to_number(value, units)
        if number is not None and not math.isnan(number) and accepted.has_number(number, view.key):
            return True
    item = _read_item(value, units)
    return item is not None and _matches(view, accepted, item)


_GRADERS = {
    "choice": _grade_choice,
    "text": _grade_text,
    "number": _grade_number,
    "set": _grade_set,
    "sequence": _grade_sequence,
    "pid": _grade_pid,
    "pids": _grade_pids,
    "mapping": _grade_mapping,
}
