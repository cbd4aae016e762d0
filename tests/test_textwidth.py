"""xinzhi.textwidth: display width, wrapping and tables for a terminal."""

from __future__ import annotations

import pytest

from xinzhi.textwidth import char_width, display_width, format_table, wrap_text


def test_widths_follow_the_terminals_tables():
    assert [char_width(c) for c in "新，a1…—\u3000"] == [2, 2, 1, 1, 1, 1, 2]
    assert char_width("\u0301") == 0 and char_width("\u200b") == 0  # combining, zero-width
    assert char_width("\x07") == 1  # a control character is kept in sight
    assert display_width("e\u0301新 2035 年") == 1 + 2 + 1 + 4 + 1 + 2


def test_wrapping_keeps_numbers_whole():
    text = "经济总量突破 120 万亿元，到 2035 年基本实现"
    for width in range(8, 30):
        lines = wrap_text(text, width)
        assert "".join(lines) == text
        for number in ("120", "2035"):
            assert any(number in line for line in lines)


# --- tables ---------------------------------------------------------------------------

def test_format_table_aligns_chinese_and_right_aligns_numbers():
    rows = [["新质生产力", 137, "nz"], ["AI", 7, "eng"], ["高质量发展", 1234, "人工智能"]]
    text = format_table(rows, ["token", "count", "pos"])
    lines = text.split("\n")
    assert len({display_width(line) for line in lines}) == 1
    # numbers are right-aligned: their last digit is in the same column
    ends = {display_width(line[: line.index(str(r[1])) + len(str(r[1]))])
            for line, r in zip(lines[2:], rows)}
    assert len(ends) == 1
    # text is left-aligned: the third column starts in the same column everywhere
    starts = {display_width(line[: line.index(r[2])]) for line, r in zip(lines[2:], rows)}
    assert len(starts) == 1


def test_format_table_shortens_text_to_fit():
    rows = [["以新质生产力发展推进中国式现代化建设", 21], ["新质生产力", 37]]
    lines = format_table(rows, ["title", "page"], max_width=24).split("\n")
    assert all(display_width(line) == 24 for line in lines)
    assert lines[2].startswith("以新质生产力发展…") and lines[2].endswith("21")
    assert lines[3].startswith("新质生产力  ")  # short enough: kept whole


def test_format_table_rejects_a_short_row():
    with pytest.raises(ValueError, match="2 cells but there are 3 headers"):
        format_table([[1, 2]], ["a", "b", "c"])
