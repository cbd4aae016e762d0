"""The PDF and the EPUB (``book/printing.py``, ``book/_ext/xinzhi_print.py``,
``book/_ext/xinzhi_epub.py``).

The slow tests build each file once, as ``make pdf`` and ``make epub`` do, into the test
session's temporary folder, and read them with Debian's poppler tools and epubcheck
(``.ci/run`` installs them with TeX): every font embedded, a clean XeLaTeX log, the
reader's every paragraph and the chapters' every quotation in the PDF's text, pid
citations as links inside the PDF, solutions at the end of each chapter; the EPUB valid
with every chapter and every pid anchor.  Rendered pages go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

import printing
import xinzhi_epub
import xinzhi_print
from xinzhi import citations
from xinzhi.conventions import anchor, cell_tags, markdown_cells, read_notebook

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def squeeze(text: str) -> str:
    """Text without whitespace: a PDF's text has line breaks (and the spaces XeLaTeX puts
    between Chinese and Latin letters) where the source has none."""
    return re.sub(r"\s+", "", text)


# --- the doctree transforms (fast) ----------------------------------------------------


def chapter_doctree() -> nodes.document:
    document = new_document("chapter", get_default_settings(Parser))
    chapter = nodes.section(ids=["chapter"])
    chapter += nodes.title("", "第 1 章")
    for number in (1, 2):
        exercise = nodes.section(ids=[f"ex-{number}"])
        exercise += nodes.title("", f"练习 1.{number}　题目")
        exercise += nodes.paragraph("", "题目的说明")
        for part in ("代码", "说明"):
            box = nodes.container(classes=["cell", "tag_solution"])
            box += nodes.paragraph("", f"解答 {number} {part}")
            exercise += box
        chapter += exercise
    document += chapter
    return document


def test_solutions_move_to_the_end_of_their_chapter_with_a_pointer_each():
    doctree = chapter_doctree()
    assert xinzhi_print.move_solutions(doctree, "notebooks/01_x") == 4
    chapter = doctree[0]
    end = chapter[-1]
    assert end[0].astext() == xinzhi_print.SOLUTIONS_TITLE
    assert [p.astext() for p in end.findall(nodes.paragraph)] == [
        "练习 1.1　题目", "解答 1 代码", "解答 1 说明", "练习 1.2　题目", "解答 2 代码", "解答 2 说明",
    ]
    for number in (1, 2):
        exercise = chapter[number]
        assert not [c for c in exercise.findall(nodes.container)]
        pointer = exercise[-1]
        assert pointer.astext() == f"{xinzhi_print.SOLUTION_POINTER}练习 1.{number}　题目"
        assert pointer[-1]["refid"] == f"xinzhi-solution-{number}"
    targets = [t["ids"][0] for t in end.findall(nodes.target)]
    assert targets == ["xinzhi-solution-1", "xinzhi-solution-2"]


def test_a_chapter_without_solutions_is_unchanged():
    doctree = new_document("page", get_default_settings(Parser))
    doctree += nodes.section("", nodes.title("", "标题"), nodes.paragraph("", "正文"))
    before = doctree.pformat()
    assert xinzhi_print.move_solutions(doctree, "book/intro") == 0
    assert doctree.pformat() == before


def test_a_dataframe_becomes_a_table_and_its_scoped_style_goes():
    import pandas as pd

    frame = pd.DataFrame({"篇": [1, 2], "标题": ["关于新质生产力的哲学思考", "生产关系"]})
    markup = frame._repr_html_()
    assert "<style scoped>" in markup
    table = next(n for n in xinzhi_print.dataframe_table(markup) if isinstance(n, nodes.table))
    rows = [[e.astext() for e in row.findall(nodes.entry)] for row in table.findall(nodes.row)]
    assert rows == [["", "篇", "标题"], ["0", "1", "关于新质生产力的哲学思考"], ["1", "2", "生产关系"]]
    assert xinzhi_print.dataframe_table("<p>不是表格</p>") is None
    assert xinzhi_print.dataframe_table(pd.DataFrame({"a": []})._repr_html_()) is None

    doctree = new_document("page", get_default_settings(Parser))
    doctree += nodes.raw("", markup, format="html")
    assert xinzhi_epub.drop_scoped_styles(doctree) == 1
    assert "<style" not in doctree.astext() and 'class="dataframe"' in doctree.astext()


def test_the_ebooks_formulas_are_drawn_as_images_with_their_tex_as_alt_text(tmp_path):
    doctree = new_document("page", get_default_settings(Parser))
    doctree += nodes.paragraph("", "增长率 ", nodes.math("", r"\left(Y_{2020}/Y_{2010}\right)^{1/10}-1"))
    doctree += nodes.math_block("", r"\mathrm{IDF}(w) = \ln\frac{1+N}{1+\mathrm{df}(w)} + 1")
    assert xinzhi_epub.math_images(doctree, tmp_path) == 2
    images = list(doctree.findall(nodes.image))
    assert [i["alt"] for i in images] == [r"\left(Y_{2020}/Y_{2010}\right)^{1/10}-1",
                                          r"\mathrm{IDF}(w) = \ln\frac{1+N}{1+\mathrm{df}(w)} + 1"]
    for image in images:
        svg = tmp_path / image["uri"].lstrip("/")
        text = svg.read_text(encoding="utf-8")
        assert text.lstrip().startswith("<?xml") and "<!DOCTYPE" not in text  # EPUB 3: no external DTD
        assert image["height"].endswith("em")
    assert not list(doctree.findall(nodes.math))

    bad = new_document("page", get_default_settings(Parser))
    bad += nodes.math("", r"\begin{nonsense}")
    with pytest.raises(Exception, match="cannot draw the formula"):
        xinzhi_epub.math_images(bad, tmp_path)


def test_the_latex_fonts_are_the_packages_own_files():
    files = xinzhi_print.font_files()
    assert {"serif", "sans", "mono"} <= set(files) and all(p.is_file() for p in files.values())
    preamble = xinzhi_print.font_preamble(files)
    assert r"{ctex}" in preamble and "fontset=none" in preamble
    for path in files.values():
        assert f"{path.name}}}[Path={path.parent.as_posix()}/" in preamble


def test_a_log_with_a_missing_character_or_a_warning_is_not_clean():
    log = "\n".join([
        "(./xinzhi.aux)",
        "Missing character: There is no ✅ (U+2705) in font NotoSerifSC-Regular!",
        "LaTeX Font Warning: Font shape `TU/x/b/it' undefined",
        "Package: infwarerr 2019/12/03 v1.5 Providing info/warning/error messages (HO)",
    ])
    assert len(printing.latex_problems(log)) == 2


def test_without_tex_the_pdf_says_what_to_install(monkeypatch):
    monkeypatch.setattr(printing.shutil, "which", lambda tool: None)
    with pytest.raises(printing.EditionError, match="apt-get install texlive-xetex"):
        printing.require_tex()


# --- the PDF (slow) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    try:
        return printing.build_pdf(out / "xinzhi.pdf", work=out / "work", quiet=True)
    except printing.EditionError as exc:
        pytest.fail(str(exc), pytrace=False)


def body_text(pdf: Path, top: float = 60, bottom: float = 60) -> str:
    """The text of an A4 PDF without its running heads and page numbers (``top`` and
    ``bottom`` points are cut off each page), pages separated by form feeds."""
    cmd = ["pdftotext", "-enc", "UTF-8", "-x", "0", "-y", str(top), "-W", "595",
           "-H", str(842 - top - bottom), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf_text(pdf) -> str:
    return body_text(pdf)


def embedded(path: Path) -> list[str]:
    """The fonts of a PDF that are not embedded (pdffonts' ``emb`` column)."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(lines) > 2, f"pdffonts lists no font in {path.name}"
    return [ln for ln in lines[2:] if ln.split()[-5] != "yes"]


@pytest.mark.slow
def test_the_pdf_embeds_every_font_and_its_log_is_clean(pdf):
    assert embedded(pdf) == []
    log = pdf.parent / "work" / "_build" / "latex" / "xinzhi.log"
    assert printing.latex_problems(log.read_text(encoding="utf-8", errors="replace")) == []
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+新质生产力研读$", info, re.M)
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) > 100


