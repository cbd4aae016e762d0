"""xinzhi.keys: the answer-key file, checked against its JSON Schema and in Python; every
problem is one line naming the exercise and what to fix."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

import xinzhi
from xinzhi import keys
from xinzhi.exercises import Verdict, check
from xinzhi.keys import answer_key, validate_keys


def _run(exercise_id, answer) -> tuple[object, str]:
    """The verdict as a bool and the feedback as shown (plain text, one line each)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = check(exercise_id, answer)
    assert printed.getvalue() == ""
    assert isinstance(result, Verdict)
    return result.ok, result.text + "\n"


def test_answer_keys_are_valid():
    assert validate_keys() == []


def test_answers_json_is_pretty_printed_and_sorted():
    raw = keys.keys_path().read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_answer_key_returns_a_copy():
    key = answer_key("demo.set")
    key["answer"].append("x")
    assert "x" not in answer_key("demo.set")["answer"]
    with pytest.raises(KeyError, match="2.1"):
        answer_key("no.such")


# --- malformed keys ----------------------------------------------------------------
def test_malformed_keys_are_reported(keys_file, capsys):
    keys_file.write_text(json.dumps({
        "1.1": {"kind": "essay", "answer": "x", "hint": "h"},
        "1.2": {"kind": "text", "hint": "h"},
        "1.3": {"kind": "pid", "answer": "3.5.", "hint": "h"},
        "1.4": {"kind": "number", "answer": 3, "hint": "h", "tolerence": 1},
        "1.5": {"kind": "set", "answer": ["a", "A"], "hint": "h"},
        "1.6": {"kind": "choice", "answer": "B"},
        "bad id": {"kind": "choice", "answer": "B", "hint": "h"},
        "1.7": {"kind": "choice", "answer": "B", "hint": "选 B。",
                "examples": {"accept": ["B", "(b)"], "reject": ["A", "C"]}},
    }), encoding="utf-8")
    problems = "\n".join(validate_keys())
    for expected in ["1.1: unknown kind 'essay'", "1.2: missing 'answer'", "1.3: a pid answer",
                     "1.4: unknown field(s) tolerence", "1.5: a set answer has the same item twice",
                     "1.6: missing 'hint'", "bad id: id must look like"]:
        assert expected in problems
    assert "1.7" not in problems
    ok, out = _run("1.1", "x")
    assert ok is False
    assert "答案键有误" in out and "请告诉老师" in out
    ok, out = _run("1.7", "b")
    assert ok is True


def test_broken_keys_file(keys_file, capsys):
    keys_file.write_text('{"1.1": {"kind": "choice",}', encoding="utf-8")
    assert validate_keys()[0].startswith("answers.json is not valid JSON")
    ok, out = _run("1.1", "B")
    assert ok is False
    assert "答案文件有误" in out
    keys_file.unlink()
    keys.reload_keys()
    assert "cannot read" in validate_keys()[0]
    ok, out = _run("1.1", "B")
    assert ok is False


def test_validate_keys_reports_examples(keys_file):
    base = {"kind": "text", "answer": "集约型", "hint": "h"}
    keys_file.write_text(json.dumps({
        "1.1": base,
        "1.2": {**base, "examples": {"accept": ["集约型"], "reject": ["粗放型", "可持续性"]}},
        "1.3": {**base, "examples": {"accept": ["集约型", "集约型增长"], "reject": ["粗放型", " 集约型 "]}},
        "1.4": {**base, "examples": ["集约型"]},
        "1.5": {**base, "examples": {"accept": ["集约型", "“集约型”"], "reject": ["粗放型", "集约"]}},
    }), encoding="utf-8")
    problems = "\n".join(validate_keys())
    assert "1.1: missing 'examples'" in problems
    assert "1.2: 'examples.accept' must list at least 2" in problems
    assert '1.3: accept example 2 ("集约型增长") does not pass' in problems
    assert '1.3: reject example 2 (" 集约型 ") passes' in problems
    assert "1.4: 'examples' must be an object" in problems
    assert "1.5" not in problems
    assert _run("1.1", "集约型")[0] is True  # a key whose examples are missing still grades


def test_the_schema_and_the_code_name_the_same_kinds():
    schema = json.loads(keys.schema_path().read_text(encoding="utf-8"))
    assert schema["$defs"]["key"]["properties"]["kind"]["enum"] == list(keys.KINDS)


@pytest.mark.parametrize("key, message", [
    ({"kind": "pid", "hint": "h"}, "missing 'answer'"),
    ({"kind": "essay", "answer": "x", "hint": "h"}, "unknown kind 'essay'"),
    ({"kind": "number", "answer": 3, "hint": "h", "tolerance": -1}, "'tolerance' must be a number >= 0"),
    ({"kind": "choice", "answer": "B", "hint": "h", "options": "abc"}, "'options' must be capital letters"),
    ({"kind": "text", "answer": "x", "hint": "h", "units": "篇"}, "'units' must be a list of strings"),
    ("B", "key must be a JSON object"),
])
def test_a_schema_violation_is_one_line_naming_the_exercise(keys_file, key, message):
    keys_file.write_text(json.dumps({"4.2": key}), encoding="utf-8")
    problems = validate_keys()
    assert problems and all(p.startswith("4.2: ") and "\n" not in p for p in problems), problems
    assert any(message in p for p in problems), problems


def test_answer_key_errors_belong_to_the_family(keys_file):
    keys_file.write_text("[]", encoding="utf-8")
    with pytest.raises(xinzhi.AnswerKeyError, match="JSON object"):
        answer_key("1.1")
    keys_file.write_text("{}", encoding="utf-8")
    keys.reload_keys()
    with pytest.raises(xinzhi.LookupFailed, match="no answer key '1.1'"):
        answer_key("1.1")
