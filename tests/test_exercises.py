"""xinzhi.exercises: check() never raises, normalises answers, returns stable Chinese feedback shown once."""

from __future__ import annotations

import contextlib
import io
import json
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinzhi import exercises
from xinzhi.exercises import Verdict, answer_key, check, hint, validate_keys

DEMO_IDS = sorted(i for i in exercises.exercise_ids() if i.startswith("demo."))
ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}|object at")


class Hostile:
    """An answer whose every protocol method raises."""

    def __eq__(self, other):
        raise RuntimeError("eq")

    def __ne__(self, other):
        raise RuntimeError("ne")

    def __hash__(self):
        raise RuntimeError("hash")

    def __str__(self):
        raise RuntimeError("str")

    def __repr__(self):
        raise RuntimeError("repr")

    def __iter__(self):
        raise RuntimeError("iter")

    def __len__(self):
        raise RuntimeError("len")

    def __bool__(self):
        raise RuntimeError("bool")

    def __float__(self):
        raise RuntimeError("float")

    def __getattr__(self, name):
        raise RuntimeError(f"getattr {name}")


class HostileStr(str):
    def __str__(self):
        raise RuntimeError("str")

    def strip(self, *args):
        raise RuntimeError("strip")


def _forever():
    while True:
        yield "甲"


