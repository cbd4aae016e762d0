"""The seminar's reading packets (``book/packets.py``): each holds exactly its session's
paragraphs, in order and verbatim, with the questions and an exercise sheet that has no
solution and fits one page (or the two sides of one sheet)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import packets
import xinzhi_pages
from test_print import body_text, embedded, squeeze
from xinzhi.conventions import cite

PID_MARK = re.compile(r"〔(\d+\.\d+)〕")


# --- the pieces (fast) -----------------------------------------------------------------


def test_every_special_character_is_printed_as_itself():
    assert packets.tex_escape("a%b$c&d#e_f{g}h~i^j\\k") == (
        r"a\%b\$c\&d\#e\_f\{g\}h\textasciitilde{}i\textasciicircum{}j\textbackslash{}k")
    assert packets.tex_escape("--") == "-{}-{}"  # no en dash


def test_questions_come_from_under_each_exercise_heading_without_solutions(chapters):
    for chapter in chapters:
        questions = packets.exercise_questions(chapter)
        assert [q.eid for q in questions] == [e.eid for e in chapter.exercises]
        for question, exercise in zip(questions, chapter.exercises):
            assert question.prompt and "练习" not in question.prompt.splitlines()[0][:3]
            for kind, source in exercise.solutions:
                assert source not in question.prompt


def test_each_session_names_its_chapter_and_paragraphs(corpus):
    found = packets.session_packets(corpus)
    sessions = xinzhi_pages.read_sessions()
    assert [p.session.number for p in found] == [s.number for s in sessions]
    for packet in found:
        assert packet.chapter.number == packet.session.chapter
        assert packet.pids == xinzhi_pages.expand_reading(corpus, packet.session.reading)
        assert re.fullmatch(r"第\d+次课_\w+", packet.name)


def test_a_question_without_text_stops_the_build(tmp_path):
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    path = tmp_path / "01_x.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 第1章 x"), new_markdown_cell("### 练习 1.1　空题")]), path)
    chapter = xinzhi_pages.read_chapter(path)
    with pytest.raises(packets.EditionError, match="exercise 1.1 has no question"):
        packets.exercise_questions(chapter)


# --- the packets (slow) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("packets")
    try:
        paths = packets.build_packets(out / "packets", out / "work")
    except packets.EditionError as exc:
        pytest.fail(str(exc), pytrace=False)
    return {p.stem: p for p in paths}


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.slow
def test_one_a4_packet_per_session_with_every_font_embedded(built, corpus):
    expected = [p.name for p in packets.session_packets(corpus)]
    assert sorted(built) == sorted(expected)
    for path in built.values():
        assert embedded(path) == []
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)


@pytest.mark.slow
def test_each_packet_holds_exactly_its_paragraphs_in_order_verbatim(built, corpus):
    for packet in packets.session_packets(corpus):
        text = squeeze(body_text(built[packet.name], top=55, bottom=50))
        start = text.index(squeeze("原文逐字照录"))
        end = text.index("讨论题", start)
        reading = text[start:end]
        pieces = PID_MARK.split(reading)
        pids, chunks = pieces[1::2], pieces[2::2]
        assert pids == packet.pids, packet.name
        for pid, chunk in zip(pids, chunks):
            paragraph = squeeze(corpus[pid].text)
            assert chunk.startswith(paragraph), f"{packet.name} {cite(pid)}"
            rest = chunk[len(paragraph):]
            # After a paragraph: nothing, or the next essay's heading.
            assert rest == "" or re.fullmatch(r"第\d+篇.+", rest), f"{packet.name} {cite(pid)}: {rest[:40]}"


@pytest.mark.slow
def test_each_packet_has_the_questions_a_notes_page_and_a_sheet_without_solutions(built, corpus):
    for packet in packets.session_packets(corpus):
        path = built[packet.name]
        pages = body_text(path, top=40, bottom=40).split("\f")
        text = squeeze("".join(pages))
        for question in packet.chapter.prereading + packet.chapter.questions:
            assert squeeze(re.sub(r"[*`]", "", question))[:20] in text, question[:20]
        assert "笔记" in text
        sheet = [i for i, page in enumerate(pages) if "练习单" in page]
        assert sheet, f"{packet.name}: no exercise sheet"
        sheet_text = squeeze("".join(pages[sheet[0]:]))
        for exercise in packet.chapter.exercises:
            assert squeeze(f"练习{exercise.eid}") in sheet_text
            for kind, source in exercise.solutions:
                first = squeeze(source.splitlines()[0]) if source.strip() else ""
                assert not first or first not in sheet_text, f"{packet.name}: a solution of {exercise.eid}"
        assert page_count(path) - sheet[0] <= 2, f"{packet.name}: the sheet takes more than one sheet of paper"
