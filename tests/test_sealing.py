"""xinzhi.sealing: sealed keys give the verdicts of the clear keys and hold no answer;
the graded handouts carry them.

The parity test runs :func:`xinzhi.check` with the clear keys and with the same keys
sealed on every key's examples (as written in ``answers.json`` and as the page sends
them), thousands of generated answers and numbers at the edges of each tolerance.  The
only allowed difference: a sealed key does not say 偏大了/偏小了 for a wrong number.
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import pytest

import xinzhi
from xinzhi import keys, practice, sealing
from xinzhi.answers import text_form
from xinzhi.exercises import MESSAGES
from xinzhi.keys import answer_key, exercise_ids

import _envs as envs
from _answers import page_cases
from _browser import ROOT

#: What a sealed key may show besides its digests.
READABLE = {"kind", "hint", "units", "options", "tolerance", "rel_tolerance", "sealed"}


def _clear_keys() -> dict:
    return json.loads((ROOT / "lib/xinzhi/data/answers.json").read_text(encoding="utf-8"))


@pytest.fixture
def sealed_keys(tmp_path, monkeypatch):
    """The book's keys sealed, read by xinzhi.keys instead of the clear ones."""
    path = tmp_path / sealing.SEALED_NAME
    path.write_text(json.dumps(sealing.seal_keys(_clear_keys(), salt="test"), ensure_ascii=False),
                    encoding="utf-8")
    monkeypatch.setattr(keys, "keys_path", lambda: path)
    keys.reload_keys()
    yield path
    keys.reload_keys()


def _python_examples(eid: str) -> list[object]:
    """A key's examples as written in answers.json (lists, dicts, numbers, strings)."""
    key = answer_key(eid)
    return key["examples"]["accept"] + key["examples"]["reject"]


def _edge_numbers(eid: str) -> list[float]:
    """Numbers at and around the edges of a number key's tolerance."""
    key = answer_key(eid)
    target = float(key["answer"])
    width = sealing.tolerance(key, target)
    out = []
    for edge in (target - width, target + width):
        out += [edge, math.nextafter(edge, math.inf), math.nextafter(edge, -math.inf),
                edge * (1 + 1e-12), edge * (1 - 1e-12)]
    return out + [target, target + width / 2, -target, target * 10, math.inf, 1e300, -0.0]


def _cases() -> list[tuple[str, object]]:
    cases, _ = page_cases()
    answers = [(eid, practice.from_page(answer)) for eid, answer in cases]
    for eid in exercise_ids():
        answers += [(eid, example) for example in _python_examples(eid)]
        if answer_key(eid)["kind"] == "number":
            answers += [(eid, number) for number in _edge_numbers(eid)]
    return answers


def _without_direction(eid: str, lines: list[str]) -> list[str]:
    """What a sealed key says where the clear key says 偏大了/偏小了."""
    if answer_key(eid)["kind"] != "number":
        return lines
    told = [MESSAGES["wrong"] + MESSAGES[way] + MESSAGES["detail_end"] for way in ("too_big", "too_small")]
    return [MESSAGES["wrong"] if line in told else line for line in lines]


@pytest.mark.slow
def test_sealed_keys_give_the_verdicts_of_the_clear_keys(request):
    cases = _cases()
    clear = [(v.kind, _without_direction(eid, list(v.lines)))
             for eid, v in ((eid, xinzhi.check(eid, answer)) for eid, answer in cases)]
    request.getfixturevalue("sealed_keys")
    assert keys.keys_path().name == sealing.SEALED_NAME and keys.validate_keys() == []
    sealed = [(v.kind, list(v.lines)) for v in (xinzhi.check(eid, answer) for eid, answer in cases)]
    differences = [(eid, answer, c, s) for (eid, answer), c, s in zip(cases, clear, sealed) if c != s]
    shown = "\n".join(f"{eid} {answer!r}: clear {c} / sealed {s}" for eid, answer, c, s in differences[:10])
    assert not differences, f"{len(differences)} of {len(cases)} verdicts differ:\n{shown}"
    kinds = {kind for kind, _ in sealed}
    assert {"right", "wrong", "blank"} <= kinds
    assert len(cases) > 30_000