def _run(exercise_id, answer) -> tuple[object, str]:
    """The verdict as a bool and the feedback as shown (plain text, one line each)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = check(exercise_id, answer)
    assert printed.getvalue() == "", "check() printed: the feedback is its return value now"
    assert isinstance(result, Verdict)
    return result.ok, result.text + "\n"


# --- the answer keys ---------------------------------------------------------------
def test_answer_keys_are_valid():
    assert validate_keys() == []


def test_answers_json_is_pretty_printed_and_sorted():
    raw = exercises.keys_path().read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_every_kind_has_a_demo_key():
    kinds = {answer_key(i)["kind"] for i in DEMO_IDS}
    assert kinds == set(exercises.KINDS)


def test_answer_key_returns_a_copy():
    key = answer_key("demo.set")
    key["answer"].append("x")
    assert "x" not in answer_key("demo.set")["answer"]
    with pytest.raises(KeyError, match="2.1"):
        answer_key("no.such")


@pytest.mark.parametrize("exercise_id", DEMO_IDS)
def test_demo_key_answer_passes(exercise_id, capsys):
    key = answer_key(exercise_id)
    answer = exercises._canonical(key["kind"], key["answer"])
    ok, out = _run(exercise_id, answer)
    assert ok is True
    assert out.startswith("✅ 正确！")
    assert out.strip().endswith(key.get("explanation", "正确！"))


# --- never raises ------------------------------------------------------------------
_leaves = st.one_of(
    st.none(),
    st.just(...),
    st.booleans(),
    st.integers(),
    # Built lazily: hypothesis reprs its strategies, and a 5000-digit int has no repr.
    st.sampled_from([5000, -5000, 63]).map(lambda e: 2**e if e == 63 else 10 ** abs(e) * (1 if e > 0 else -1)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.complex_numbers(),
    st.text(max_size=20),
    st.sampled_from(["B", "ｂ", "〔3.7〕", "3.7、5.18", "245.2字", "18%", "智能生产力，绿色生产力", "\u3000", "..."]),
    st.binary(max_size=20),
    st.builds(Hostile),
    st.builds(HostileStr, st.text(max_size=5)),
    st.sampled_from([np.int64(3), np.float32("nan"), np.bool_(True), np.str_("B"), np.array([]), np.array([[1, 2]])]),
)
_answers = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), inner, max_size=3),
        st.frozensets(st.one_of(st.text(max_size=3), st.integers()), max_size=3),
        st.lists(inner, max_size=3).map(lambda xs: (x for x in xs)),
        st.lists(st.one_of(st.text(max_size=3), st.integers(), st.floats()), max_size=4).map(pd.Series),
        st.lists(st.text(max_size=3), max_size=3).map(lambda xs: pd.DataFrame({"a": xs})),
    ),
    max_leaves=8,
)
_ids = st.one_of(
    st.sampled_from(DEMO_IDS),
    st.sampled_from(["9.99", " demo.pid ", "", "２.１"]),
    st.builds(Hostile),
    st.floats(),
    st.none(),
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(exercise_id=_ids, answer=_answers)
def test_check_never_raises_and_returns_bool(exercise_id, answer):
    result, out = _run(exercise_id, answer)
    assert type(result) is bool
    assert out.strip()
    assert not ADDRESS.search(out)


@settings(max_examples=150, deadline=None, database=None)
@given(exercise_id=st.sampled_from(DEMO_IDS), answer=_answers)
def test_feedback_is_deterministic(exercise_id, answer):
    if isinstance(answer, type(x for x in ())):
        return  # a generator is consumed by the first check
    first = _run(exercise_id, answer)
    second = _run(exercise_id, answer)
    assert first == second


@pytest.mark.parametrize("exercise_id", DEMO_IDS)
@pytest.mark.parametrize(
    "answer",
    [Hostile(), HostileStr("B"), _forever(), 10**5000, float("nan"), b"\xff\xfe", [[["3.7"]]],
     pd.DataFrame({"a": [1], "b": [2]}), pd.Series(["智能生产力", "绿色生产力"]), object(), print],
    ids=["hostile", "hostile-str", "infinite-generator", "huge-int", "nan", "bad-bytes", "nested",
         "frame", "series", "object", "function"],
)
def test_awkward_answers(exercise_id, answer):
    result, out = _run(exercise_id, answer)
    assert type(result) is bool
    assert not ADDRESS.search(out)


def test_hostile_id_and_broken_stdout(monkeypatch):
    result, out = _run(Hostile(), "B")
    assert result is False and "带引号的字符串" in out

    class BrokenStdout:
        def write(self, text):
            raise OSError("closed")

    monkeypatch.setattr("sys.stdout", BrokenStdout())
    ok, out = _run("demo.choice", "B")
    assert ok is True


# --- blanks and unknown ids --------------------------------------------------------
@pytest.mark.parametrize("blank", [..., None, "", "   ", "\u3000\n", [], (), set(), {}, [..., ...], {"1": ...},
                                   pd.Series([], dtype=object), np.array([]), b""])
def test_blank_answers(blank, capsys):
    ok, out = _run("demo.set", blank)
    assert ok is False
    assert out.startswith("尚未作答")
    assert f"提示：{answer_key('demo.set')['hint']}" in out


def test_blank_template_output_is_exact(capsys):
    ok, out = _run("demo.pid", ...)
    assert out == (
        "尚未作答：把 ... 换成你的答案，再运行这个单元格。\n"
        f"提示：{answer_key('demo.pid')['hint']}\n"
    )


@pytest.mark.parametrize("bad_id", ["9.99", "2-1", "练习2.1", ""])
def test_unknown_id(bad_id, capsys):
    ok, out = _run(bad_id, "B")
    assert ok is False
    assert "没有编号为" in out and 'check("2.1", answer)' in out


def test_id_that_is_not_a_string(capsys):
    ok, out = _run(2.1, "B")
    assert ok is False
    assert '"2.1"' in out


def test_id_spelling_is_normalised(capsys):
    ok, out = _run(" demo.choice ", "B")
    assert ok is True


def test_hint(capsys):
    hint("demo.pids")
    assert capsys.readouterr().out == f"提示：{answer_key('demo.pids')['hint']}\n"
    hint("9.99")
    assert "没有编号为" in capsys.readouterr().out


# --- normalisation -----------------------------------------------------------------
@pytest.mark.parametrize("answer", ["B", "b", "Ｂ", "ｂ", " (B) ", "（Ｂ）", "B。", "「b」", "\u3000B\n"])
def test_choice_normalisation(answer):
    assert _run("demo.choice", answer)[0] is True


@pytest.mark.parametrize(("answer", "detail"), [("A", ""), ("D", "只有 A、B、C"), ("BB", "选项字母"), (2, "选项字母")])
def test_choice_wrong(answer, detail, capsys):
    ok, out = _run("demo.choice", answer)
    assert ok is False
    assert out.startswith("❌ 还不对。") and detail in out and "提示：" in out


@pytest.mark.parametrize("answer", ["新质生产力", "  “新质生产力”。", "新质 生产力", "《新质生产力》",
                                    "new quality productive forces", "ＮＥＷ  Quality\u3000Productive Forces",
                                    "新质\u200b生产力", "新质生产力".encode()])
def test_text_normalisation(answer):
    assert _run("demo.text", answer)[0] is True


def test_text_wrong(capsys):
    ok, out = _run("demo.text", "生产力")
    assert ok is False
    ok, out = _run("demo.text", ["新质生产力"])
    assert ok is False
    assert "文字" in out


@pytest.mark.parametrize(
    "answer",
    [245.2, "245.2", " 245.2 字", "２４５．２", Decimal("245.2"), np.float64(245.2), 245.249, 245.151,
     Fraction(2452, 10), pd.Series([245.2]), np.array([245.2])],
)
def test_number_accepts(answer):
    assert _run("demo.number", answer)[0] is True


@pytest.mark.parametrize(("answer", "detail"),
                         [(245.251, "偏大"), (245.149, "偏小"), pytest.param(10**5000, "偏大", id="huge"),
                          (float("-inf"), "偏小"),
                          (float("nan"), "NaN"), ("二百四十五", "读成一个数"), (True, "读成一个数"),
                          ("245.2 米", "读成一个数"), ([245.2], "读成一个数"), (245.2j, "读成一个数")])
def test_number_rejects(answer, detail, capsys):
    ok, out = _run("demo.number", answer)
    assert ok is False
    assert detail in out


def test_number_tolerance_boundary():
    key = answer_key("demo.number")
    target, tol = key["answer"], key["tolerance"]
    assert _run("demo.number", target + tol * 0.98)[0] is True
    assert _run("demo.number", target - tol * 0.98)[0] is True
    assert _run("demo.number", target + tol * 1.02)[0] is False
    assert _run("demo.number", target - tol * 1.02)[0] is False


def test_number_relative_tolerance_and_units():
    key = answer_key("demo.percent")
    target, rel = key["answer"], key["rel_tolerance"]
    assert _run("demo.percent", "18%")[0] is True
    assert _run("demo.percent", "１８％")[0] is True
    assert _run("demo.percent", target * (1 + rel * 0.9))[0] is True
    assert _run("demo.percent", target * (1 + rel * 1.1))[0] is False


@pytest.mark.parametrize(
    "answer",
    [["智能生产力", "绿色生产力"], ["绿色生产力", "智能生产力"], ("绿色生产力", "智能生产力"),
     {"绿色生产力", "智能生产力"}, "绿色生产力、智能生产力", "智能生产力，绿色生产力", "智能生产力 绿色生产力",
     ["智能生产力", "绿色生产力", "智能生产力"], pd.Series(["绿色生产力", "智能生产力"]),
     pd.DataFrame({"term": ["绿色生产力", "智能生产力"]}), (x for x in ["绿色生产力", "“智能生产力”"])],
)
def test_set_order_and_container_irrelevant(answer):
    assert _run("demo.set", answer)[0] is True


@pytest.mark.parametrize(
    ("answer", "detail"),
    [(["智能生产力"], "少了 1 项"), (["智能生产力", "绿色生产力", "数字生产力"], "多了 1 项"),
     (["智能生产力", "数字生产力"], "少了 1 项，多了 1 项"), (["智能生产力", 3.5j], "有 1 项不是文字"),
     ({"智能生产力": 1}, "列表"), (_forever(), "项目太多")],
)
def test_set_feedback_counts_without_revealing(answer, detail, capsys):
    ok, out = _run("demo.set", answer)
    assert ok is False
    assert detail in out
    assert "绿色生产力" not in out.split("提示：")[0]


def test_sequence(capsys):
    assert _run("demo.sequence", ["5", "4", "8"])[0] is True
    assert _run("demo.sequence", ["第5篇", "第 4 篇", "8"])[0] is True
    assert _run("demo.sequence", "5、4、8")[0] is True
    ok, out = _run("demo.sequence", ["4", "5", "8"])
    assert ok is False
    assert "顺序不对" in out
    ok, out = _run("demo.sequence", ["5", "4"])
    assert ok is False
    assert "应有 3 项" in out
    ok, out = _run("demo.sequence", ["5", "4", "7"])
    assert ok is False
    assert "有 1 项不对" in out


@pytest.mark.parametrize("answer", ["3.7", "〔3.7〕", " 3.7 ", "3．7", "〔３．７〕", (3, 7), [3, 7], "p3-7", 3.7,
                                    (np.int64(3), np.int64(7)), "03.07"])
def test_pid_normalisation(answer):
    assert _run("demo.pid", answer)[0] is True


def test_pid_wrong(capsys):
    ok, out = _run("demo.pid", "3.8")
    assert ok is False
    assert "篇目对了" in out
    ok, out = _run("demo.pid", "三点七")
    assert ok is False
    assert '"E.N"' in out
    ok, out = _run("demo.pid", (3, 7, 1))
    assert ok is False


@pytest.mark.parametrize("answer", [["3.7", "5.18"], ["〔５．１８〕", (3, 7)], "〔3.7〕〔5.18〕", "5.18、3.7",
                                    {"5.18", "3.7"}, pd.Series(["3.7", "5.18"])])
def test_pids(answer):
    assert _run("demo.pids", answer)[0] is True


def test_pids_wrong(capsys):
    ok, out = _run("demo.pids", ["3.7"])
    assert ok is False
    assert "少了 1 项" in out
    ok, out = _run("demo.pids", ["3.7", "5.18", "不是"])
    assert ok is False
    assert "有 1 项不是段落编号" in out
    ok, out = _run("demo.pids", 5.18)  # a float, not a list
    assert ok is False


@pytest.mark.parametrize("answer", [{"1": 2, "2": 5, "3": 9, "4": 14}, {1: 2, 2: 5, 3: 9, 4: 14},
                                    {"１": "2", " 2 ": 5.0, "3": "9页", 4: np.int64(14)},
                                    pd.Series({1: 2, 2: 5, 3: 9, 4: 14})])
def test_mapping(answer):
    assert _run("demo.mapping", answer)[0] is True


@pytest.mark.parametrize(("answer", "detail"),
                         [({1: 2, 2: 5, 3: 9}, "少了 1 个键"), ({1: 2, 2: 5, 3: 9, 4: 14, 5: 21}, "多了 1 个键"),
                          ({1: 2, 2: 5, 3: 9, 4: 15}, "有 1 个值不对"), ([2, 5, 9, 14], "字典")])
def test_mapping_wrong(answer, detail, capsys):
    ok, out = _run("demo.mapping", answer)
    assert ok is False
    assert detail in out


# --- malformed keys ----------------------------------------------------------------
@pytest.fixture
def keys_file(tmp_path, monkeypatch):
    path = tmp_path / "answers.json"
    monkeypatch.setattr(exercises, "keys_path", lambda: path)
    exercises.reload_keys()
    yield path
    exercises.reload_keys()


def test_malformed_keys_are_reported(keys_file, capsys):
    keys_file.write_text(json.dumps({
        "1.1": {"kind": "essay", "answer": "x", "hint": "h"},
        "1.2": {"kind": "text", "hint": "h"},
        "1.3": {"kind": "pid", "answer": "3.5.", "hint": "h"},
        "1.4": {"kind": "number", "answer": 3, "hint": "h", "tolerence": 1},
        "1.5": {"kind": "set", "answer": ["a", "A"], "hint": "h"},
        "1.6": {"kind": "choice", "answer": "B"},
        "bad id": {"kind": "choice", "answer": "B", "hint": "h"},
        "1.7": {"kind": "choice", "answer": "B", "hint": "选 B。"},
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
    exercises.reload_keys()
    assert "cannot read" in validate_keys()[0]
    ok, out = _run("1.1", "B")
    assert ok is False


# --- one verdict, shown once ----------------------------------------------------------
def test_the_verdict_is_truthy_when_right_and_shows_its_feedback_once():
    right, wrong, blank = check("demo.choice", "B"), check("demo.choice", "C"), check("demo.choice", ...)
    assert bool(right) is True and bool(wrong) is False and bool(blank) is False
    assert [right.kind, wrong.kind, blank.kind] == ["right", "wrong", "blank"]
    assert repr(right) == str(right) == right.text and right.text.startswith("✅ 正确！")
    assert "True" not in repr(right) and "False" not in repr(wrong)
    assert check("9.99", "B").kind == "error"


def test_jupyter_shows_the_feedback_as_html_with_a_plain_text_fallback():
    from IPython.core.formatters import DisplayFormatter

    verdict = check("demo.set", ["智能生产力", "<b>"])
    data, _ = DisplayFormatter().format(verdict)
    assert set(data) == {"text/plain", "text/html"}
    assert data["text/plain"] == verdict.text
    assert "True" not in data["text/plain"] and "False" not in data["text/plain"]
    html_text = data["text/html"]
    assert html_text.count("<p") == len(verdict.lines) == 2
    assert "<b>" not in html_text  # the student's text is escaped, never rendered
    for line in verdict.lines:
        assert line.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html_text


def test_an_answer_cell_shows_one_verdict_and_nothing_else(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    cells = [nbformat.v4.new_code_cell("from xinzhi.exercises import check"),
             nbformat.v4.new_code_cell('answer = ...\ncheck("demo.choice", answer)'),
             nbformat.v4.new_code_cell('answer = "B"\ncheck("demo.choice", answer)')]
    nb = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell, start in ((nb.cells[1], "尚未作答"), (nb.cells[2], "✅ 正确！")):
        assert [o.output_type for o in cell.outputs] == ["execute_result"]
        plain = cell.outputs[0].data["text/plain"]
        assert plain.startswith(start) and "True" not in plain and "False" not in plain
        assert "xinzhi-verdict" in cell.outputs[0].data["text/html"]
