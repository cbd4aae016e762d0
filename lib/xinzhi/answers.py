"""How a short answer is read before it is compared with a key: the normalisation rules.

:func:`xinzhi.exercises.check` uses these rules; the book's in-page checker uses the same
rules, ported to JavaScript, and a parity test keeps the two identical.  So the rules are
few, work on strings only (turning Python values such as numpy numbers into strings is
:mod:`xinzhi.exercises`' job), and use nothing a browser lacks: Unicode NFKC, Unicode
general categories, and regular expressions made of literal characters and classes.  No
locale, no ``eval``.  Each rule is one function here.

The rules are written by class of answer, not for one exercise.  Where an exercise needs
more, its key says so declaratively: ``accept`` (other accepted spellings), ``units``
(counter words a number may carry) and ``frame`` (words an answer may be quoted with).

Rule 1 — clean text (:func:`clean`)
    Unicode NFKC (full-width letters, digits and punctuation become half-width), format
    characters (zero-width spaces, category Cf) dropped, runs of whitespace (see
    :data:`WHITESPACE`; NFKC has already made U+3000 a space) become one space,
    punctuation (category P) and whitespace stripped from both ends, spaces next to a
    non-ASCII character removed, ASCII letters lower-cased.

    >>> clean("　《新质 生产力》。"), clean("ＮＥＷ  Quality\u200b forces")
    ('新质生产力', 'new quality forces')

    Text holding only whitespace and format characters is a blank (:func:`is_blank_text`):
    the checker says 尚未作答 instead of grading it.

Rule 2 — quotation marks (:func:`text_form`)
    Quotation marks (:data:`QUOTES`) are dropped wherever they stand, so an answer quoted
    inside its sentence reads as the sentence without the marks.

Rule 3 — connectors in pairs (:func:`text_form`)
    In a pair or a short list written as one item, ``和``, ``与``, ``及``, ``以及`` and ``、``
    (:data:`CONNECTORS`) are the same word: each is read as ``与``.  So ``系统和环境``
    matches ``系统与环境``.  Both the answer and the key are read this way.

    >>> text_form("“系统”和「环境」"), text_form("系统、环境") == text_form("系统与环境")
    ('系统与环境', True)

Rule 4 — frame words (:func:`is_framed`)
    A key may list ``frame`` phrases: words of the source sentence that may stand around
    the answer without changing it (for 2.1, asked for the phrase before 核心标志:
    ``["以", "为核心标志"]``).  A text answer, or an item of a list, is accepted when it is
    an accepted form with zero or more frame phrases before it and zero or more after it
    (either side, any order).  All three — answer, accepted forms, frame phrases — are
    compared in their :func:`text_form`.  Anything else around the form (a different
    word, a wrong form, a second form) keeps the answer wrong.

    >>> accepted = ["全要素生产率大幅提升", "全要素生产率"]
    >>> is_framed(text_form("以“全要素生产率大幅提升”为核心标志"), accepted, ["以", "为核心标志"])
    True
    >>> is_framed(text_form("以全要素生产率大幅提升为基本内涵"), accepted, ["以", "为核心标志"])
    False

Rule 5 — numbers written as text (:func:`read_number`)
    NFKC (full-width digits), whitespace dropped, ``−`` read as ``-``; brackets and
    quotation marks around the number (categories Ps, Pe, Pi, Pf) and a final ``。``
    dropped; a comma between digit groups (``1,234``) dropped; then one of the key's
    ``units`` (counter words such as ``篇``, ``段``, ``个``, ``%``) may end it; an integer may
    be written as an ordinal with ``第`` before it.  What is left is a decimal number
    (``245.2``, ``-3``, ``1e3``; digits are ASCII ``0-9`` after NFKC, in every rule here)
    or an integer in Chinese numerals (:func:`chinese_integer`:
    ``一`` … ``九十九``, ``两``, ``零``/``〇``, and years digit by digit such as ``二〇三五``).
    Larger Chinese numerals (``二百四十五``) are not read.

    >>> read_number("第四篇", ["篇"]), read_number("（４）"), read_number("1,234.5 字", ["字"])
    (4.0, 4.0, 1234.5)
    >>> read_number("第4段", ["篇"]) is None, read_number("二百四十五") is None
    (True, True)

Rule 6 — ids (:func:`read_pid`, :func:`read_letter`, and Rule 5 for numbered ids)
    A paragraph id (pid) ``E.N`` may be written with brackets or spaces around it, with
    full-width digits, ``。`` or ``-`` for the point, or as an anchor ``p3-5``; a list of
    pids written as one string is every ``E.N`` (point ``.`` or ``。``) in it.  An option
    letter may stand in brackets or with punctuation.  A numbered id (an essay number, a
    question number) is read by Rule 5, so ``8``, ``"8"``, ``"（8）"``, ``"第8篇"`` and
    ``"第八篇"`` are one id when the key's ``units`` include ``篇``.

    >>> read_pid("〔３．５〕"), read_pid(" p3-5 "), read_pid("[3.5]"), read_letter("（ｂ）。")
    ('3.5', '3.5', '3.5', 'B')

Rule 7 — lists written as one string (:func:`split_list`, :func:`split_connectors`)
    Items are separated by ``、`` ``，`` ``,`` ``；`` ``;`` or line breaks (:data:`SEPARATORS`),
    and where a closing quotation mark meets an opening one (``“创新资源”“创新绩效”``);
    if the string holds none of these, by spaces.  A piece that is not itself an item of
    the key is split again at ``和``, ``与``, ``及``, ``以及``, so ``江泽民和胡锦涛`` gives two
    names while ``系统和环境`` stays one pair when the key lists that pair.  Where every item
    of the key is one option letter, a piece that is a run of letters is split into them
    (``ACDE``; :func:`split_letters`).  Pieces that are empty after Rule 1 are dropped.

    >>> split_list("邓小平、江泽民和胡锦涛"), split_connectors("江泽民和胡锦涛")
    (['邓小平', '江泽民和胡锦涛'], ['江泽民', '胡锦涛'])
    >>> split_list("智能生产力 绿色生产力"), split_list("第 4 篇；第 5 篇")
    (['智能生产力', '绿色生产力'], ['第 4 篇', '第 5 篇'])
    >>> split_list("“曼哈顿工程”“雷达工程”")
    ['“曼哈顿工程”', '“雷达工程”']

How the graders combine the rules (see :mod:`xinzhi.exercises`): a text answer is right
when its :func:`text_form` equals the form of an accepted spelling or is framed by Rule 4;
an item of a set, a sequence or a mapping value matches a key spelling written in digits
(``"8"``) when it reads as that number by Rule 5, one written as a pid (``"2.2"``) when it
reads as that pid, and any spelling when Rules 1–4 match it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterable

from .conventions import format_pid

__all__ = [
    "WHITESPACE",
    "QUOTES",
    "CONNECTORS",
    "SEPARATORS",
    "is_blank_text",
    "clean",
    "text_form",
    "is_framed",
    "framed_by",
    "read_number",
    "chinese_integer",
    "read_pid",
    "find_pids",
    "read_letter",
    "split_list",
    "split_connectors",
    "split_letters",
    "is_integer_id",
    "is_pid",
]

#: Whitespace, spelled out so that Python and JavaScript agree on it.
WHITESPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Quotation marks, dropped anywhere in a text answer (Rule 2).  After NFKC.
QUOTES = "\"'“”‘’「」『』﹁﹂﹃﹄〝〞〟"
#: Words joining the two halves of a pair (Rule 3); longest first.
CONNECTORS = ("以及", "及", "和", "与", "、")
#: Item separators of a list written as one string (Rule 7), after NFKC (，→, ；→;).
SEPARATORS = "、,;\r\n"

_WS = re.compile(f"[{WHITESPACE}]+")
_SPACE_NEAR_WIDE = re.compile(r" ?([^\x00-\x7f]) ?")
_QUOTE = re.compile(f"[{re.escape(QUOTES)}]")
_CONNECTOR = re.compile("|".join(CONNECTORS))
_LIST_CONNECTOR = re.compile("|".join(c for c in CONNECTORS if c != "、"))
_SEPARATOR = re.compile(f"[{re.escape(SEPARATORS)}]+")
_QUOTE_BOUNDARY = re.compile(f"([”」』’])[{WHITESPACE}]*([“「『‘])")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[0-9]+")
_GROUP_COMMA = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
# Rule 6 reads the spellings students write for a pid (p3-5, 3。5, 〔３．５〕 after NFKC),
# a lenient reading of the one grammar in xinzhi.conventions, whose format_pid writes
# the result.  Plain character classes, so the same patterns work in the page's checker.
_PID = re.compile(r"[pP]?([0-9]{1,6})[.。\-]([0-9]{1,6})")
_PID_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{1,6}) *[.。] *([0-9]{1,6})(?![0-9])")
_LETTER = re.compile(r"[A-Z]")
_LETTERS = re.compile(r"[A-Z]{2,}")
_CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
                   "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_TENS = re.compile(r"([一二三四五六七八九]?)十([一二三四五六七八九]?)")
#: Longer answers are not short answers; the frame rule (Rule 4) does not look at them.
MAX_FRAMED = 200


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P"


def _strip(text: str) -> str:
    """Punctuation and whitespace off both ends."""
    start, end = 0, len(text)
    while start < end and (_is_punct(text[start]) or _WS.fullmatch(text[start])):
        start += 1
    while end > start and (_is_punct(text[end - 1]) or _WS.fullmatch(text[end - 1])):
        end -= 1
    return text[start:end]


def _lower_ascii(text: str) -> str:
    return re.sub(r"[A-Z]+", lambda m: m.group(0).lower(), text)


def is_blank_text(text: str) -> bool:
    """Rule 1 for a blank: text that holds nothing but whitespace and format characters
    (a blank answer is not wrong, it is not yet written).

    >>> is_blank_text(" \\u3000\\n\\u200b"), is_blank_text("。")
    (True, False)
    """
    return not _WS.sub("", "".join(ch for ch in unicodedata.normalize("NFKC", text)
                                   if unicodedata.category(ch) != "Cf"))


def clean(text: str) -> str:
    """Rule 1: the cleaned form of a short text.

    >>> clean("　“Ｎｅｗ  Quality 生产 力”。")
    'new quality生产力'
    """
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _WS.sub(" ", unicodedata.normalize("NFKC", text))
    text = _strip(text)
    return _lower_ascii(_SPACE_NEAR_WIDE.sub(r"\1", text))


def text_form(text: str) -> str:
    """Rules 1–3: the form in which text answers, list items and keys are compared.

    >>> text_form("以“全要素生产率大幅提升”为核心标志")
    '以全要素生产率大幅提升为核心标志'
    >>> text_form("新质与旧质") == text_form("新质及旧质") == text_form("新质以及旧质")
    True
    """
    text = _QUOTE.sub("", unicodedata.normalize("NFKC", text))
    return _CONNECTOR.sub("与", clean(text))


def _frame_runs(text: str, is_phrase: Callable[[str], bool], longest: int) -> tuple[list[bool], list[bool]]:
    """For each position ``i`` of ``text``: whether ``text[:i]`` is zero or more frame
    phrases in a row, and whether ``text[i:]`` is."""
    size = len(text)
    before = [True] + [False] * size
    for i in range(size):
        if before[i]:
            for end in range(i + 1, min(size, i + longest) + 1):
                if is_phrase(text[i:end]):
                    before[end] = True
    after = [False] * size + [True]
    for i in range(size - 1, -1, -1):
        after[i] = any(after[end] and is_phrase(text[i:end])
                       for end in range(i + 1, min(size, i + longest) + 1))
    return before, after


def framed_by(form: str, accepts: Callable[[str], bool], is_phrase: Callable[[str], bool],
              longest: int) -> bool:
    """Rule 4 with the accepted forms and the frame phrases given as lookups (a sealed
    key holds only their digests): whether ``form`` is some non-empty part that
    ``accepts`` with frame phrases (``is_phrase``, none longer than ``longest``) before
    and after it.

    >>> framed_by("以甲为标志", {"甲"}.__contains__, {"以", "为标志"}.__contains__, 3)
    True
    """
    if not longest or len(form) > MAX_FRAMED:
        return False
    before, after = _frame_runs(form, is_phrase, longest)
    starts = [i for i in range(len(form)) if before[i]]
    ends = [j for j in range(1, len(form) + 1) if after[j]]
    return any(accepts(form[i:j]) for i in starts for j in ends if i < j)


def is_framed(form: str, accepted: Iterable[str], frames: Iterable[str]) -> bool:
    """Rule 4: whether ``form`` is an accepted form with frame phrases around it.

    All arguments are already in :func:`text_form`.

    >>> is_framed("集约型增长", ["集约型"], ["向", "转变", "增长"])
    True
    >>> is_framed("集约型增长模式", ["集约型"], ["向", "转变", "增长"])
    False
    """
    phrases = {f for f in frames if f}
    return framed_by(form, {a for a in accepted if a}.__contains__, phrases.__contains__,
                     max(map(len, phrases), default=0))


def chinese_integer(text: str) -> int | None:
    """An integer written in Chinese numerals (Rule 5), or None.

    >>> [chinese_integer(t) for t in ["八", "两", "十", "十五", "三十", "九十九", "二〇三五", "零"]]
    [8, 2, 10, 15, 30, 99, 2035, 0]
    >>> chinese_integer("二百四十五") is None, chinese_integer("一二") is None
    (True, True)
    """
    if text == "两":
        return 2
    if len(text) == 1 and text in _CHINESE_DIGITS:
        return _CHINESE_DIGITS[text]
    match = _CHINESE_TENS.fullmatch(text)
    if match:
        tens, units = match.groups()
        return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)
    if len(text) >= 3 and all(ch in _CHINESE_DIGITS for ch in text):
        return int("".join(str(_CHINESE_DIGITS[ch]) for ch in text))
    return None


def read_number(text: str, units: Iterable[str] = ()) -> float | None:
    """Rule 5: the number a text answer writes, or None.

    >>> read_number(" 245.2 字", ["字"]), read_number("18%", ["%"]), read_number("两个", ["个"])
    (245.2, 18.0, 2.0)
    >>> read_number("二〇三五年", ["年"]), read_number("第 8 篇", ["篇"]), read_number("第8")
    (2035.0, 8.0, 8.0)
    >>> read_number("245.2 米", ["字"]) is None, read_number("第2.5") is None
    (True, True)
    """
    text = _WS.sub("", unicodedata.normalize("NFKC", text)).replace("−", "-")
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start]) in ("Ps", "Pi"):
        start += 1
    while end > start and (unicodedata.category(text[end - 1]) in ("Pe", "Pf") or text[end - 1] == "。"):
        end -= 1
    text = _GROUP_COMMA.sub("", text[start:end])
    names = (_WS.sub("", unicodedata.normalize("NFKC", u)) for u in units)
    for unit in sorted(names, key=len, reverse=True):
        if unit and text.endswith(unit):
            text = text[: -len(unit)]
            break
    ordinal = text.startswith("第")
    if ordinal:
        text = text[1:]
    if _INTEGER.fullmatch(text) or (not ordinal and _DECIMAL.fullmatch(text)):
        try:
            return float(text)
        except (OverflowError, ValueError):
            return None
    value = chinese_integer(text)
    return None if value is None else float(value)


def read_pid(text: str) -> str | None:
    """Rule 6: a paragraph id ``"E.N"`` written in any accepted spelling, or None.

    >>> read_pid("〔３．５〕"), read_pid("（3.5）"), read_pid("03.07"), read_pid("三点五")
    ('3.5', '3.5', '3.7', None)
    """
    if len(text) > 100:
        return None
    text = _strip(_WS.sub("", unicodedata.normalize("NFKC", text)))
    match = _PID.fullmatch(text)
    return format_pid(int(match.group(1)), int(match.group(2))) if match else None


def find_pids(text: str) -> list[str]:
    """Rule 6 for a list of pids written as one string: every ``E.N`` in it, in order.

    >>> find_pids("〔3.5〕〔3.6〕"), find_pids("３．５、5.18 和 p3-7")
    (['3.5', '3.6'], ['3.5', '5.18'])
    """
    text = _WS.sub(" ", unicodedata.normalize("NFKC", text))
    return [format_pid(int(a), int(b)) for a, b in _PID_IN_TEXT.findall(text)]


def read_letter(text: str) -> str | None:
    """Rule 6: an option letter, upper case, or None.

    >>> read_letter(" (b) "), read_letter("【Ｃ】"), read_letter("BB")
    ('B', 'C', None)
    """
    letter = _strip(_WS.sub(" ", unicodedata.normalize("NFKC", text))).upper()
    return letter if _LETTER.fullmatch(letter) else None


def split_list(text: str) -> list[str]:
    """Rule 7, first step: the pieces of a list written as one string.

    >>> split_list("绿色生产力，智能生产力。"), split_list(" 8 ")
    (['绿色生产力', '智能生产力。'], ['8'])
    """
    text = _QUOTE_BOUNDARY.sub("\\1、\\2", unicodedata.normalize("NFKC", text))
    pattern = _SEPARATOR if _SEPARATOR.search(text) else _WS
    return [piece for piece in pattern.split(text) if clean(piece)]


def split_connectors(piece: str) -> list[str]:
    """Rule 7, second step: a piece split at 和、与、及、以及 (for a piece that is not an item).

    >>> split_connectors("第4篇和第5篇"), split_connectors("邓小平")
    (['第4篇', '第5篇'], ['邓小平'])
    """
    return [part for part in _LIST_CONNECTOR.split(piece) if clean(part)]


def split_letters(piece: str) -> list[str] | None:
    """Rule 7, for keys whose items are option letters: a run of letters split into them.

    >>> split_letters("ACDE"), split_letters(" (a c) "), split_letters("A"), split_letters("A2")
    (['A', 'C', 'D', 'E'], ['A', 'C'], None, None)
    """
    letters = clean(piece).replace(" ", "").upper()
    return list(letters) if _LETTERS.fullmatch(letters) else None


def is_integer_id(spelling: str) -> bool:
    """Whether a key spelling is a numbered id written in digits (``"8"``), read by Rule 5.

    >>> is_integer_id("8"), is_integer_id("8.4"), is_integer_id("第8篇")
    (True, False, False)
    """
    return _INTEGER.fullmatch(spelling) is not None


def is_pid(spelling: str) -> bool:
    """Whether a key spelling is a pid written ``"E.N"`` (``"2.2"``), read by Rule 6.

    >>> is_pid("2.2"), is_pid("R1")
    (True, False)
    """
    return re.fullmatch(r"[0-9]{1,6}\.[0-9]{1,6}", spelling) is not None
