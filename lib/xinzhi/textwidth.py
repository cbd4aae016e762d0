"""Text laid out for a terminal: display width (Chinese characters take two columns),
wrapping by the Chinese line-breaking rules, and tables aligned by display width.

The widths come from wcwidth, which tracks the Unicode tables terminals use; the
command line (:mod:`xinzhi.cli`) and the benchmarks use these helpers.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Iterable, Sequence

import wcwidth

from .errors import ArgumentError

__all__ = ["char_width", "display_width", "truncate", "pad", "wrap_text", "format_table"]

#: Characters that must not begin a line (closing punctuation) and that must not end
#: one (opening brackets and quotes): the usual Chinese line-breaking rules (避头尾).
_NO_LINE_START = frozenset("，。、；：？！…‥）》」』】〕〉”’,.;:?!)]}%—～·")
_NO_LINE_END = frozenset("（《「『【〔〈“‘([{")

_NUMERIC = re.compile(r"^[-+]?(\d[\d,]*)?(\.\d+)?%?$")


def char_width(ch: str) -> int:
    """Terminal columns of one character, as wcwidth (the terminals' own tables) says:
    2 for wide and full-width characters, 0 for combining marks and zero-width format
    characters, else 1.

    East Asian *ambiguous* characters (…, —, ·) count one column, as in the terminals
    Chinese readers use by default (a CJK-ambiguous-wide setting is rare and would only
    make a table look a little wider).  A control character, which wcwidth cannot
    measure (-1), counts one: table cells never hold one (they turn tabs and newlines
    into spaces), and one column keeps any other in sight rather than hiding it.

    Examples
    --------
    >>> char_width("新"), char_width("a"), char_width("，"), char_width("\u0301")
    (2, 1, 2, 0)
    """
    width = wcwidth.wcwidth(ch)
    return 1 if width < 0 else width


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (Chinese characters count two).

    >>> display_width("2035 年"), len("2035 年")
    (7, 6)
    """
    width = wcwidth.wcswidth(text)
    return width if width >= 0 else sum(char_width(ch) for ch in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending in ``…`` if cut.

    >>> truncate("新质生产力", 7)
    '新质生…'
    """
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, right: bool) -> str:
    """``text`` filled with spaces to ``width`` columns, on the left when ``right``.

    >>> pad("新质", 6, right=True)
    '  新质'
    """
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def _units(text: str, width: int) -> list[str]:
    """Unbreakable pieces of ``text``: one wide character, or a run of narrow ones
    (a number, a Latin word), each carrying the spaces that follow it."""
    units: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if char_width(text[i]) < 2 and text[i] != " ":
            while j < n and char_width(text[j]) < 2 and text[j] != " ":
                j += 1
        while j < n and text[j] == " ":
            j += 1
        unit = text[i:j]
        if display_width(unit) > width:  # a run longer than a line is broken anywhere
            units.extend(unit)
        else:
            units.append(unit)
        i = j
    return units


def wrap_text(text: str, width: int) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` terminal columns.

    Chinese may break between any two characters, but a line never starts with closing
    punctuation nor ends with an opening bracket, and numbers and Latin words stay
    whole.  Nothing is dropped: for text without newlines (each newline starts a new
    line), ``"".join(wrap_text(t, w)) == t``; spaces stay at the end of the line they
    follow.

    >>> wrap_text("新质生产力。先进", 10)  # "。" may not start a line
    ['新质生产', '力。先进']
    >>> "".join(wrap_text("突破 120 万亿元，", 8)) == "突破 120 万亿元，"
    True
    """
    width = max(width, 6)
    lines: list[str] = []
    for part in text.split("\n"):
        line: list[str] = []
        used = 0
        for unit in _units(part, width):
            w = display_width(unit)
            if line and used + w > width:
                # Move pieces down while the new line would start with closing
                # punctuation or this one end with an opening bracket (a piece such as
                # ”“ is both), as long as the new line still fits.
                carry: list[str] = []
                moved = w
                while len(line) > 1 and len(carry) < 4:
                    bad_start = (carry[0] if carry else unit)[0] in _NO_LINE_START
                    bad_end = line[-1].rstrip()[-1:] in _NO_LINE_END
                    if not (bad_start or bad_end) or moved + display_width(line[-1]) > width:
                        break
                    moved += display_width(line[-1])
                    carry.insert(0, line.pop())
                lines.append("".join(line))
                line, used = carry, sum(display_width(u) for u in carry)
            line.append(unit)
            used += w
        lines.append("".join(line))
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        return str(int(value)) if value.is_integer() else str(round(value, 4))
    text = str(value)
    if text in ("nan", "<NA>", "None"):
        return ""
    # a table row is one line: newlines and tabs inside a cell would break the columns
    return re.sub(r"[\t\r\n]+", " ", text)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Number):
        return True
    return isinstance(value, str) and bool(value) and bool(_NUMERIC.match(value))


def format_table(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    *,
    align: str | None = None,
    max_width: int | None = None,
) -> str:
    """Rows as a text table aligned by display width (Chinese counts two columns).

    ``align`` gives one letter per column, ``l`` or ``r``; by default a column whose
    cells are all numbers is right-aligned and any other left-aligned.  With
    ``max_width``, the widest text columns are shortened with ``…`` until the table
    fits.  Every line of the result has the same display width.

    >>> print(format_table([[1, "新质生产力", 91], [12, "AI", 7]], ["#", "term", "n"]))
     #  term         n
    --  ----------  --
     1  新质生产力  91
    12  AI           7
    """
    headers = [str(h) for h in headers]
    raw = [list(r) for r in rows]
    for r in raw:
        if len(r) != len(headers):
            raise ArgumentError(f"a row has {len(r)} cells but there are {len(headers)} headers")
    cells = [[_cell(v) for v in r] for r in raw]
    ncol = len(headers)
    if align is None:
        align = "".join(
            "r" if raw and all(_is_number(r[c]) or cells[i][c] == "" for i, r in enumerate(raw))
            and any(cells[i][c] for i in range(len(raw))) else "l"
            for c in range(ncol)
        )
    if len(align) != ncol or set(align) - {"l", "r"}:
        raise ArgumentError(f"align must be {ncol} letters 'l' or 'r', not {align!r}")
    widths = [
        max([display_width(headers[c])] + [display_width(r[c]) for r in cells])
        for c in range(ncol)
    ]
    gap = 2
    if max_width is not None:
        # shorten the widest text column, one column at a time, down to 8 columns
        floor = [max(8, display_width(h)) for h in headers]
        while sum(widths) + gap * (ncol - 1) > max_width:
            candidates = [c for c in range(ncol) if align[c] == "l" and widths[c] > floor[c]]
            if not candidates:
                break
            c = max(candidates, key=lambda k: widths[k])
            excess = sum(widths) + gap * (ncol - 1) - max_width
            widths[c] = max(floor[c], widths[c] - excess)
        cells = [[truncate(r[c], widths[c]) for c in range(ncol)] for r in cells]
    sep = " " * gap
    lines = [
        sep.join(pad(headers[c], widths[c], align[c] == "r") for c in range(ncol)),
        sep.join("-" * widths[c] for c in range(ncol)),
    ]
    for r in cells:
        lines.append(sep.join(pad(r[c], widths[c], align[c] == "r") for c in range(ncol)))
    return "\n".join(lines)
