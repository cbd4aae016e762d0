"""Grade a class's submissions: handout notebooks and web-page exports (``xinzhi grade``).

A submissions folder holds one folder per student, as course platforms deliver them; in
each, that student's chapter notebooks (``.ipynb``) and/or the JSON files that the book's
page 我的进度 exports.  :func:`grade_folder` grades them all with the full answer keys and
writes, into an output folder:

* ``gradebook.csv`` (UTF-8 with a byte-order mark, so Excel reads the Chinese) and
  ``gradebook.xlsx``: one row per student, one column per checkable exercise (对, 错,
  未作答, 未提交), the number right per chapter and in all;
* ``feedback/<student>.md`` and ``.html``: each exercise's verdict and hint, in Chinese;
* ``summary.csv``, ``summary.md`` and ``summary.png``: each exercise's success rate, so the
  teacher sees what to revisit;
* ``problems.csv``: every file that was not graded, and why.

Every file of the submissions folder ends in the gradebook or in ``problems.csv``.

Notebooks are run again, top to bottom, each in a kernel of its own process with a time
limit per cell, several at once (one per core, from threads of this process): an answer computed by code is computed
again, never read from the outputs stored in the file.  Each ``check(...)`` call in the run
is recorded (the run's ``xinzhi.exercises.check`` records the verdict of the real one).
Like every grader that runs students' code (nbgrader, otter-grader), this trusts the code
not to attack the machine or the recorder: run it in an account or container of its own.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ArgumentError, ExportError, NotebookError

__all__ = ["STATES", "Outcome", "Problem", "Gradebook", "grade_folder", "grade_notebook", "write_gradebook"]

#: What a gradebook cell says.
STATES = {"right": "对", "wrong": "错", "blank": "未作答", "error": "无法检查", "missing": "未提交"}
#: Files a computer or a platform adds that are no one's submission.
SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")
_CHECK_CALL = re.compile(r"""check\(\s*["'](\d+\.\d+)["']""")


@dataclass(frozen=True)
class Outcome:
    """One exercise of one student: the verdict (a key of :data:`STATES`), its feedback
    lines, and the file it comes from."""

    exercise: str
    kind: str
    lines: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Problem:
    student: str
    file: str
    reason: str


@dataclass
class Gradebook:
    students: list[str]
    exercises: list[str]
    outcomes: dict[str, dict[str, Outcome]] = field(default_factory=dict)  #: student -> exercise -> outcome
    problems: list[Problem] = field(default_factory=list)
    graded_files: dict[str, list[str]] = field(default_factory=dict)  #: student -> files graded
    notes: dict[str, list[str]] = field(default_factory=dict)  #: student -> remarks for the feedback

    def state(self, student: str, exercise: str) -> str:
        outcome = self.outcomes.get(student, {}).get(exercise)
        return outcome.kind if outcome else "missing"


# --- one notebook, in a process of its own ----------------------------------------------

_RECORDER = '''\
import json as _xz_json
import xinzhi.exercises as _xz_exercises
_xz_check = _xz_exercises.check
def _xz_recording_check(exercise_id, answer):
    verdict = _xz_check(exercise_id, answer)
    with open({record!r}, "a", encoding="utf-8") as _xz_file:
        _xz_file.write(_xz_json.dumps({{"exercise": str(exercise_id), "kind": verdict.kind,
                                        "lines": list(verdict.lines)}}, ensure_ascii=False) + "\\n")
    return verdict
_xz_exercises.check = _xz_recording_check
'''


def exercise_ids_in(nb) -> list[str]:
    """The exercises a notebook's code cells check, in order of first appearance."""
    found: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for eid in _CHECK_CALL.findall(cell.source):
                if eid not in found:
                    found.append(eid)
    return found


def _run(path: Path, timeout: int) -> dict:
    """Run the notebook at ``path`` (in this process; :func:`grade_notebook` starts one for
    it) and return what its ``check`` calls said, or the reason it could not be graded."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.v4 import new_code_cell
    from traitlets.config import Config

    from .conventions import read_notebook

    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        return {"problem": str(exc)}
    ids = exercise_ids_in(nb)
    if not ids:
        return {"problem": "no exercise cell (check(\"N.K\", answer)) in this notebook: is it a chapter of the book?"}
    for cell in nb.cells:  # answers are computed again, never read from stored outputs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with tempfile.TemporaryDirectory(prefix="xinzhi-grade-") as tmp:
        record = Path(tmp) / "record.jsonl"
        nb.cells.insert(0, new_code_cell(_RECORDER.format(record=str(record))))
        ipc = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(tmp, "ipc")}})

        errors: list[str] = []

        def forget_outputs(cell, cell_index, execute_reply):  # a huge output costs no memory
            errors.extend(f"单元格 {cell_index} 出错：{out.get('ename', '')}: {out.get('evalue', '')}"[:300]
                          for out in cell.get("outputs", []) if out.get("output_type") == "error")
            cell.outputs = []

        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", config=ipc, allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}},
                                on_cell_executed=forget_outputs)
        failed = None
        try:
            client.execute()
        except CellTimeoutError:
            failed = f"a cell did not finish within {timeout} s; the notebook was not graded (fix the loop, or give more time with --timeout)"
        except DeadKernelError:
            failed = "the kernel died while running the notebook (out of memory?); the notebook was not graded"
        if failed:
            return {"problem": failed}
        calls = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()] if record.exists() else []
    return {"exercises": ids, "calls": calls, "errors": errors}


def grade_notebook(path: Path, timeout: int = 60) -> dict:
    """Run one notebook in a kernel of its own (a new process), each cell limited to
    ``timeout`` seconds; return what its ``check`` calls said (``exercises``, ``calls``,
    ``errors``), or the ``problem`` that kept it from being graded.  Never raises."""
    try:
        return _run(Path(path), timeout)
    except Exception as exc:  # whatever the notebook does, the grader reports it as a problem
        return {"problem": f"the notebook could not be run ({type(exc).__name__}: {str(exc)[:200]})"}


# --- a class -----------------------------------------------------------------------------


def _verdict_rank(kind: str) -> int:
    return {"right": 3, "wrong": 2, "error": 1, "blank": 0}.get(kind, -1)


def grade_folder(submissions: Path, *, timeout: int = 60, workers: int | None = None) -> Gradebook:
    """Grade every student folder of ``submissions`` (see the module's docstring)."""
    from . import __version__ as xinzhi_version
    from .exercises import Verdict, check
    from .keys import exercise_ids
    from .practice import from_page, parse_export

    _require("nbclient", "running the notebooks again")
    root = Path(submissions)
    if not root.is_dir():
        raise ArgumentError(f"{root}: no such folder; give the folder that holds one folder per student")
    ids = [e for e in exercise_ids() if not e.startswith("demo.")]  # the chapters' exercises
    book = Gradebook(students=[], exercises=ids)
    notebooks: list[tuple[str, Path]] = []
    exports: list[tuple[str, Path, dict]] = []
    for entry in sorted(root.iterdir()):
        if not entry.is_dir():
            book.problems.append(Problem("", entry.name, "not in a student's folder: put each student's files in a folder named after the student"))
            continue
        student = entry.name
        book.students.append(student)
        files = sorted(p for p in entry.rglob("*") if p.is_file())
        if not files:
            book.problems.append(Problem(student, "", "the student's folder is empty: nothing was submitted"))
        for path in files:
            name = str(path.relative_to(root))
            if path.name in SYSTEM_FILES or ".ipynb_checkpoints" in path.parts:
                book.problems.append(Problem(student, name, "a file the computer or Jupyter made, not a submission"))
            elif path.stat().st_size == 0:
                book.problems.append(Problem(student, name, "the file is empty"))
            elif path.suffix == ".ipynb":
                notebooks.append((student, path))
            elif path.suffix == ".json":
                try:
                    exports.append((student, path, parse_export(path.read_text(encoding="utf-8"), where=path.name)))
                except (ExportError, UnicodeDecodeError) as exc:
                    book.problems.append(Problem(student, name, str(exc)))
            else:
                book.problems.append(Problem(student, name, "neither a notebook (.ipynb) nor an answer export (.json)"))

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda item: grade_notebook(item[1], timeout), notebooks))

    found: dict[str, list[tuple[str, str, dict[str, Outcome], float]]] = {}  # student -> (chapter, file, outcomes, mtime)
    for (student, path), result in zip(notebooks, results):
        name = str(path.relative_to(root))
        if "problem" in result:
            book.problems.append(Problem(student, name, result["problem"]))
            continue
        outcomes = {eid: Outcome(eid, "blank", ("尚未作答：这道练习的单元格没有运行到 check。",), path.name)
                    for eid in result["exercises"] if eid in ids}
        for call in result["calls"]:
            if call["exercise"] in ids:
                outcomes[call["exercise"]] = Outcome(call["exercise"], call["kind"], tuple(call["lines"]), path.name)
        chapter = Counter(e.split(".")[0] for e in result["exercises"]).most_common(1)[0][0]
        found.setdefault(student, []).append((chapter, name, outcomes, path.stat().st_mtime))
        book.notes.setdefault(student, []).extend(f"{path.name}：{e}" for e in result["errors"])
    for student, items in found.items():
        newest: dict[str, tuple] = {}
        for item in sorted(items, key=lambda i: i[3]):
            if item[0] in newest:
                book.problems.append(Problem(student, newest[item[0]][1],
                                             f"another copy of chapter {item[0]} is newer ({item[1]}); that one was graded"))
            newest[item[0]] = item
        for chapter, name, outcomes, _ in newest.values():
            book.graded_files.setdefault(student, []).append(name)
            _merge(book, student, outcomes)
    seen: dict[tuple[str, str], Verdict] = {}  # a class gives many identical answers
    for student, path, export in exports:
        outcomes = {}
        unknown = sorted(e for e in export["answers"] if e not in ids and not e.startswith("demo."))
        if unknown:  # from another version of the book: said, not dropped silently
            book.notes.setdefault(student, []).append(
                f"{path.name}：练习 {'、'.join(unknown)} 不在本书当前版本（{xinzhi_version}）的练习中，未评阅"
                f"（文件来自第 {export['book_version']} 版）。")
        for eid, entry in export["answers"].items():
            if eid not in ids:
                continue
            given = json.dumps(entry["answer"], ensure_ascii=False, sort_keys=True)
            if (eid, given) not in seen:
                seen[eid, given] = check(eid, from_page(entry["answer"]))
            verdict = seen[eid, given]
            outcomes[eid] = Outcome(eid, verdict.kind, verdict.lines, path.name)
        book.graded_files.setdefault(student, []).append(str(path.relative_to(root)))
        _merge(book, student, outcomes)
    return book


def _merge(book: Gradebook, student: str, outcomes: dict[str, Outcome]) -> None:
    """A student's best verdict of each exercise across the files graded."""
    mine = book.outcomes.setdefault(student, {})
    for eid, outcome in outcomes.items():
        if eid not in mine or _verdict_rank(outcome.kind) > _verdict_rank(mine[eid].kind):
            mine[eid] = outcome


# --- the files the teacher reads -----------------------------------------------------------


def _chapters(ids: list[str]) -> list[str]:
    return sorted({e.split(".")[0] for e in ids}, key=int)


def gradebook_rows(book: Gradebook) -> tuple[list[str], list[list[object]]]:
    chapters = _chapters(book.exercises)
    header = ["学生", *[f"练习 {e}" for e in book.exercises], *[f"第 {c} 章答对" for c in chapters], "答对合计"]
    rows = []
    for student in book.students:
        states = [book.state(student, e) for e in book.exercises]
        per_chapter = [sum(1 for e, s in zip(book.exercises, states) if s == "right" and e.split(".")[0] == c)
                       for c in chapters]
        rows.append([student, *[STATES[s] for s in states], *per_chapter, sum(per_chapter)])
    return header, rows


def _feedback(book: Gradebook, student: str) -> tuple[str, list[tuple[str, list]], list[str]]:
    """What a student's feedback says: the files graded; per chapter with an answer, the
    number right and each exercise's (id, state, feedback lines); the remarks."""
    files = book.graded_files.get(student, [])
    graded = "评阅的文件：" + ("、".join(Path(f).name for f in files) if files else "（没有可以评阅的文件）")
    chapters = []
    for chapter in _chapters(book.exercises):
        ids = [e for e in book.exercises if e.split(".")[0] == chapter]
        mine = [book.outcomes.get(student, {}).get(e) for e in ids]
        if any(mine):
            rows = [(eid, STATES[o.kind if o else "missing"], list(o.lines) if o else []) for eid, o in zip(ids, mine)]
            right = sum(1 for o in mine if o and o.kind == "right")
            chapters.append((f"第 {chapter} 章（答对 {right} / {len(ids)}）", rows))
    return graded, chapters, book.notes.get(student, [])


def feedback_markdown(book: Gradebook, student: str) -> str:
    graded, chapters, notes = _feedback(book, student)
    lines = [f"# 练习反馈：{student}", "", graded, ""]
    for heading, rows in chapters:
        lines += [f"## {heading}", ""]
        for eid, state, feedback in rows:
            lines += [f"- **练习 {eid}**：{state}", *[f"  - {text}" for text in feedback]]
        lines.append("")
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines).rstrip() + "\n"