def _readable_strings(key: dict) -> set[str]:
    """The answer's strings of a clear key that a sealed file must not show."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            if len(text_form(value)) >= 2 and not value.isascii():
                found.add(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    for field in ("answer", "accept", "frame", "examples", "explanation", "note"):
        walk(key.get(field))
    return found


def test_a_sealed_key_holds_no_answer():
    clear = _clear_keys()
    sealed = sealing.seal_keys(clear, salt="test")
    assert sealed["format"] == sealing.SEALED_FORMAT and set(sealed["keys"]) == set(clear)
    for eid, key in sealed["keys"].items():
        assert set(key) <= READABLE, f"{eid}: {set(key) - READABLE}"
        text = json.dumps(key, ensure_ascii=False)
        leaked = [s for s in _readable_strings(clear[eid]) if s in text and s not in clear[eid]["hint"]]
        assert not leaked, f"{eid}: the sealed key shows {leaked}"
        assert sealing.sealed_key_problems(key) == []


def test_the_explanation_is_shown_only_after_a_right_answer(sealed_keys):
    right, wrong = xinzhi.check("2.1", "全要素生产率大幅提升"), xinzhi.check("2.1", "劳动生产率")
    assert right.ok and right.text == "✅ 正确！" + _clear_keys()["2.1"]["explanation"]
    assert not wrong.ok and _clear_keys()["2.1"]["explanation"] not in wrong.text
    # half a set does not unlock it: every item's secret is needed
    view = sealing.key_view(keys._load()[0]["3.5"])
    assert ("form", "毛泽东") in view.items[1] and view.explanation() is None


def test_salts_differ_between_exercises_and_builds():
    key = _clear_keys()["2.1"]
    a, b = sealing.seal_key("2.1", key, "one"), sealing.seal_key("2.1", key, "two")
    c = sealing.seal_key("2.2", key, "one")
    digests = [set(k["sealed"]["items"][0]["accepts"]) for k in (a, b, c)]
    assert not (digests[0] & digests[1]) and not (digests[0] & digests[2])


@pytest.mark.parametrize("change, message", [
    (lambda k: k["sealed"].pop("salt"), "'sealed.salt'"),
    (lambda k: k["sealed"]["items"][0]["accepts"].update({"xyz": "00"}), "'sealed.items'"),
    (lambda k: k["sealed"].pop("explanation_check"), "go together"),
    (lambda k: k.update(kind="essay"), "unknown kind"),
    (lambda k: k.pop("hint"), "missing 'hint'"),
])
def test_a_broken_sealed_key_is_reported_and_not_used(keys_file, change, message):
    sealed = sealing.seal_keys({"2.1": _clear_keys()["2.1"]}, salt="test")
    change(sealed["keys"]["2.1"])
    keys_file.write_text(json.dumps(sealed, ensure_ascii=False), encoding="utf-8")
    problems = keys.validate_keys()
    assert problems and all(p.startswith("2.1: ") for p in problems) and message in problems[0], problems
    verdict = xinzhi.check("2.1", "全要素生产率大幅提升")
    assert not verdict.ok and "答案键有误" in verdict.text


def test_sealed_keys_of_another_version_say_what_to_install(keys_file):
    keys_file.write_text(json.dumps({"format": sealing.SEALED_FORMAT, "version": 99, "keys": {}}), encoding="utf-8")
    assert "version 99" in keys.validate_keys()[0]
    verdict = xinzhi.check("2.1", "x")
    assert not verdict.ok and "答案文件有误" in verdict.text and "wheel" in verdict.text


def test_a_tolerance_too_wide_to_look_up_is_refused():
    key = {"kind": "number", "answer": 1.5, "tolerance": 1000, "hint": "h"}
    with pytest.raises(xinzhi.AnswerKeyError, match="cannot be sealed"):
        sealing.seal_key("9.1", key, "test")


# --- the graded handouts ----------------------------------------------------------------------
CHECK_ALL = """\
import json, sys
from xinzhi import check
from xinzhi.keys import keys_path
cases = json.loads(open(sys.argv[1], encoding="utf-8").read())
out = [[check(eid, answer).kind, list(check(eid, answer).lines)] for eid, answer in cases]
print(json.dumps({"keys": keys_path().name, "verdicts": out}, ensure_ascii=False))
"""


@pytest.mark.slow
def test_the_graded_handouts_check_with_sealed_keys_outside_the_repository(tmp_path_factory, tmp_path):
    import editions

    wheel = envs.built_dist(tmp_path_factory)["wheel"]
    handouts = editions.student_edition(tmp_path / "graded.zip", wheel=wheel, graded=True)
    with zipfile.ZipFile(handouts) as zf:
        zf.extractall(tmp_path / "unzipped")
        readme = zf.read("xinzhi-student/README.txt").decode("utf-8")
    folder = tmp_path / "unzipped" / "xinzhi-student"
    (graded,) = folder.glob("*.whl")
    assert "+graded-" in graded.name and "计分版" in readme and f"pip install {graded.name}" in readme
    with zipfile.ZipFile(graded) as zf:
        names = zf.namelist()
        assert "xinzhi/data/answers.json" not in names and f"xinzhi/data/{sealing.SEALED_NAME}" in names
        contents = b"".join(zf.read(n) for n in names).decode("utf-8", errors="replace")
    explanations = {eid: key["explanation"][:40] for eid, key in _clear_keys().items()
                    if "explanation" in key and not eid.startswith("demo.")}  # demo keys: in the docs
    assert [eid for eid, text in explanations.items() if text in contents] == []
    assert sorted(p.name for p in folder.glob("*.ipynb")) == [p.name for p in editions.chapter_notebooks()]

    env = envs.new_env(tmp_path / "env")
    env.run("-m", "pip", "install", "--quiet", graded.name, cwd=folder)
    cases = [(eid, example) for eid in exercise_ids() for example in _python_examples(eid)]
    (tmp_path / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "check_all.py").write_text(CHECK_ALL, encoding="utf-8")
    result = json.loads(env.run(str(tmp_path / "check_all.py"), str(tmp_path / "cases.json")).stdout)
    assert result["keys"] == sealing.SEALED_NAME
    expected = [[v.kind, _without_direction(eid, list(v.lines))]
                for eid, v in ((eid, xinzhi.check(eid, answer)) for eid, answer in cases)]
    assert result["verdicts"] == expected

    nb, probe = env.run_notebook(folder / "02_核心概念.ipynb")
    assert Path(probe["xinzhi"]).resolve().is_relative_to(env.site_packages.resolve())
    assert envs.output_problems(nb) == []
