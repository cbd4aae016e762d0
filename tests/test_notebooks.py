"""The study notebooks: quotations, exercises, structure, clean outputs and coverage.

nbval (run by `make test` on notebooks/) proves the committed outputs reproduce; these
tests read the committed notebooks and hold them to the project's rules.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import xinzhi
from xinzhi import citations
from xinzhi.conventions import cell_source, cell_tags, markdown_cells, read_notebook
from xinzhi.keys import answer_key

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ANSWERS = json.loads((ROOT / "lib/xinzhi/data/answers.json").read_text(encoding="utf-8"))
CHAPTERS = [f"{n:02d}" for n in range(9)]
NOISE = re.compile(
    r"Glyph \d+ .*missing|missing from (current )?font|Traceback \(most recent call last\)|"
    r"Building prefix dict|Loading model cost|Prefix dict has been built|Dumping model|"
    r"Warning:|DeprecationWarning|FutureWarning|UserWarning|SyntaxWarning|RuntimeWarning"
)
CHECK_CALL = re.compile(r"""check\(\s*["']([^"']+)["']""")
EXERCISE_HEADING = re.compile(r"^#{2,4}\s*练习\s*(\d+)\.(\d+)", re.M)


def load(path: Path):
    return read_notebook(path)


def tags(cell) -> set[str]:
    return set(cell_tags(cell))


def output_text(output: dict) -> str:
    text = output.get("text", "")
    text = text if isinstance(text, str) else "".join(text)
    for key in ("text/plain", "text/html", "text/markdown"):
        value = output.get("data", {}).get(key, "")
        text += value if isinstance(value, str) else "".join(value)
    return text


def test_the_sequence_is_complete_and_numbered_in_reading_order():
    assert [p.name[:2] for p in NOTEBOOKS] == CHAPTERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_blockquote_is_a_verbatim_cited_quotation(path, corpus):
    problems = []
    for index, text in markdown_cells(path):
        for quote in citations.blockquotes(text):
            problems += [f"cell {index}: {p}" for p in citations.check_quotation(corpus, quote)]
    assert problems == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cited_pid_exists(path, corpus):
    cites = citations.notebook_citations([path])
    assert sorted(set(cites.pid) - set(corpus.pids)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_structure(path):
    nb = load(path)
    markdown = "\n".join(cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    first = cell_source(nb["cells"][0])
    assert first.startswith("# "), "the first cell is the chapter title"
    for needle in ("学习目标", "预计用时", "## Abstract", "讨论题", "小结", "术语"):
        assert needle in markdown, f"{path.name} lacks {needle}"
    abstract = markdown.split("## Abstract", 1)[1].split("\n#", 1)[0]
    assert len(re.findall(r"[A-Za-z]+", abstract)) >= 50, "the English abstract is too short"
    glossary = markdown.rsplit("术语", 1)[1]
    assert re.search(r"\|\s*术语\s*\|\s*拼音\s*\|\s*English\s*\|", markdown), "glossary table"
    assert glossary.count("|") >= 8
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercises_have_checks_and_solutions(path):
    chapter = int(path.name[:2])
    nb = load(path)
    cells = nb["cells"]
    headings = [
        (i, f"{m.group(1)}.{m.group(2)}")
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown"
        for m in [EXERCISE_HEADING.search(cell_source(c))]
        if m
    ]
    ids = [ex for _, ex in headings]
    assert len(ids) >= 5, f"{path.name} has {len(ids)} exercises"
    assert len(set(ids)) == len(ids)
    assert all(ex.split(".")[0] == str(chapter) for ex in ids)
    bounds = [i for i, _ in headings] + [len(cells)]
    for (start, ex), end in zip(headings, bounds[1:]):
        block = cells[start:end]
        assert "exercise" in tags(block[0]), f"{ex}: heading not tagged exercise"
        solutions = [c for c in block if "solution" in tags(c)]
        assert solutions, f"{ex} has no solution cell"
        checked = [c for c in block if c["cell_type"] == "code" and "exercise" in tags(c)]
        for cell in checked:
            assert CHECK_CALL.findall(cell_source(cell)) == [ex], f"{ex}: the answer cell checks {ex}"
            shown = "".join(output_text(o) for o in cell.get("outputs", []))
            assert "尚未作答" in shown, f"{ex}: a blank answer should say 尚未作答"
        for cell in solutions:
            if cell["cell_type"] != "code":
                continue
            assert CHECK_CALL.findall(cell_source(cell)) == [ex]
            shown = "".join(output_text(o) for o in cell.get("outputs", []))
            assert "✅" in shown, f"{ex}: the solution does not pass its checker"
        if checked:
            assert any(c["cell_type"] == "code" for c in solutions), f"{ex}: code solution"


def _first_code_cell(path: Path) -> dict:
    return next(c for c in load(path)["cells"] if c["cell_type"] == "code")


def test_every_chapter_opens_with_the_same_install_cell():
    """A chapter opened alone (Colab, a JupyterHub, a download) installs its helper first;
    where xinzhi imports, the cell does nothing and shows nothing."""
    import tomllib

    dist = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    cells = [_first_code_cell(path) for path in NOTEBOOKS]
    first = cell_source(cells[0])
    assert all(cell_source(c) == first for c in cells), "the install cells differ between chapters"
    lines = first.splitlines()
    assert lines[:2] == ["try:", "    import xinzhi"]
    assert lines[2].startswith("except ModuleNotFoundError:")
    assert lines[3].split()[:2] == ["%pip", "install"] and lines[3].split()[-1] == dist
    assert "--quiet" in lines[3] and lines[4] == "    import xinzhi"
    assert all(c.get("outputs") == [] for c in cells), "the install cell printed something"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_shows_one_verdict_and_nothing_else(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "code" or not CHECK_CALL.search(cell_source(cell)):
            continue
        outputs = cell.get("outputs", [])
        shown = [o for o in outputs if o["output_type"] in ("execute_result", "display_data")]
        assert len(shown) == 1, f"{len(shown)} results shown: {cell_source(cell)[:60]}"
        assert "xinzhi-verdict" in "".join(shown[0]["data"].get("text/html", "")), cell_source(cell)[:60]
        for output in outputs:  # a solution may print its working, never a bare verdict
            lines = output_text(output).splitlines()
            assert not {"True", "False"} & set(lines), cell_source(cell)[:60]


def test_every_checked_exercise_has_a_key_and_every_key_is_used():
    used = set()
    for path in NOTEBOOKS:
        for cell in load(path)["cells"]:
            if cell["cell_type"] == "code":
                used |= set(CHECK_CALL.findall(cell_source(cell)))
    keys = {k for k in ANSWERS if not k.startswith("demo.")}
    assert sorted(used - keys) == [], "check() ids without an answer key"
    assert sorted(keys - used) == [], "answer keys no notebook uses"
    for ex in used:
        assert answer_key(ex)["kind"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_executed_and_clean(path):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code" and cell_source(c).strip()]
    assert code and all(c.get("execution_count") for c in code), "run every cell, then commit"
    counts = [c["execution_count"] for c in code]
    assert counts == sorted(counts), "cells were run out of order"
    for cell in code:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", cell_source(cell)[:60]
            assert output.get("name") != "stderr", cell_source(cell)[:60]
            assert not NOISE.search(output_text(output)), cell_source(cell)[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_have_chinese_captions(path):
    cells = load(path)["cells"]
    for i, cell in enumerate(cells):
        has_image = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        if has_image:
            follow = cell_source(cells[i + 1]) if i + 1 < len(cells) else ""
            assert cells[i + 1]["cell_type"] == "markdown" and re.search(r"[\u4e00-\u9fff]", follow), \
                f"cell {i}: a figure needs a caption in the next Markdown cell"


def test_coverage_of_the_essays(corpus, capsys):
    table = citations.coverage(corpus, NOTEBOOKS)
    touched = table[(table.quoted + table.cited) > 0]
    share = len(touched) / len(table)
    untouched = table.loc[(table.quoted + table.cited) == 0, "pid"].tolist()
    with capsys.disabled():
        print(f"\ncoverage: {len(touched)}/{len(table)} paragraphs ({share:.0%}) quoted or cited;"
              f" quoted {int((table.quoted > 0).sum())}; never touched: {untouched}")
    assert share >= 0.8
    by_essay = touched.groupby("essay").size()
    assert set(by_essay.index) == set(range(1, 9)), "every essay is taught"
    sections = corpus.paragraphs.assign(hit=corpus.paragraphs.pid.isin(touched.pid))
    untaught = sections.groupby(["essay", "section"]).hit.any()
    assert untaught.all(), f"sections never taught: {untaught[~untaught].index.tolist()}"
