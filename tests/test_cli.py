"""The `xinzhi` command: in-process through main(), and the installed console script."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import xinzhi
from xinzhi import analysis
from xinzhi.cli import main
from xinzhi.textwidth import char_width, display_width, wrap_text
from xinzhi.corpus import default_corpus_path


@pytest.fixture(autouse=True)
def narrow_terminal(monkeypatch):
    # shutil.get_terminal_size reads $COLUMNS first: fixed width, whatever runs pytest
    monkeypatch.setenv("COLUMNS", "60")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def script() -> Path:
    """The console script pip installed next to this interpreter."""
    here = Path(sys.executable).parent / "xinzhi"
    found = here if here.is_file() else shutil.which("xinzhi")
    assert found, "the xinzhi console script is not installed; run `make install`"
    return Path(found)


def table_lines(out: str) -> list[str]:
    """The lines of the first table in ``out`` (up to the first blank line)."""
    lines = out.split("\n")
    return lines[: lines.index("")] if "" in lines else lines


def display_slice(line: str, start: int, end: int) -> str:
    """The characters of ``line`` between display columns ``start`` and ``end``."""
    out, col = [], 0
    for ch in line:
        if start <= col < end:
            out.append(ch)
        col += char_width(ch)
    return "".join(out)


def parse_table(out: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a printed table, cut at the columns its dashes line marks."""
    lines = table_lines(out)
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    cut = lambda line: [display_slice(line, s, e).strip() for s, e in spans]  # noqa: E731
    return cut(lines[0]), [cut(line) for line in lines[2:]]


# --- info ---------------------------------------------------------------------------

def toc_pages() -> list[tuple[int, int]]:
    """(number, page) of each table of contents line of the raw file."""
    raw = default_corpus_path().read_text(encoding="utf-8")
    return [(int(n), int(p)) for n, p in re.findall(r"^(\d+)\.{2,}.*?\.{3,}\s*(\d+)\s*$", raw, re.M)]


def test_info_lists_the_eight_essays_with_their_toc_pages(capsys, corpus):
    code, out, err = run(capsys, "info")
    assert code == 0 and err == ""
    headers, rows = parse_table(out)
    assert headers == ["#", "title", "column", "page", "sections", "paras", "han", "min"]
    expected = corpus.essays_table
    assert len(rows) == len(expected) == len(toc_pages()) == 8
    for row, (_, e), (number, page) in zip(rows, expected.iterrows(), toc_pages()):
        assert int(row[0]) == e.essay == number
        assert row[1] == e.title
        assert row[2] == (e.column if isinstance(e.column, str) else "")
        assert int(row[3]) == e.page == page
        assert [int(x) for x in row[4:7]] == [e.sections, e.paragraphs, e.han]
        assert float(row[7]) == pytest.approx(e.minutes, abs=0.05)


def test_info_table_is_aligned_by_display_width(capsys):
    _, out, _ = run(capsys, "info")
    lines = table_lines(out)
    assert len({display_width(line) for line in lines}) == 1
    # the title column holds Chinese, so plain len() would disagree between rows
    assert len({len(line) for line in lines}) > 1
    # each row's page number ends where the header "page" ends
    end = display_width(lines[0][: lines[0].index("page") + 4])
    for line in lines[2:]:
        assert display_slice(line, end - 1, end).isdigit()


# --- show ---------------------------------------------------------------------------

def shown_paragraph(out: str) -> tuple[list[str], list[str]]:
    head, _, body = out.rstrip("\n").partition("\n\n")
    return head.split("\n"), body.split("\n")


@pytest.mark.parametrize("pid", ["3.5", "〔3.5〕", "1.1", "8.11"])
def test_show_prints_the_exact_paragraph_wrapped(capsys, corpus, pid):
    code, out, err = run(capsys, "show", pid)
    assert code == 0 and err == ""
    p = corpus[pid]
    essay = corpus.essay(p.essay)
    head, body = shown_paragraph(out)
    assert head == [f"essay {essay.number}  {essay.title}", f"section  {p.section}"]
    assert "".join(body) == f"{p.text}〔{p.pid}〕"
    assert len(body) > 1  # it was wrapped, and no line is wider than the terminal
    assert all(display_width(line) < 60 for line in body)


