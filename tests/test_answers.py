"""xinzhi.answers: the normalisation rules for students' answers, by class, each checked
against forms written independently of the code."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi import answers as rules


_DIGIT_HAN = "零一二三四五六七八九"


def _han(n: int) -> str:
    """0–99 in Chinese numerals, written independently of the code under test."""
    if n < 10:
        return _DIGIT_HAN[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _DIGIT_HAN[tens]) + "十" + ("" if units == 0 else _DIGIT_HAN[units])


@settings(max_examples=200, deadline=None, database=None)
@given(n=st.integers(0, 99), ordinal=st.booleans(), unit=st.sampled_from(["", "篇", "段", "个"]),
       style=st.sampled_from(["ascii", "fullwidth", "han"]), spaces=st.booleans())
def test_rule5_ordinal_and_counter_forms_of_numbers(n, ordinal, unit, style, spaces):
    digits = {"ascii": str(n), "fullwidth": str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
              "han": _han(n)}[style]
    text = ("第" if ordinal else "") + digits + unit
    if spaces:
        text = " " + " ".join(text) + " "
    assert rules.read_number(text, ["篇", "段", "个"]) == n
    if unit:  # a counter word the key does not declare is not part of a number
        assert rules.read_number(text, ["次"]) is None


@pytest.mark.parametrize(("text", "value"), [("两", 2), ("两个", 2), ("十", 10), ("一十一", 11), ("二〇三五年", 2035),
                                             ("（４）", 4), ("“8”", 8), ("8。", 8), ("1,234", 1234), ("-3", -3),
                                             ("−3", -3), ("1e3", 1000)])
def test_rule5_more_number_forms(text, value):
    assert rules.read_number(text, ["个", "年"]) == value


@pytest.mark.parametrize("text", ["二百四十五", "一二", "第2.5", "第", "4，5", "1,23", "四五", "两两", "十十", "8 篇 8"])
def test_rule5_what_is_not_a_number(text):
    assert rules.read_number(text, ["篇"]) is None


@settings(max_examples=150, deadline=None, database=None)
@given(a=st.text(alphabet="系统环境量变质总体局部", min_size=1, max_size=4),
       b=st.text(alphabet="系统环境量变质总体局部", min_size=1, max_size=4),
       connector=st.sampled_from(rules.CONNECTORS))
def test_rule3_connectors_in_pairs_are_one_word(a, b, connector):
    assert rules.text_form(a + connector + b) == rules.text_form(a + "与" + b)




def test_rules_are_portable_to_javascript():
    """Issue 10 ports xinzhi.answers to JavaScript: its patterns avoid classes whose meaning
    differs between Python's re and JavaScript (\\d \\s \\w \\b match more in Python), and
    every rule function documents itself with a doctest."""
    patterns = [v for v in vars(rules).values() if isinstance(v, re.Pattern)]
    assert patterns
    for pattern in patterns:
        for escape in ("\\d", "\\s", "\\w", "\\b", "\\D", "\\S", "\\W"):
            assert escape not in pattern.pattern, (pattern.pattern, escape)
    for name in rules.__all__:
        value = getattr(rules, name)
        if callable(value):
            assert ">>>" in (value.__doc__ or ""), name
    for rule in range(1, 8):
        assert f"Rule {rule} —" in rules.__doc__