def feedback_html(book: Gradebook, student: str) -> str:
    """The feedback as a web page: the same content as :func:`feedback_markdown`."""
    from html import escape

    graded, chapters, notes = _feedback(book, student)
    body = [f"<h1>练习反馈：{escape(student)}</h1>", f"<p>{escape(graded)}</p>"]
    for heading, rows in chapters:
        body.append(f"<h2>{escape(heading)}</h2><ul>")
        for eid, state, feedback in rows:
            inner = "".join(f"<li>{escape(text)}</li>" for text in feedback)
            body.append(f"<li><strong>练习 {eid}</strong>：{state}" + (f"<ul>{inner}</ul>" if inner else "") + "</li>")
        body.append("</ul>")
    if notes:
        body.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>练习反馈：{escape(student)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>\n'
            + "\n".join(body) + "\n</body></html>\n")


def summary_rows(book: Gradebook) -> list[tuple[str, int, int, float]]:
    """(exercise, right, submitted, rate) for every exercise someone submitted."""
    rows = []
    for eid in book.exercises:
        states = [book.state(s, eid) for s in book.students]
        submitted = sum(1 for s in states if s != "missing")
        if submitted:
            right = sum(1 for s in states if s == "right")
            rows.append((eid, right, submitted, right / submitted))
    return rows