def test_show_several_paragraphs_in_the_order_given(capsys, corpus):
    code, out, _ = run(capsys, "show", "8.1", "1.2")
    assert code == 0
    flat = out.replace("\n", "")
    assert flat.index(corpus["8.1"].text) < flat.index(corpus["1.2"].text)


@pytest.mark.parametrize("width", [12, 21, 40, 79])
def test_wrapping_keeps_every_character_and_the_line_breaking_rules(corpus, width):
    for p in corpus:
        lines = wrap_text(p.text, width)
        assert "".join(lines) == p.text
        assert all(display_width(line) <= width for line in lines)
        # closing punctuation never starts a line, an opening quote never ends one
        assert not [line for line in lines[1:] if line[0] in "，。、；：？！）》”"]
        assert not [line for line in lines[:-1] if line.rstrip()[-1] in "“（《"]


# --- kwic, freq, keywords ------------------------------------------------------------

@pytest.mark.parametrize("term, essay", [("卡脖子", None), ("新质生产力", 3), ("生产关系", None)])
def test_kwic_has_one_aligned_row_per_occurrence(capsys, corpus, term, essay):
    argv = ["kwic", term] + (["--essay", str(essay)] if essay else [])
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    lines = table_lines(out)
    expected = sum(p.text.count(term) for p in corpus if essay in (None, p.essay))
    assert expected > 0 and len(lines) == expected + 2
    # the keyword stands in the same display columns on every line, the left context
    # ends right before it and the right context starts right after it
    start = display_width(lines[0][: lines[0].index("term")])
    end = start + display_width(term)
    for line in lines[2:]:
        assert display_slice(line, start, end) == term
    _, rows = parse_table(out)
    squeeze = lambda text: re.sub(r"\s", "", text)  # noqa: E731  (cells are stripped)
    for pid, left, shown, right in rows:
        assert shown == term and (essay is None or corpus[pid].essay == essay)
        assert squeeze(left + term + right) in squeeze(corpus[pid].text)


def test_kwic_width_limits_the_context(capsys):
    _, out, _ = run(capsys, "kwic", "卡脖子", "--width", "3")
    _, rows = parse_table(out)
    assert rows and all(len(left) <= 3 and len(right) <= 3 for _, left, _, right in rows)


def test_kwic_without_occurrences_says_so(capsys):
    code, out, err = run(capsys, "kwic", "量子纠缠")
    assert code == 0 and out == ""
    assert "no occurrences" in err and "量子纠缠" in err


def test_freq_top_five(capsys, corpus):
    code, out, _ = run(capsys, "freq", "--top", "5")
    assert code == 0
    headers, rows = parse_table(out)
    assert headers == ["rank", "token", "count", "share"]
    expected = analysis.term_frequencies(corpus, top=5)
    assert len(rows) == 5
    assert [r[1] for r in rows] == expected.token.tolist()
    assert [int(r[2]) for r in rows] == expected["count"].tolist()


def test_freq_of_one_essay(capsys, corpus):
    code, out, _ = run(capsys, "freq", "--essay", "3", "--top", "4")
    assert code == 0
    _, rows = parse_table(out)
    table = analysis.term_frequencies(corpus, by="essay", top=4)
    expected = table[table.essay == 3]
    assert [r[1] for r in rows] == expected.token.tolist() and len(rows) == 4
    # counts are of essay 3 alone
    assert [int(r[2]) for r in rows] != analysis.term_frequencies(corpus, top=4)["count"].tolist()


