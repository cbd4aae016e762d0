"""The seminar's slides (``book/slides.py``): one deck per session, its quotations
verbatim with their pids, figures with their captions, a Chinese font on every run, and
nothing from a solution or a teacher's cell."""

from __future__ import annotations

from pathlib import Path

import pytest

import packets
import slides
from xinzhi import citations
from xinzhi.conventions import cell_source, cell_tags, read_notebook


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, Path]:
    try:
        return {p.stem: p for p in slides.build_slides(tmp_path_factory.mktemp("slides"))}
    except slides.EditionError as exc:
        pytest.fail(str(exc), pytrace=False)


def texts(deck) -> list[str]:
    return [p.text for s in deck.slides for sh in s.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs]


def test_one_deck_per_session_in_its_order(decks, corpus):
    from pptx import Presentation

    for packet in packets.session_packets(corpus):
        deck = Presentation(decks[packet.name])
        titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
        assert titles[0] == f"第 {packet.session.number} 次课　{packet.session.theme}"
        for expected in ("学习目标", "课前阅读", "关键引文", "讨论题", "写作任务"):
            assert expected in titles, (packet.name, expected)
        assert titles.index("学习目标") < titles.index("关键引文") < titles.index("讨论题") < titles.index("写作任务")


def test_quotations_are_verbatim_with_their_pids(decks, corpus):
    from pptx import Presentation

    for packet in packets.session_packets(corpus):
        deck = Presentation(decks[packet.name])
        quoted = [p.text for s in deck.slides if s.shapes.title.text.startswith("关键引文")
                  for sh in s.placeholders if sh.placeholder_format.idx == 1 for p in sh.text_frame.paragraphs]
        assert quoted == slides.key_quotations(packet.chapter) and quoted, packet.name
        for quote in quoted:
            assert citations.check_quotation(corpus, quote) == [], quote[:30]


def test_every_run_names_a_chinese_font(decks):
    from pptx import Presentation
    from pptx.oxml.ns import qn

    for name, path in decks.items():
        deck = Presentation(path)
        for slide in deck.slides:
            for shape in slide.shapes:
                if not shape.has_text_frame:
                    continue
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        east_asian = run._r.find(qn("a:rPr")).find(qn("a:ea"))  # private-ok: reading the XML
                        assert east_asian is not None and east_asian.get("typeface") == slides.CHINESE_FONT, (name, run.text)


def test_figures_have_their_captions_and_no_solution_shows(decks, corpus):
    from pptx import Presentation

    for packet in packets.session_packets(corpus):
        deck = Presentation(decks[packet.name])
        pictures = [sh for s in deck.slides for sh in s.shapes if sh.shape_type == 13]
        figures = slides.chapter_figures(packet.chapter)
        assert len(pictures) == len(figures) >= 1, packet.name
        for picture, figure in zip(pictures, figures):
            assert picture._element.nvPicPr.cNvPr.get("descr") == figure.caption  # private-ok: alt text
            assert figure.caption.startswith("图") and "*" not in figure.caption
        shown = "\n".join(texts(deck))
        for cell in read_notebook(packet.chapter.path).cells:
            tags = set(cell_tags(cell))
            if {"solution", "instructor"} & tags and cell.cell_type == "markdown":
                for line in cell_source(cell).splitlines():
                    line = line.strip("-*# ").strip()
                    if len(line) > 25:
                        assert line not in shown, (packet.name, line[:30])
