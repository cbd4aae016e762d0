"""Slides for each seminar session: one editable PowerPoint deck (``make slides``).

    python book/editions.py slides   # -> book/_build/slides/第1次课_....pptx, ...

A deck follows the session as the syllabus has it (``book/teaching/sessions.json`` and
the session's chapter): a title slide; the objectives; the readings and the pre-reading
questions; the chapter's key quotations, verbatim with their pids (its blockquotes, which
the tests check against the corpus); one or two of the chapter's figures with their
captions; the discussion questions; the writing task.  Nothing from a solution or a
teacher's cell.  Every text run names a Chinese font for East Asian text (Noto Sans SC,
the font the figures use) and a Latin one, so the deck looks the same in PowerPoint,
Keynote and LibreOffice wherever that font is installed, and falls back to the system's
Chinese font elsewhere.  Made with python-pptx; the teacher edits the decks freely.
"""

from __future__ import annotations

import base64
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

_EXT = Path(__file__).resolve().parent / "_ext"
if str(_EXT) not in sys.path:
    sys.path.insert(0, str(_EXT))

import xinzhi  # noqa: E402
import xinzhi_pages as pages  # noqa: E402
from editions import BUILD, EditionError  # noqa: E402
from packets import sessions_into  # noqa: E402
from xinzhi import citations  # noqa: E402
from xinzhi.conventions import cell_source, cell_tags, read_notebook  # noqa: E402

SLIDES = BUILD / "slides"
CHINESE_FONT = "Noto Sans SC"
LATIN_FONT = "Calibri"
QUOTES_PER_DECK = 4
FIGURES_PER_DECK = 2
_CAPTION = re.compile(r"^\s*\**图\s*\d+\.\d+")


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str


def key_quotations(chapter: pages.Chapter, limit: int = QUOTES_PER_DECK) -> list[str]:
    """The chapter's first blockquotes (verbatim quotations ending with their pid), from
    its teaching text only (no solution, no teacher's cell)."""
    quotes: list[str] = []
    for cell in read_notebook(chapter.path).cells:
        if cell.cell_type != "markdown" or {"solution", pages.INSTRUCTOR_TAG} & set(cell_tags(cell)):
            continue
        quotes += [q.replace("**", "") for q in citations.blockquotes(cell_source(cell))]
    return quotes[:limit]


def chapter_figures(chapter: pages.Chapter, limit: int = FIGURES_PER_DECK) -> list[Figure]:
    """The chapter's first figures (PNG outputs of its teaching code, not of a solution)
    with the caption the chapter writes under each (``图 N.K …``)."""
    cells = read_notebook(chapter.path).cells
    found = []
    for i, cell in enumerate(cells):
        if cell.cell_type != "code" or "solution" in cell_tags(cell):
            continue
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if not png:
                continue
            after = next((cell_source(c) for c in cells[i + 1:] if c.cell_type == "markdown"), "")
            first = after.strip().splitlines()[0] if after.strip() else ""
            caption = re.sub(r"\*+", "", first).strip() if _CAPTION.match(first) else chapter.title
            found.append(Figure(base64.b64decode(png), caption))
            if len(found) == limit:
                return found
    return found


def _plain(markdown: str) -> str:
    """A question's Markdown as slide text: emphasis and code marks dropped."""
    return re.sub(r"\*\*|`", "", markdown).strip()


# --- the deck ------------------------------------------------------------------------------


def _fonts(paragraph, size: int | None = None, bold: bool | None = None) -> None:
    """Name the Chinese (East Asian) and the Latin font of every run of ``paragraph``."""
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    for run in paragraph.runs:
        run.font.name = LATIN_FONT
        if size:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
        rpr = run._r.get_or_add_rPr()  # private-ok: python-pptx has no API for the East Asian font
        east_asian = rpr.find(qn("a:ea"))
        if east_asian is None:  # after <a:latin>, as the schema orders them
            east_asian = rpr.makeelement(qn("a:ea"), {})
            rpr.append(east_asian)
        east_asian.set("typeface", CHINESE_FONT)


def _text_slide(deck, title: str, items: list[str], *, size: int = 20) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = title
    _fonts(slide.shapes.title.text_frame.paragraphs[0], 32, True)
    body = slide.placeholders[1].text_frame
    body.word_wrap = True
    for i, item in enumerate(items):
        paragraph = body.paragraphs[0] if i == 0 else body.add_paragraph()
        paragraph.text = item
        _fonts(paragraph, size)


def _chunks(items: list[str], budget: int = 260) -> list[list[str]]:
    """Items split into slides of about ``budget`` characters each."""
    slides, current, used = [], [], 0
    for item in items:
        if current and used + len(item) > budget:
            slides.append(current)
            current, used = [], 0
        current.append(item)
        used += len(item)
    return slides + [current] if current else slides


def build_deck(packet, corpus: xinzhi.Corpus, out: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Emu

    s, ch = packet.session, packet.chapter
    deck = Presentation()  # python-pptx's default template, 4:3, its placeholders in place
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = f"第 {s.number} 次课　{s.theme}"
    _fonts(title.shapes.title.text_frame.paragraphs[0], 40, True)
    title.placeholders[1].text = f"{ch.title}\n新质生产力研读 · 研讨课"
    for paragraph in title.placeholders[1].text_frame.paragraphs:
        _fonts(paragraph, 22)
    _text_slide(deck, "学习目标", [_plain(o) for o in ch.objectives] or ["见本章开头。"])
    reading = pages.readings(corpus, packet.pids)
    _text_slide(deck, "课前阅读", reading + [f"导读问题：{_plain(q)}" for q in ch.prereading], size=18)
    for i, group in enumerate(_chunks(key_quotations(ch), 220)):
        _text_slide(deck, "关键引文" if i == 0 else "关键引文（续）", group, size=18)
    for figure in chapter_figures(ch):
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        # The caption's first sentence as the title; the whole caption is the picture's
        # description.
        heading = figure.caption.split("。")[0]
        slide.shapes.title.text = heading if len(heading) <= 40 else heading[:39] + "…"
        _fonts(slide.shapes.title.text_frame.paragraphs[0], 24, True)
        top, margin = Emu(1600000), Emu(300000)
        picture = slide.shapes.add_picture(io.BytesIO(figure.png), margin, top)
        scale = min((deck.slide_width - 2 * margin) / picture.width, (deck.slide_height - top - margin) / picture.height)
        picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
        picture.left = int((deck.slide_width - picture.width) / 2)
        picture.name = figure.caption[:250]
        # The caption is the picture's description (its alt text in PowerPoint).
        picture._element.nvPicPr.cNvPr.set("descr", figure.caption)  # private-ok: python-pptx has no alt-text API
    questions = [f"{i}. {_plain(q)}" for i, q in enumerate(ch.questions, 1)]
    for i, group in enumerate(_chunks(questions, 300)):
        _text_slide(deck, "讨论题" if i == 0 else "讨论题（续）", group, size=18)
    _text_slide(deck, "写作任务", [_plain(s.writing)], size=20)
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    if paragraph.runs and paragraph.runs[0].font.size is None:
                        _fonts(paragraph, 18)
    deck.save(out)
    return out


def build_slides(outdir: Path = SLIDES) -> list[Path]:
    """One deck per session of the syllabus, in ``outdir`` (emptied first)."""
    import importlib.util

    if importlib.util.find_spec("pptx") is None:
        raise EditionError("the slides need python-pptx: run `make install` (pip install python-pptx)")
    corpus, found = sessions_into(Path(outdir))
    return [build_deck(p, corpus, Path(outdir) / f"{p.name}.pptx") for p in found]
