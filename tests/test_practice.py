"""xinzhi.practice and the page's checker (book/_static/xinzhi-check.js).

The parity test is the point of this file: the Python checker (:func:`xinzhi.check`) and
the page's JavaScript port, run in Debian's chromium, must give the same verdict, word
for word, on every key's ``accept`` and ``reject`` examples and on thousands of answers
generated from the keys (other spellings, widths, quotation marks, separators, numerals,
missing, extra and swapped items, random noise).  The counts go to
``test-artifacts/parity.json`` for the closing notes and ``make bench``.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

import xinzhi
from xinzhi import practice
from xinzhi.errors import ExportError
from xinzhi.exercises import MESSAGES
from xinzhi.keys import answer_key, exercise_ids

from _answers import SEED, page_cases
from _browser import ARTIFACTS, ROOT, launch

CHECK_JS = ROOT / "book" / "_static" / "xinzhi-check.js"
#: The least number of generated answers the parity test must compare.
MIN_GENERATED = 1000


# --- the page's view of the keys ----------------------------------------------------------
def test_page_keys_hold_what_grades_and_no_examples():
    keys = practice.page_keys()
    assert set(keys) == set(exercise_ids())
    for eid, key in keys.items():
        assert key["kind"] == answer_key(eid)["kind"]
        assert "examples" not in key and "note" not in key
        assert key["hint"] == key["hint"].strip() and key["hint"]
    assert practice.page_keys(2).keys() == {i for i in exercise_ids() if i.startswith("2.")}


def test_a_mapping_keeps_its_order_as_pairs():
    key = answer_key("2.4")
    assert practice.page_key("2.4")["answer"] == [[k, v] for k, v in key["answer"].items()]


def test_every_message_the_rules_use_reaches_the_page():
    script = CHECK_JS.read_text(encoding="utf-8")
    used = {name for name in MESSAGES if re.search(rf'M\.{name}\b|"{name}"', script)}
    assert not set(MESSAGES) - {"blank"} - used, sorted(set(MESSAGES) - used)
    # No message is written in the script itself: no Chinese outside comments.
    code = "\n".join(line.split("//")[0] for line in script.splitlines() if not line.lstrip().startswith(("/*", "*")))
    chinese = [ch for ch in code if unicodedata.name(ch, "").startswith("CJK UNIFIED")]
    assert set(chinese) <= set("〇零一二三四五六七八九十两第与"), sorted(set(chinese))


# --- exports -------------------------------------------------------------------------------
def _export(**changes) -> dict:
    data = {
        "format": "xinzhi-answers", "version": 1, "book": "新质生产力研读", "book_version": xinzhi.__version__,
        "exported": "2026-12-03T10:00:00.000Z",
        "answers": {
            "2.1": {"answer": "全要素生产率大幅提升", "verdict": "right", "checked": "2026-12-03T09:00:00.000Z"},
            "2.4": {"answer": {"主体": "4.7", "成长性": None}, "verdict": "wrong", "checked": "2026-12-03T09:01:00.000Z"},
            "2.5": {"answer": "A", "verdict": "right", "checked": "2026-12-03T09:02:00.000Z"},
        },
        "notes": {"2.7": {"text": "先界定对象。", "saved": "2026-12-03T09:03:00.000Z"}},
        "markdown": "# 我的练习",
    }
    data.update(changes)
    return data


def test_an_export_is_graded_again_not_trusted():
    rows = practice.grade_export(practice.parse_export(json.dumps(_export(), ensure_ascii=False)))
    assert [(r.exercise, r.page_verdict, r.verdict.kind) for r in rows] == [
        ("2.1", "right", "right"), ("2.4", "wrong", "wrong"), ("2.5", "right", "wrong"),
    ]


@pytest.mark.parametrize("text, words", [
    ("{", "is not JSON"),
    ("[]", "is not an answer export"),
    (json.dumps(_export(format="other")), "format"),
    (json.dumps(_export(version=2)), "newer than this xinzhi reads"),
    (json.dumps(_export(answers={"2.1": {"answer": 3, "verdict": "right", "checked": "2026-12-03T09:00:00Z"}})), "answers/2.1/answer"),
    (json.dumps(_export(answers={"x": {"answer": "a", "verdict": "right", "checked": "2026-12-03T09:00:00Z"}})), "answers"),
])
def test_a_bad_export_says_what_is_wrong(text, words):
    with pytest.raises(ExportError, match=words.replace("/", ".")) as info:
        practice.parse_export(text)
    assert "\n" not in str(info.value)


def test_read_export_names_a_missing_file(tmp_path):
    with pytest.raises(ExportError, match="no such file"):
        practice.read_export(tmp_path / "none.json")


# --- parity --------------------------------------------------------------------------------
def _python_verdicts(cases: list[tuple[str, object]]) -> list[list]:
    out = []
    for eid, answer in cases:
        verdict = xinzhi.check(eid, practice.from_page(answer))
        out.append([verdict.kind, list(verdict.lines)])
    return out


@pytest.mark.slow
def test_the_page_checker_gives_the_verdicts_of_check():
    cases, examples = page_cases(SEED)
    generated = len(cases) - examples
    assert generated >= MIN_GENERATED

    python = _python_verdicts(cases)
    keys = practice.page_keys()
    with launch() as browser:
        page = browser.new_page()
        page.set_content("<!doctype html><meta charset=utf-8><title>parity</title>")
        page.add_script_tag(path=str(CHECK_JS))
        script = """([rules, keys, cases, blank]) => {
            const checker = XinzhiCheck.Checker(rules);
            return cases.map(([id, answer]) => {
                try { const v = checker.check(keys[id], answer, blank); return [v.kind, v.lines]; }
                catch (e) { return ["error", [String(e)]]; }
            });
        }"""
        page_side = page.evaluate(script, [practice.page_rules(), keys, cases, MESSAGES["blank"]])
    differences = [
        (eid, answer, py, js) for (eid, answer), py, js in zip(cases, python, page_side) if py != js
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    kinds = {}
    for (eid, _), (verdict, _) in zip(cases, python):
        kinds[verdict] = kinds.get(verdict, 0) + 1
    (ARTIFACTS / "parity.json").write_text(json.dumps({
        "keys": len(keys), "examples": examples, "generated": generated, "compared": len(cases),
        "verdicts": kinds, "differences": len(differences),
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shown = "\n".join(f"{eid} {answer!r}: python {py} / page {js}" for eid, answer, py, js in differences[:10])
    assert not differences, f"{len(differences)} of {len(cases)} verdicts differ:\n{shown}"
    assert {"right", "wrong", "blank"} <= kinds.keys()


# --- the book's insertion of the boxes (book/_ext/xinzhi_practice.py) -----------------------
def test_practice_cells_follow_each_exercise():
    import xinzhi_edition
    import xinzhi_practice

    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "## 练习"},
        {"cell_type": "markdown", "metadata": {"tags": ["exercise"]}, "source": "### 练习 2.1\u3000核心标志\n\n问题"},
        {"cell_type": "code", "metadata": {"tags": ["exercise"]}, "source": 'answer = ...\ncheck("2.1", answer)',
         "outputs": [], "execution_count": None},
        {"cell_type": "markdown", "metadata": {"tags": ["exercise"]}, "source": "### 练习 2.7\u3000讨论\n\n（讨论题）"},
        {"cell_type": "markdown", "metadata": {"tags": ["solution"]}, "source": "**参考要点**"},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    cells = xinzhi_edition.source_notebook(xinzhi_practice.practice_notebook(json.dumps(nb, ensure_ascii=False)))["cells"]
    sources = [c["source"] for c in cells]
    assert sources[1] == ":::{xinzhi-chapter-progress}\n2.1 2.7\n:::"
    assert sources[4] == ":::{xinzhi-practice} 2.1\n:::"
    assert sources[6] == ":::{xinzhi-notes} 2.7\n:::"
    assert len(cells) == len(nb["cells"]) + 3
    assert xinzhi_practice.practice_notebook("not json") == "not json"


def test_a_mapping_box_lists_its_keys_in_reading_order():
    import xinzhi_practice

    assert xinzhi_practice._mapping_order(["丁", "丙", "乙", "甲"], "") == ["甲", "乙", "丙", "丁"]
    assert xinzhi_practice._mapping_order(["10", "2", "1"], "") == ["1", "2", "10"]
    assert xinzhi_practice._mapping_order(["成长性", "主体"], "五个角度是：主体、成长性") == ["主体", "成长性"]
