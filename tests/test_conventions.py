"""The one pid grammar, the reading speed and the one notebook reader
(xinzhi.conventions), and that the rest of the project uses them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xinzhi
from xinzhi import conventions
from xinzhi.conventions import (
    anchor,
    cite,
    cited_pids,
    format_pid,
    format_pid_ranges,
    normalize_pid,
    parse_pid,
    pid_from_anchor,
    pid_ranges,
    read_notebook,
    reading_minutes,
)

ROOT = Path(__file__).resolve().parents[1]
numbers = st.integers(min_value=1, max_value=999)


@given(numbers, numbers)
def test_every_written_form_reads_back_as_the_same_pid(essay, n):
    pid = format_pid(essay, n)
    assert parse_pid(pid) == (essay, n)
    assert parse_pid(cite(pid)) == (essay, n)
    assert pid_from_anchor(anchor(pid)) == pid
    assert cited_pids(f"见{cite(pid)}。") == [pid]
    assert normalize_pid(f"〔 {essay:03d}．{n} 〕") == pid


@pytest.mark.parametrize("bad", ["3-5", "3.", ".5", "第3篇", "", "3.5.1", None, True, ["3.5"], "p3-5"])
def test_what_is_not_a_pid_says_how_to_write_one(bad):
    with pytest.raises(xinzhi.PidError, match=r"write it as 'E\.N'"):
        parse_pid(bad)


def test_a_pid_error_is_a_key_error_and_a_value_error_with_a_plain_message():
    with pytest.raises(KeyError) as caught:
        parse_pid("x")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("'x' is not a paragraph id")


@given(st.sets(st.tuples(st.integers(1, 8), st.integers(1, 40)), min_size=1))
def test_ranges_cover_exactly_the_pids_given(keys):
    pids = [format_pid(e, n) for e, n in keys]
    covered = set()
    for first, last in pid_ranges(pids):
        (e1, n1), (e2, n2) = parse_pid(first), parse_pid(last)
        assert e1 == e2 and n1 <= n2
        covered |= {(e1, n) for n in range(n1, n2 + 1)}
    assert covered == keys
    assert format_pid_ranges(pids).count("〔") == sum(1 if a == b else 2 for a, b in pid_ranges(pids))


def test_reading_time_is_counted_in_han_characters_at_one_speed():
    assert conventions.READING_SPEED == 400
    assert reading_minutes(400) == 1 and reading_minutes(4000) == 10
    assert reading_minutes(1, digits=2) == 0.0 and reading_minutes(0) == 1


def test_the_corpus_tables_use_the_reading_speed(corpus):
    table = corpus.essays_table
    assert (table.minutes == (table.han / conventions.READING_SPEED).round(1)).all()


def test_the_notebook_reader_reads_every_chapter():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = read_notebook(path)
        assert nb.nbformat == 4 and nb.cells
        assert all(isinstance(conventions.cell_source(c), str) for c in nb.cells)


@pytest.mark.parametrize("content,needle", [
    (None, "no such notebook"),
    (b"", "is not a Jupyter notebook"),
    (b"{not json", "is not a Jupyter notebook"),
    (b'{"cells": 3}', "is not a Jupyter notebook"),
    (b"\xff\xfe\x00", "cannot read"),
    (b'{"cells": [{"source": "x"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     "not a Jupyter notebook nbformat can read"),
])
def test_a_file_that_is_not_a_notebook_gets_a_clear_error(tmp_path, content, needle):
    path = tmp_path / "chapter.ipynb"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(xinzhi.NotebookError, match=needle) as caught:
        read_notebook(path)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_cells_stored_as_lists_of_lines_read_as_text(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["x"]}, "source": ["a\n", "b"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert list(conventions.markdown_cells(path)) == [(0, "a\nb")]
    assert conventions.cell_tags(read_notebook(path).cells[0]) == ["x"]


# --- one way to do each thing ---------------------------------------------------------

#: Source files of the project (not tests of the grammar itself).
_SOURCES = [p for p in [*(ROOT / "lib" / "xinzhi").glob("*.py"), *(ROOT / "book").rglob("*.py"),
                        *(ROOT / "tests").rglob("*.py")]
            if p.name not in {"conventions.py", "test_conventions.py"} and "_build" not in p.parts]


def _offenders(pattern: str) -> list[str]:
    found = []
    for path in _SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # Doctests show a function's output, not how a module reads its input.
            if line.lstrip().startswith(">>>"):
                continue
            if re.search(pattern, line) and "noqa: conventions" not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_other_module_writes_its_own_pid_pattern():
    # A regular expression for 〔E.N〕 or E.N, or an anchor built by hand.
    assert _offenders(r"〔\(\\d\+\)|\(\\d\+\)\\s\*\[\.．\]|\"p\" \+ .*replace\(\"\.\", \"-\"\)|f\"p\{") == []


def test_no_other_module_hard_codes_the_reading_speed():
    assert _offenders(r"/ ?400\b|每分钟约 400") == []


def test_no_other_module_parses_notebook_json_itself():
    assert _offenders(r"json\.loads?\(.*(ipynb|notebook|nb_path)|nbformat\.reads?\(") == []
