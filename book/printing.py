"""The book as files: the typeset PDF and the EPUB (used by ``book/editions.py``).

    python book/editions.py pdf    # study edition, XeLaTeX + ctex -> book/_build/pdf/xinzhi.pdf
    python book/editions.py epub   # EPUB 3, checked by epubcheck -> book/_build/epub/xinzhi.epub

Both run Jupyter Book's own builders (LaTeX; Sphinx's ``epub`` as a custom builder) on the
same sources as the site, with every Sphinx warning an error; ``book/_ext/xinzhi_print.py``
and ``xinzhi_epub.py`` set the fonts, the layout and the metadata and move each chapter's
solutions to its end.
The PDF is then compiled with latexmk and XeLaTeX, and its log is read: a missing
character, an undefined reference or any other LaTeX warning stops the build, so a PDF
that is written is a clean one.  The EPUB is checked with Debian's epubcheck.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from editions import BUILD, EditionError, _jupyter_book

_EXT = Path(__file__).resolve().parent / "_ext"
if str(_EXT) not in sys.path:  # the book's extension modules, as Sphinx loads them
    sys.path.insert(0, str(_EXT))

from xinzhi_epub import EPUB_NAME  # noqa: E402
from xinzhi_print import TEX_NAME  # noqa: E402

PDF = BUILD / "pdf" / "xinzhi.pdf"
EPUB = BUILD / "epub" / "xinzhi.epub"
#: Where Jupyter Book writes the LaTeX sources and the EPUB's files (one folder each:
#: their pages are read differently, so they keep their own doctrees).
LATEX_WORK = BUILD / "print-latex"
EPUB_WORK = BUILD / "print-epub"
TEX_PACKAGES = "texlive-xetex texlive-lang-chinese texlive-fonts-recommended texlive-latex-extra fonts-lmodern latexmk"
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")

#: A line of a LaTeX log that makes a PDF unclean.
_LOG_PROBLEM = re.compile(r"Missing character|Warning:|^! ", re.M)


@dataclass(frozen=True)
class Compiled:
    pdf: Path
    log: Path


def latex_problems(log: str) -> list[str]:
    """The lines of a XeLaTeX log that say something is wrong: a missing character, a
    LaTeX, package or font warning, an error.

    >>> latex_problems("Missing character: There is no ✅ in font x!\\n(./a.aux)\\n"
    ...                "LaTeX Warning: Reference `x' on page 1 undefined on input line 2.")
    ['Missing character: There is no ✅ in font x!', "LaTeX Warning: Reference `x' on page 1 undefined on input line 2."]
    >>> latex_problems("Package: infwarerr 2019/12/03 v1.5 Providing info/warning/error messages")
    []
    """
    return [line.strip() for line in log.splitlines() if _LOG_PROBLEM.search(line)]


def require_tex() -> None:
    missing = [tool for tool in ("latexmk", "xelatex") if shutil.which(tool) is None]
    if missing:
        raise EditionError(
            f"the PDF needs TeX ({', '.join(missing)} not found); on Debian or Ubuntu: "
            f"sudo apt-get install {TEX_PACKAGES}"
        )


def compile_latex(tex: Path) -> Compiled:
    """Compile ``tex`` with latexmk and XeLaTeX in its folder; a clean log or an error."""
    require_tex()
    tex = Path(tex)
    cmd = ["latexmk", "-pdfxe", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", tex.name]
    result = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True, check=False)
    log_path = tex.with_suffix(".log")
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    pdf = tex.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.is_file():
        errors = [ln for ln in log.splitlines() if ln.startswith("!") or re.match(r"^\S+:\d+: ", ln)]
        detail = "\n".join(errors[:5]) or "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise EditionError(f"XeLaTeX stopped on {tex.name} (full log: {log_path}):\n{detail}")
    problems = latex_problems(log)
    if problems:
        shown = "\n".join(sorted(set(problems))[:20])
        raise EditionError(
            f"{tex.name} compiled, but its log has {len(problems)} warning(s); a printed book "
            f"has none (full log: {log_path}):\n{shown}"
        )
    return Compiled(pdf, log_path)


def build_pdf(out: Path = PDF, *, work: Path = LATEX_WORK, quiet: bool = False) -> Path:
    """The study edition as a typeset PDF at ``out`` (the LaTeX sources and the log stay
    in ``work/_build/latex``)."""
    require_tex()
    _jupyter_book("study", Path(work), ["--builder", "latex"], env={"XINZHI_BUILDER": "latex"},
                  quiet=quiet, what="LaTeX of the PDF")
    compiled = compile_latex(Path(work) / "_build" / "latex" / TEX_NAME)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(compiled.pdf, out)
    return out


# --- the e-book ----------------------------------------------------------------------


def epubcheck_command() -> list[str] | None:
    """How to run epubcheck here (Debian installs a jar and links it as ``epubcheck``)."""
    jar = Path(os.environ.get("EPUBCHECK_JAR", EPUBCHECK_JAR))
    if jar.is_file() and shutil.which("java"):
        return ["java", "-jar", str(jar)]
    found = shutil.which("epubcheck")
    return [found] if found and not found.endswith(".jar") else None


def check_epub(path: Path) -> str:
    """Run epubcheck on ``path``; its report, or an EditionError with the messages."""
    cmd = epubcheck_command()
    if cmd is None:
        raise EditionError("epubcheck is not installed; on Debian or Ubuntu: sudo apt-get install epubcheck")
    result = subprocess.run([*cmd, str(path)], capture_output=True, text=True, check=False)
    report = (result.stdout + result.stderr).strip()
    messages = [ln for ln in report.splitlines() if ln.startswith(("ERROR", "FATAL", "WARNING"))]
    if result.returncode != 0 or messages:
        raise EditionError(f"epubcheck found problems in {path.name}:\n" + "\n".join(messages[:30] or [report]))
    return report


def build_epub(out: Path = EPUB, *, work: Path = EPUB_WORK, quiet: bool = False, check: bool = True) -> Path:
    """The study edition as EPUB 3 at ``out``, checked by epubcheck when ``check``."""
    work = Path(work)
    # Every file in the output folder goes into the e-book: start from an empty one (the
    # doctrees are kept, so a rebuild is still quick).
    shutil.rmtree(work / "_build" / "epub", ignore_errors=True)
    _jupyter_book("study", work, ["--builder", "custom", "--custom-builder", "epub"],
                  env={"XINZHI_BUILDER": "epub"}, quiet=quiet, what="EPUB")
    built = work / "_build" / "epub" / f"{EPUB_NAME}.epub"
    if check:
        check_epub(built)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, out)
    return out