def write_gradebook(book: Gradebook, out: Path) -> list[Path]:
    """Write every file of the module's docstring into ``out``; return their paths."""
    _require("openpyxl", "the Excel gradebook")  # before any file is written
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    written = []
    header, rows = gradebook_rows(book)
    with open(out / "gradebook.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    written.append(out / "gradebook.csv")
    written.append(_xlsx(out / "gradebook.xlsx", header, rows))
    for student in book.students:
        text = feedback_markdown(book, student)
        safe = re.sub(r'[\\/:*?"<>|]', "_", student)
        (out / "feedback" / f"{safe}.md").write_text(text, encoding="utf-8")
        page = feedback_html(book, student)
        (out / "feedback" / f"{safe}.html").write_text(page, encoding="utf-8")
        written += [out / "feedback" / f"{safe}.md", out / "feedback" / f"{safe}.html"]
    summary = summary_rows(book)
    with open(out / "summary.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["练习", "答对", "提交", "答对率"],
                                 *[[e, r, n, f"{rate:.2f}"] for e, r, n, rate in summary]])
    lowest = sorted(summary, key=lambda row: row[3])[:10]
    (out / "summary.md").write_text(
        "# 各题答对率\n\n答对率最低的练习（值得在课上再讲）：\n\n| 练习 | 答对 / 提交 | 答对率 |\n|---|---|---|\n"
        + "".join(f"| {e} | {r} / {n} | {rate:.0%} |\n" for e, r, n, rate in lowest)
        + "\n全部练习见 summary.csv，图见 summary.png。\n", encoding="utf-8")
    written += [out / "summary.csv", out / "summary.md", _chart(out / "summary.png", summary)]
    with open(out / "problems.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["学生", "文件", "原因"], *[[p.student, p.file, p.reason] for p in book.problems]])
    written.append(out / "problems.csv")
    return written


def _require(module: str, what: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ArgumentError(f"{what} needs {module}: pip install 'xinzhi-study[grade]'")


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "成绩"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "B2"
    workbook.save(path)
    return path


def _chart(path: Path, summary: list[tuple[str, int, int, float]]) -> Path:
    from matplotlib.figure import Figure  # no pyplot: nothing changes for the caller's plots

    from .style import ensure_setup

    ensure_setup()
    fig = Figure(figsize=(7, max(3.0, 0.22 * len(summary) + 1.2)), layout="constrained")
    ax = fig.subplots()
    ax.barh(range(len(summary)), [rate * 100 for *_, rate in summary], color="#0072B2")
    ax.set_yticks(range(len(summary)), [f"练习 {e}" for e, *_ in summary])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("答对率（%）")
    ax.set_title("各题答对率（按提交的学生计）")
    fig.savefig(path, dpi=120)
    return path