@pytest.mark.parametrize("method", ["tfidf", "textrank"])
def test_keywords_for_essay_three(capsys, corpus, method):
    code, out, err = run(capsys, "keywords", "--essay", "3", "--top", "5", "--method", method)
    assert code == 0 and err == ""
    headers, rows = parse_table(out)
    assert headers == ["essay", "rank", "keyword", "weight"]
    expected = analysis.keywords(corpus, essay=3, top=5, method=method)
    assert [r[0] for r in rows] == ["3"] * 5
    assert [r[2] for r in rows] == expected.keyword.tolist()


# --- errors ---------------------------------------------------------------------------

def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert err.startswith("xinzhi: error: ") and err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("argv, says", [
    (["show", "9.1"], "no paragraph 9.1: essays are numbered 1 to 8"),
    (["show", "3.99"], "essay 3 has paragraphs 3.1 to 3.7"),
    (["show", "abc"], "'abc' is not a paragraph id"),
    (["show", "3.5", "9.1"], "no paragraph 9.1"),  # nothing is printed for 3.5 either
    (["show"], "PID"),
    (["freq", "--essay", "0"], "no essay 0: essays are numbered 1 to 8"),
    (["freq", "--essay", "three"], "--essay"),
    (["freq", "--top", "-1"], "--top"),
    (["keywords", "--top", "0"], "--top"),
    (["keywords", "--method", "lda"], "--method"),
    (["kwic", "卡脖子", "--essay", "9"], "no essay 9"),
    (["kwic", "卡脖子", "--width", "x"], "--width"),
    (["nosuch"], "nosuch"),
    (["info", "--nosuch"], "--nosuch"),
    (["--encoding", "klingon", "info"], "klingon"),
])
def test_bad_requests_exit_2_with_one_line(capsys, argv, says):
    err = one_line_error(*run(capsys, *argv))
    assert says in err


def test_essay_range_comes_from_the_corpus(capsys, corpus):
    err = one_line_error(*run(capsys, "freq", "--essay", str(len(corpus.essays) + 1)))
    assert f"1 to {len(corpus.essays)}" in err


def test_a_missing_corpus_file_exits_2_with_the_loaders_message(capsys, tmp_path):
    missing = tmp_path / "missing.txt"
    err = one_line_error(*run(capsys, "--corpus", str(missing), "info"))
    with pytest.raises(FileNotFoundError) as exc:
        xinzhi.load_corpus(missing)
    assert err == f"xinzhi: error: {exc.value}\n"