@pytest.mark.slow
def test_the_pdf_holds_the_reader_verbatim(pdf_text, corpus):
    text = squeeze(pdf_text)
    missing = [p.pid for e in corpus.essays for p in e.paragraphs
               if squeeze(f"〔{p.pid}〕{p.text}") not in text]
    assert missing == []


@pytest.mark.slow
def test_the_pdf_holds_every_quotation_of_the_chapters(pdf_text, chapters):
    text = squeeze(pdf_text)
    missing = []
    for chapter in chapters:
        nb = read_notebook(chapter.path)
        for index, source in markdown_cells(nb):
            if "instructor" in cell_tags(nb.cells[index]):
                continue  # the teacher's keys are not in the study edition
            for quote in citations.blockquotes(source):
                if squeeze(quote.replace("*", "")) not in text:
                    missing.append(f"{chapter.path.name} cell {index}: {quote[:30]}")
    assert missing == []


@pytest.mark.slow
def test_pid_citations_link_to_the_reader_inside_the_pdf(pdf, corpus):
    """Every reader paragraph is a LaTeX label whose anchor is a destination in the PDF,
    and the chapters' citations are links to those labels (an undefined one would have
    left a warning in the log, which the build refuses)."""
    work = pdf.parent / "work" / "_build" / "latex"
    aux = (work / "xinzhi.aux").read_text(encoding="utf-8")
    labels = dict(re.findall(r"\\newlabel\{book/_generated/reader/essay\d+:(p\d+-\d+)\}\{\{[^{}]*\}\{\d+\}\{[^{}]*\}\{([^{}]+)\}", aux))
    assert sorted(labels) == sorted(anchor(p.pid) for e in corpus.essays for p in e.paragraphs)
    dests = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True).stdout
    named = set(re.findall(r'"([^"]+)"$', dests, re.M))
    assert sorted(a for a, dest in labels.items() if dest not in named) == []
    tex = (work / "xinzhi.tex").read_text(encoding="utf-8")
    assert tex.count(r"\hyperref[\detokenize{book/_generated/reader/essay") > 500


