"""``xinzhi grade`` (``xinzhi.grading``): a class of submissions, every awkward file a
course platform delivers, graded once; every input file ends in the gradebook or in
problems.csv, nothing crashes."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from xinzhi import cli, grading

IMPORT = "from xinzhi.exercises import check"


def notebook_node(*cells: str, title: str = "# 第1章", stored: str | None = None):
    """A notebook with these code cells; ``stored`` is an output left in the last one."""
    nb = new_notebook(cells=[new_markdown_cell(title), new_code_cell(IMPORT),
                             *[new_code_cell(source) for source in cells]])
    if stored:
        nb.cells[-1].outputs = [new_output("stream", name="stdout", text=stored)]
    return nb


def notebook(*cells: str, title: str = "# 第1章", stored: str | None = None) -> str:
    return nbformat.writes(notebook_node(*cells, title=title, stored=stored))


def export(answers: dict, version: int = 1, book_version: str = "0.1.0") -> str:
    return json.dumps({
        "format": "xinzhi-answers", "version": version, "book": "新质生产力研读",
        "book_version": book_version, "exported": "2026-12-01T10:00:00Z",
        "answers": {eid: {"answer": a, "verdict": "right", "checked": "2026-12-01T09:00:00Z"}
                    for eid, a in answers.items()},
        "notes": {},
    }, ensure_ascii=False)


#: student -> {file name: text}; what each case must become is asserted below.
CLASS = {
    "张三": {  # right, wrong, computed by code; a stored output that says otherwise is ignored
        "01_语料初探.ipynb": notebook('answer = 4 + 1\ncheck("1.1", answer)', 'answer = 99\ncheck("1.2", answer)',
                                     stored="✅ 正确！"),
    },
    "李四": {"answers.json": export({"2.1": "全要素生产率大幅提升", "1.1": "3"})},
    "王五": {},
    "赵六": {  # a cell that raises, then an exercise that still runs
        "01.ipynb": notebook("1 / 0", 'answer = 5\ncheck("1.1", answer)'),
    },
    "钱七": {"01.ipynb": notebook("while True:\n    pass", 'check("1.1", 5)')},  # never ends
    "孙八": {  # exercise cells deleted and reordered
        "01.ipynb": notebook('check("1.2", 4)', 'check("1.1", 5)'),
    },
    "周九": {"03_哲学维度.ipynb": notebook('check("2.1", "全要素生产率大幅提升")', title="# 第2章")},  # another chapter
    "吴十": {  # two copies of one chapter: the newer is graded
        "old/01.ipynb": notebook('check("1.1", 1)'),
        "01.ipynb": notebook('check("1.1", 5)'),
    },
    "郑一": {"01.ipynb": notebook('print("x" * 5_000_000)', 'check("1.1", 5)')},  # a huge output
    "冯二": {
        "newer.json": export({"1.1": "5"}, version=2),
        "older.json": export({"1.1": "5", "9.9": "x"}, book_version="0.0.9"),
        "bad.json": "{not json",
        "empty.ipynb": "",
        "notes.txt": "我的笔记",
        "not-a-notebook.ipynb": "这不是笔记本",
        ".DS_Store": "x",
    },
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, Path, grading.Gradebook]:
    root = tmp_path_factory.mktemp("grade")
    submissions, out = root / "submissions", root / "out"
    for student, files in CLASS.items():
        folder = submissions / student
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    old = submissions / "吴十" / "old" / "01.ipynb"
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    (submissions / "README.txt").write_text("stray", encoding="utf-8")
    book = grading.grade_folder(submissions, timeout=5, workers=2)
    grading.write_gradebook(book, out)
    return submissions, out, book


def problems(out: Path) -> dict[str, str]:
    with open(out / "problems.csv", encoding="utf-8-sig") as f:
        return {row["文件"] or row["学生"]: row["原因"] for row in csv.DictReader(f)}


@pytest.mark.slow
def test_every_input_file_is_graded_or_a_problem(graded):
    submissions, out, book = graded
    inputs = {str(p.relative_to(submissions)) for p in submissions.rglob("*") if p.is_file()}
    accounted = {f for files in book.graded_files.values() for f in files} | {p.file for p in book.problems if p.file}
    assert inputs == accounted
    assert "王五" in problems(out) and "folder is empty" in problems(out)["王五"]


@pytest.mark.slow
def test_answers_are_computed_again_and_checked_with_the_full_keys(graded):
    _, out, book = graded
    assert book.state("张三", "1.1") == "right" and book.state("张三", "1.2") == "wrong"
    assert book.state("张三", "1.3") == "missing"  # not in the notebook: not submitted
    assert book.state("李四", "2.1") == "right" and book.state("李四", "1.1") == "wrong"
    assert book.state("王五", "1.1") == "missing"
    assert book.state("孙八", "1.1") == "right" and book.state("孙八", "1.2") == "right"
    assert book.state("周九", "2.1") == "right"
    assert book.state("郑一", "1.1") == "right"


@pytest.mark.slow
def test_a_cell_that_raises_is_reported_and_the_rest_still_graded(graded):
    _, out, book = graded
    assert book.state("赵六", "1.1") == "right"
    feedback = (out / "feedback" / "赵六.md").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in feedback


@pytest.mark.slow
def test_bad_files_are_problems_with_reasons(graded):
    _, out, book = graded
    found = problems(out)
    assert "did not finish within 5 s" in found[str(Path("钱七", "01.ipynb"))]
    assert book.state("钱七", "1.1") == "missing"
    assert "newer" in found[str(Path("吴十", "old", "01.ipynb"))]
    assert book.state("吴十", "1.1") == "right"
    assert "version 2, newer than this xinzhi reads" in found[str(Path("冯二", "newer.json"))]
    assert "not JSON" in found[str(Path("冯二", "bad.json"))]
    assert "empty" in found[str(Path("冯二", "empty.ipynb"))]
    assert "neither a notebook" in found[str(Path("冯二", "notes.txt"))]
    assert found[str(Path("冯二", "not-a-notebook.ipynb"))]  # the notebook reader's one-line message
    assert "not a submission" in found[str(Path("冯二", ".DS_Store"))]
    assert "student's folder" in found["README.txt"]
    assert book.state("冯二", "1.1") == "right"  # the older book version's export still counts
    feedback = (out / "feedback" / "冯二.md").read_text(encoding="utf-8")
    assert "练习 9.9 不在本书当前版本" in feedback  # an exercise it does not know is said, not dropped


@pytest.mark.slow
def test_the_gradebook_in_csv_and_excel_keeps_the_chinese_names(graded):
    from openpyxl import load_workbook

    _, out, book = graded
    with open(out / "gradebook.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header[0] == "学生" and "练习 1.1" in header and header[-1] == "答对合计"
    by_student = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert sorted(by_student) == sorted(CLASS)
    assert by_student["张三"]["练习 1.1"] == "对" and by_student["张三"]["练习 1.2"] == "错"
    assert by_student["王五"]["练习 1.1"] == "未提交" and by_student["张三"]["第 1 章答对"] == "1"
    sheet = load_workbook(out / "gradebook.xlsx").active
    excel = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert excel[0] == header and sorted(r[0] for r in excel[1:]) == sorted(CLASS)


@pytest.mark.slow
def test_feedback_and_summary_for_the_teacher(graded):
    _, out, book = graded
    text = (out / "feedback" / "张三.md").read_text(encoding="utf-8")
    assert "练习 1.1**：对" in text and "练习 1.2**：错" in text and "提示" in text
    assert (out / "feedback" / "张三.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with open(out / "summary.csv", encoding="utf-8-sig") as f:
        summary = {row["练习"]: row for row in csv.DictReader(f)}
    assert summary["1.2"]["答对"] == "1" and int(summary["1.1"]["提交"]) >= 7
    assert (out / "summary.png").stat().st_size > 5_000


def test_the_command_says_what_is_wrong_in_one_line(tmp_path, capsys):
    assert cli.main(["grade", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("xinzhi: error:") and "no such folder" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    assert cli.main(["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--timeout", "0"]) == 2


def test_the_exercises_of_a_notebook_are_read_from_its_check_calls():
    nb = notebook_node('check("1.2", 4)', "x = 1", "check('1.1', 5)\ncheck(\"1.2\", 3)")
    assert grading.exercise_ids_in(nb) == ["1.2", "1.1"]
