"""Printed reading packets, one A4 PDF per seminar session (``make packets``).

    python book/editions.py packets   # -> book/_build/packets/第1次课_....pdf, ...

Each packet is what a seminar hands out before a session (``book/teaching/sessions.json``
and the session's chapter, as the syllabus reads them):

1. the session's theme, chapter and readings with their reading times, and the chapter's
   导读问题 (pre-reading questions);
2. the session's paragraphs, verbatim from the corpus, each with its pid, grouped by
   essay, with a wide right margin for notes;
3. the chapter's 讨论题 and a ruled page for notes;
4. an exercise sheet: each exercise of the chapter with its question and room for the
   answer, no solution.

The packets are typeset with XeLaTeX and ctex in the fonts of the PDF edition
(``xinzhi_print.font_preamble``), compiled by ``printing.compile_latex`` (a log with any
warning or missing character stops the build).  The sheet is set in the first layout of
:data:`SHEET_LAYOUTS` that fits one page; a chapter whose questions are too long for one
readable page gets the two sides of one sheet, and the build stops if even that is not
enough.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

_EXT = Path(__file__).resolve().parent / "_ext"
if str(_EXT) not in sys.path:  # the book's extension modules, as Sphinx loads them
    sys.path.insert(0, str(_EXT))

import xinzhi  # noqa: E402
import xinzhi_pages as pages  # noqa: E402
import xinzhi_print  # noqa: E402
from editions import BUILD, EditionError  # noqa: E402
from printing import compile_latex  # noqa: E402
from xinzhi.conventions import cell_source, cell_tags, cite, read_notebook  # noqa: E402

PACKETS = BUILD / "packets"
#: Layouts tried for the exercise sheet until one fits: (type size, columns, pages).  One
#: page, in the largest type that fits; a chapter with many long questions gets the two
#: sides of one sheet rather than type too small to read.
SHEET_LAYOUTS = (
    (r"\small", 1, 1), (r"\footnotesize", 1, 1), (r"\footnotesize", 2, 1),
    (r"\small", 1, 2), (r"\footnotesize", 2, 2),
)
#: Sets the answer at the end of the question's last line, or right-aligned on a line of
#: its own when the last line is full (The TeXbook, exercise 14.6).
_AT_LINE_END = (r"{\unskip\nobreak\hfil\penalty50\hskip1em\hbox{}\nobreak\hfil %s"
                r"\parfillskip=0pt\finalhyphendemerits=0\par}")

_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "%": r"\%",
    # No TeX ligature may change the text: -- stays two hyphens, quotes stay as typed.
    "-": "-{}", "`": r"\textasciigrave{}", "'": r"\textquotesingle{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
}


def tex_escape(text: str) -> str:
    r"""``text`` as LaTeX that prints exactly these characters.

    >>> print(tex_escape("增长 5.2% -- {a_b} & 'x'"))
    增长 5.2\% -{}-{} \{a\_b\} \& \textquotesingle{}x\textquotesingle{}
    """
    return "".join(_SPECIALS.get(ch, ch) for ch in text)


def markdown_latex(source: str) -> str:
    """Markdown of an exercise's question as LaTeX: paragraphs, lists, ``code``, bold and
    italics (what the chapters' questions use); anything else as plain text.

    >>> print(markdown_latex("用 `kwic` 找出**全部**段落：\\n\\n- A. 甲\\n- B. 乙"))
    用 \\texttt{kwic} 找出\\textbf{全部}段落：
    <BLANKLINE>
    \\begin{itemize}
    \\item A. 甲
    \\item B. 乙
    \\end{itemize}
    """
    from markdown_it import MarkdownIt

    out: list[str] = []
    for token in MarkdownIt("commonmark").parse(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            out.append(r"\begin{itemize}" if token.type == "bullet_list_open" else r"\begin{enumerate}")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            out.append(r"\end{itemize}" if token.type == "bullet_list_close" else r"\end{enumerate}")
        elif token.type == "list_item_open":
            out.append(r"\item ")
        elif token.type in ("fence", "code_block"):
            out.append(r"\texttt{" + tex_escape(token.content.strip()).replace("\n", r"\\") + "}")
        elif token.type == "inline":
            out.append(_inline_latex(token.children or []))
        elif token.type == "paragraph_close":
            out.append("\n" if token.level else "\n\n")
    text = "".join(out)
    text = re.sub(r"(\\begin\{(?:itemize|enumerate)\})", r"\n\1\n", text)
    text = re.sub(r"(\\end\{(?:itemize|enumerate)\})", r"\1\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _inline_latex(children) -> str:
    parts = []
    for child in children:
        if child.type == "text":
            parts.append(tex_escape(child.content))
        elif child.type == "code_inline":
            parts.append(r"\texttt{" + tex_escape(child.content) + "}")
        elif child.type in ("strong_open", "em_open"):
            parts.append(r"\textbf{" if child.type == "strong_open" else r"\emph{")
        elif child.type in ("strong_close", "em_close"):
            parts.append("}")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.content:
            parts.append(tex_escape(child.content))
    return "".join(parts)


# --- what a packet holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    eid: str
    title: str
    prompt: str  #: Markdown
    checkable: bool


def exercise_questions(chapter: pages.Chapter) -> list[Question]:
    """Each exercise of ``chapter`` with the question under its heading (the Markdown up
    to the next heading; never a solution or a teacher's cell)."""
    from xinzhi.keys import exercise_ids

    checkable = set(exercise_ids())
    prompts: dict[str, list[str]] = {}
    current: str | None = None
    for cell in read_notebook(chapter.path).cells:
        if cell.cell_type != "markdown" or {"solution", pages.INSTRUCTOR_TAG} & set(cell_tags(cell)):
            current = None if cell.cell_type == "code" else current
            continue
        for line in cell_source(cell).splitlines():
            found = pages.EXERCISE_HEADING.match(line)
            if found:
                current = found.group(1)
                prompts[current] = []
            elif line.lstrip().startswith("#"):
                current = None
            elif current is not None:
                prompts[current].append(line)
    missing = [e.eid for e in chapter.exercises if not "\n".join(prompts.get(e.eid, [])).strip()]
    if missing:
        raise EditionError(f"{chapter.path.name}: exercise {', '.join(missing)} has no question under its heading")
    return [Question(e.eid, e.title, "\n".join(prompts[e.eid]).strip(), e.eid in checkable)
            for e in chapter.exercises]


@dataclass(frozen=True)
class Packet:
    session: pages.Session
    chapter: pages.Chapter
    pids: list[str]

    @property
    def name(self) -> str:
        # Letters and digits of any script only: a file name every system and zip accepts.
        theme = "_".join(re.findall(r"\w+", self.session.theme))
        return f"第{self.session.number}次课_{theme}"


def session_packets(corpus: xinzhi.Corpus | None = None) -> list[Packet]:
    corpus = corpus or xinzhi.load_corpus()
    chapters = {c.number: c for c in pages.read_chapters()}
    out = []
    for session in pages.read_sessions():
        if session.chapter not in chapters:
            raise EditionError(f"session {session.number} names chapter {session.chapter}, which does not exist")
        out.append(Packet(session, chapters[session.chapter], pages.expand_reading(corpus, session.reading)))
    return out


PREAMBLE = r"""\documentclass[a4paper,11pt]{article}
%(fonts)s
\usepackage[a4paper,top=2.2cm,bottom=2.4cm,left=2.2cm,right=5.4cm,headheight=15pt]{geometry}
\usepackage{enumitem,fancyhdr,multicol}
\hyphenpenalty=10000 \exhyphenpenalty=10000
\setlength{\parindent}{0pt}\setlength{\parskip}{0.5em}
\pagestyle{fancy}\fancyhf{}
\fancyhead[L]{\small 新质生产力研读 · 研讨课阅读材料}
\fancyhead[R]{\small %(header)s}
\fancyfoot[C]{\small \thepage}
\makeatletter
\newcount\xz@lines
\newcommand{\notelines}[1]{\par\xz@lines=#1\relax\loop\ifnum\xz@lines>0
  \vspace{0.9cm}\hrule\advance\xz@lines by -1\repeat\par}
\makeatother
\begin{document}
"""


def packet_latex(packet: Packet, corpus: xinzhi.Corpus, sheet: tuple[str, int, int] = SHEET_LAYOUTS[0]) -> str:
    """The LaTeX source of one packet."""
    s, ch = packet.session, packet.chapter
    header = tex_escape(f"第 {s.number} 次课")
    lines = [
        PREAMBLE % {"fonts": xinzhi_print.font_preamble(xinzhi_print.font_files()), "header": header},
        rf"\section*{{{header}\quad {tex_escape(s.theme)}}}",
        rf"\textbf{{对应章节}}：{tex_escape(ch.title)}",
        "",
        rf"\textbf{{阅读}}（课前，共 {len(packet.pids)} 段，约 {pages.reading_minutes(corpus, packet.pids)} 分钟）：",
        r"\begin{itemize}[nosep]",
        *[rf"\item {tex_escape(r)}" for r in pages.readings(corpus, packet.pids)],
        r"\end{itemize}",
    ]
    if ch.prereading:
        lines += [r"\textbf{导读问题}（阅读时思考）：", r"\begin{enumerate}[nosep]",
                  *[rf"\item {markdown_latex(q)}" for q in ch.prereading], r"\end{enumerate}"]
    lines += [r"\textit{原文逐字照录，段首是段落编号（pid）；右侧留白供批注。}", ""]
    essay = None
    for pid in packet.pids:
        paragraph = corpus[pid]
        if paragraph.essay != essay:
            essay = paragraph.essay
            lines += [rf"\subsection*{{第 {essay} 篇　{tex_escape(corpus.essay(essay).title)}}}", ""]
        lines += [rf"\textbf{{{tex_escape(cite(pid))}}} {tex_escape(paragraph.text)}", ""]
    lines += [r"\subsection*{讨论题}", r"\begin{enumerate}",
              *[rf"\item {markdown_latex(q)}" for q in ch.questions], r"\end{enumerate}",
              r"\newpage", r"\subsection*{笔记}", r"\notelines{22}",
              # The sheet uses the page's whole width, and lists without extra space.
              r"\newgeometry{top=1.6cm,bottom=1.6cm,left=1.8cm,right=1.8cm,headheight=15pt}",
              r"\setlist{nosep}\setlength{\parskip}{0.3em}",
              r"\label{sheet-start}", sheet[0],
              rf"\subsection*{{练习单\quad {tex_escape(ch.title)}}}",
              r"姓名\underline{\hspace{4cm}}\qquad 日期\underline{\hspace{3cm}}", ""]
    if sheet[1] > 1:
        lines += [rf"\begin{{multicols}}{{{sheet[1]}}}"]
    for q in exercise_questions(ch):
        # The answer goes at the end of the question's last line when there is room.
        answer = _AT_LINE_END % (r"答：\underline{\hspace{4cm}}" if q.checkable
                                 else r"\textit{（讨论题：答在笔记页或另纸上）}")
        lines += [rf"\textbf{{练习 {q.eid}\quad {tex_escape(q.title)}}}\par",
                  markdown_latex(q.prompt) + answer, ""]
    # Inside the columns: a label after them, alone at the end, may be dropped with an
    # empty last page.
    lines += [r"\label{sheet-end}"]
    if sheet[1] > 1:
        lines += [r"\end{multicols}"]
    lines += [r"\end{document}", ""]
    return "\n".join(lines)


def _label_pages(aux: Path) -> dict[str, int]:
    found = re.findall(r"\\newlabel\{([\w-]+)\}\{\{[^{}]*\}\{(\d+)\}", aux.read_text(encoding="utf-8", errors="replace"))
    return {name: int(page) for name, page in found}


def build_packet(packet: Packet, corpus: xinzhi.Corpus, outdir: Path, work: Path) -> Path:
    """Compile one packet, its exercise sheet in the first of :data:`SHEET_LAYOUTS` that fits."""
    work.mkdir(parents=True, exist_ok=True)
    for layout in SHEET_LAYOUTS:
        tex = work / f"session{packet.session.number}.tex"
        tex.write_text(packet_latex(packet, corpus, layout), encoding="utf-8")
        compiled = compile_latex(tex)
        labels = _label_pages(tex.with_suffix(".aux"))
        if "sheet-end" not in labels:
            raise EditionError(f"{tex}: the exercise sheet's end was not found in {tex.with_suffix('.aux').name}")
        if labels["sheet-end"] - labels["sheet-start"] < layout[2]:
            break
    else:
        raise EditionError(f"the exercise sheet of session {packet.session.number} does not fit the two "
                           f"sides of one sheet; shorten its questions")
    out = outdir / f"{packet.name}.pdf"
    shutil.copyfile(compiled.pdf, out)
    return out


def sessions_into(outdir: Path) -> tuple[xinzhi.Corpus, list[Packet]]:
    """The corpus and each session's packet data, with ``outdir`` emptied for their
    files (the packets here, the slides in ``book/slides.py``)."""
    corpus = xinzhi.load_corpus()
    try:
        found = session_packets(corpus)
    except pages.BookSourceError as exc:
        raise EditionError(str(exc)) from None
    shutil.rmtree(outdir, ignore_errors=True)
    Path(outdir).mkdir(parents=True)
    return corpus, found


def build_packets(outdir: Path = PACKETS, work: Path = BUILD / "packets-work") -> list[Path]:
    """One packet per session of the syllabus, in ``outdir`` (emptied first); the LaTeX
    sources and logs stay in ``work``."""
    corpus, found = sessions_into(Path(outdir))
    return [build_packet(p, corpus, Path(outdir), Path(work)) for p in found]