@pytest.mark.slow
def test_solutions_stand_at_the_end_of_each_chapter(pdf, chapters):
    tex = (pdf.parent / "work" / "_build" / "latex" / "xinzhi.tex").read_text(encoding="utf-8")
    segments = re.split(r"\\label\{\\detokenize\{notebooks/\d\d_[^:]*::doc\}\}", tex)[1:]
    assert len(segments) == len(chapters)
    for chapter, segment in zip(chapters, segments):
        solved = sum(1 for e in chapter.exercises if e.solutions)
        pointers = [m.start() for m in re.finditer(xinzhi_print.SOLUTION_POINTER, segment)]
        assert len(pointers) == solved, chapter.title
        heading = segment.find("{" + xinzhi_print.SOLUTIONS_TITLE + "}")
        assert heading > max(pointers), f"{chapter.title}: the solutions come after every exercise"
        label = re.search(r"\\label\{\\detokenize\{[^}]*:xinzhi-solution-1\}\}", segment)
        assert label and label.start() > heading


@pytest.mark.slow
def test_rendered_pdf_pages_for_the_record(pdf, pdf_text, corpus):
    """PNGs of a page with Chinese text, a figure and a code block (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    pages = pdf_text.split("\f")
    reader = squeeze("〔1.2〕" + corpus["1.2"].text[:30])
    wanted = {
        "text": next(i for i, p in enumerate(pages, 1) if reader in squeeze(p)),
        "figure": next(i for i, p in enumerate(pages, 1) if re.search(r"^图 \d+\.\d+", p, re.M)),
        "code": next(i for i, p in enumerate(pages, 1) if "corpus.sections" in p),
    }
    for name, number in wanted.items():
        target = ARTIFACTS / f"pdf-{name}"
        subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", "80", "-png",
                        "-singlefile", str(pdf), str(target)], check=True)
        assert target.with_suffix(".png").stat().st_size > 10_000


# --- the EPUB (slow) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def epub(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("epub")
    try:
        return printing.build_epub(out / "xinzhi.epub", work=out / "work", quiet=True, check=False)
    except printing.EditionError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.mark.slow
def test_epubcheck_finds_nothing(epub):
    report = printing.check_epub(epub)
    assert "No errors or warnings detected" in report


@pytest.mark.slow
def test_the_epub_holds_every_chapter_and_every_pid_anchor(epub, chapters, corpus):
    with zipfile.ZipFile(epub) as book:
        names = set(book.namelist())
        for chapter in chapters:
            assert f"notebooks/{chapter.path.stem}.xhtml" in names
        reader = "".join(book.read(f"book/_generated/reader/essay{e.number}.xhtml").decode("utf-8")
                         for e in corpus.essays)
        opf = book.read("content.opf").decode("utf-8")
        nav = book.read("nav.xhtml").decode("utf-8")
        page = book.read(f"notebooks/{chapters[1].path.stem}.xhtml").decode("utf-8")
        formulas = book.read(f"notebooks/{chapters[7].path.stem}.xhtml").decode("utf-8")
    missing = [p.pid for e in corpus.essays for p in e.paragraphs if f'id="{anchor(p.pid)}"' not in reader]
    assert missing == []
    assert "<dc:language>zh-CN</dc:language>" in opf and "<dc:title>新质生产力研读</dc:title>" in opf
    assert nav.count("<li") >= len(chapters) + 8 and "<title>目录</title>" in nav
    assert "xinzhi-math" in formulas and "\\(" not in formulas, "formulas are images, not TeX"
    # An e-book page has no script and no answer box; its solutions are at its end.
    assert "<script" not in page and "xinzhi-practice" not in page
    assert page.count(xinzhi_print.SOLUTION_POINTER) == sum(1 for e in chapters[1].exercises if e.solutions)