def test_a_file_that_is_not_the_corpus_exits_2(capsys, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("# 笔记\n\n这不是那八篇文章。\n", encoding="utf-8")
    err = one_line_error(*run(capsys, "show", "1.1", "--corpus", str(other)))
    assert str(other) in err


def test_another_copy_in_another_encoding(capsys, tmp_path, corpus):
    copy = tmp_path / "essays-gb18030.txt"
    copy.write_bytes(default_corpus_path().read_text(encoding="utf-8").encode("gb18030"))
    one_line_error(*run(capsys, "--corpus", str(copy), "show", "3.5"))  # not UTF-8
    code, out, _ = run(capsys, "--corpus", str(copy), "--encoding", "gb18030", "show", "3.5")
    assert code == 0
    assert corpus["3.5"].text in out.replace("\n", "")
    # the options work after the subcommand too
    code, out2, _ = run(capsys, "show", "3.5", "--corpus", str(copy), "--encoding", "gb18030")
    assert (code, out2) == (0, out)


# --- help and version -------------------------------------------------------------------

def test_help_lists_commands_and_examples(capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0 and err == ""
    for command in ("info", "show", "kwic", "freq", "keywords", "--corpus", "--encoding"):
        assert command in out
    assert "examples:" in out and "xinzhi show 3.5" in out


@pytest.mark.parametrize("command", ["info", "show", "kwic", "freq", "keywords"])
def test_each_command_has_its_own_help(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: xinzhi {command}")
    assert "example" in out


def test_no_command_prints_the_help(capsys):
    code, out, _ = run(capsys)
    assert code == 0 and out.startswith("usage: xinzhi")


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"xinzhi {xinzhi.__version__}\n")


# --- the installed command ----------------------------------------------------------------

def run_script(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "60", **kwargs.pop("env", {})}
    return subprocess.run([str(script()), *argv], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, **kwargs)


def test_console_script_shows_a_paragraph(corpus):
    proc = run_script("show", "〔2.3〕")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.replace("\n", "").endswith(corpus["2.3"].text + "〔2.3〕")


def test_console_script_errors_are_one_line():
    proc = run_script("show", "9.1")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "xinzhi: error: no paragraph 9.1: essays are numbered 1 to 8\n"
    proc = run_script("--corpus", "/nonexistent/essays.txt", "info")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "/nonexistent/essays.txt" in proc.stderr


def test_console_script_help_imports_neither_pandas_nor_jieba():
    proc = run_script("--help", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert proc.returncode == 0 and "usage: xinzhi" in proc.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert "xinzhi.cli" in imported  # the import log is really there
    assert not {"pandas", "numpy", "jieba"} & imported


@pytest.mark.parametrize("argv, heavy", [
    (["--help"], []),
    (["show", "3.5"], []),
    (["info"], ["pandas"]),  # the control: the check does see an import
])
def test_which_commands_load_pandas_and_jieba(argv, heavy):
    code = (
        "import contextlib, io, sys\n"
        "from xinzhi.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main({argv!r})\n"
        "print(rc, sorted(m for m in ('pandas', 'jieba') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.split(None, 1) == ["0", f"{heavy!r}\n"]


def test_a_closed_pipe_ends_quietly(corpus):
    """`xinzhi show ... | head -1`: the reader leaves early; no traceback, no noise."""
    # more output than a pipe buffers, so the writer really meets the closed pipe
    pids = corpus.pids * 4
    assert sum(len(corpus[p].text.encode()) for p in pids) > 3 * 65536
    proc = subprocess.Popen([str(script()), "show", *pids], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    proc.wait(timeout=120)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert first.decode().startswith("essay 1")
    assert err == ""
    assert proc.returncode in (0, 1)


# --- xinzhi answers: a web-page export, checked again ---------------------------------------
def _write_export(path: Path, answers: dict, notes: dict | None = None) -> Path:
    import json

    path.write_text(json.dumps({
        "format": "xinzhi-answers", "version": 1, "book": "新质生产力研读", "book_version": xinzhi.__version__,
        "exported": "2026-12-03T10:00:00.000Z", "answers": answers, "notes": notes or {},
    }, ensure_ascii=False), encoding="utf-8")
    return path


def test_answers_checks_an_export_again_and_prints_the_notes(capsys, tmp_path):
    stamp = "2026-12-03T09:00:00.000Z"
    path = _write_export(tmp_path / "export.json", {
        "2.5": {"answer": "A", "verdict": "right", "checked": stamp},  # the page was wrong
        "2.1": {"answer": "全要素生产率", "verdict": "right", "checked": stamp},
    }, {"2.7": {"text": "先界定对象。\n再找数据。", "saved": stamp}})
    assert main(["answers", str(path)]) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    rows = [line.split() for line in lines if re.match(r"^\d+\.\d+ ", line)]
    assert [(r[0], r[1], r[2]) for r in rows] == [("2.1", "答对", "答对"), ("2.5", "还不对", "答对")]
    assert "answers: 2, right: 1; notes: 1" in lines
    assert "先界定对象。" in lines and "再找数据。" in lines
    assert out.err == ""


@pytest.mark.parametrize("content, words", [
    (None, "no such file"),
    ("", "is not JSON"),
    ('{"format": "other"}', "is not an answer export"),
    ('{"format": "xinzhi-answers", "version": 9}', "newer than this xinzhi reads"),
])
def test_answers_reports_a_bad_file_in_one_line(capsys, tmp_path, content, words):
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["answers", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("xinzhi: error: ") and words in err and err.count("\n") == 1
