"""The ``xinzhi`` command: read and explore the eight essays from a terminal.

``xinzhi info`` lists the essays, ``xinzhi show 3.5`` prints a paragraph by its pid,
``xinzhi kwic``, ``xinzhi freq`` and ``xinzhi keywords`` run the analyses of
:mod:`xinzhi.analysis`; ``xinzhi answers FILE`` checks the answers of a web-page export
(:mod:`xinzhi.practice`), ``xinzhi grade`` grades a class (:mod:`xinzhi.grading`) and
``xinzhi lab`` starts JupyterLab for the book (:mod:`xinzhi.lab`).  Tables are aligned
by display width, so Chinese (two terminal columns a character) lines up with digits and
Latin letters (one column).

Start-up is kept quick: this module imports only the standard library and
:mod:`xinzhi.corpus`; pandas and jieba are imported inside the subcommands that need
them, so ``xinzhi --help`` and ``xinzhi show 3.5`` never load them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Sequence

from .conventions import READING_SPEED, reading_minutes
from .conventions import cite as pid_cite
from .textwidth import display_width, format_table, wrap_text

__all__ = ["main", "build_parser"]

EPILOG = """\
paragraph ids (pids):
  Every paragraph is cited as E.N, essay then paragraph, e.g. 3.5 (written 〔3.5〕
  in the book).  `xinzhi info` shows how many paragraphs each essay has.

examples:
  xinzhi info                       the eight essays: pages, sections, reading time
  xinzhi show 3.5                   paragraph 3.5 (〔3.5〕 works too)
  xinzhi show 1.1 1.2               several paragraphs, in the order given
  xinzhi kwic 新质生产力 --essay 3  every occurrence in context (关键词语境)
  xinzhi freq --top 20              the 20 most frequent words (词频)
  xinzhi keywords --essay 5         keywords of essay 5 (关键词, TF-IDF)
  xinzhi --corpus my.txt info       use another copy of the essays file
  xinzhi answers FILE.json          check a web-page export (我的进度 → 导出)
  xinzhi lab notebooks              JupyterLab on the notebooks, in Chinese

Run `xinzhi COMMAND --help` for the options of one command."""


# --- the command line --------------------------------------------------------------

class CliError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' line breaks; wraps one-paragraph descriptions by display
    width (argparse's own wrapping counts a Chinese character as one column)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line.rstrip() for line in wrap_text(text, width - len(indent)))


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of usage + message."""

    def error(self, message: str):  # type: ignore[override]
        raise CliError(f"{message} (see `{self.prog} --help`)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return value


def _essay_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an essay number such as 3, not {text!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``xinzhi`` command (subcommands and their options)."""
    from . import __version__

    # --corpus/--encoding are accepted before or after the subcommand; SUPPRESS keeps a
    # subcommand's unset copy from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    source = common.add_argument_group("corpus file")
    source.add_argument(
        "--corpus", metavar="PATH", default=argparse.SUPPRESS,
        help="read the essays from this file instead of the project's own copy",
    )
    source.add_argument(
        "--encoding", metavar="ENC", default=argparse.SUPPRESS,
        help="the file's text encoding (default utf-8; e.g. gbk)",
    )

    parser = _Parser(
        prog="xinzhi",
        description="Read and explore eight Chinese essays on 新质生产力 "
        "(new quality productive forces): list them, show paragraphs by their id, "
        "find words in context, count words and extract keywords.",
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def add(name: str, summary: str, description: str, epilog: str, *,
            reads_corpus: bool = True) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=description, epilog=epilog,
            formatter_class=_HelpFormatter, parents=[common] if reads_corpus else [],
        )

    p = add(
        "info", "list the eight essays (目录): pages, sections, paragraphs, reading time",
        "List the eight essays with their number, title, column label (栏目), start page "
        "in the source PDF, number of sections and paragraphs, Han characters (汉字) and "
        f"reading time in minutes (at {READING_SPEED} Han characters a minute).",
        "example:\n  xinzhi info",
    )
    p.set_defaults(func=cmd_info)

    p = add(
        "show", "print paragraphs by their id, e.g. 3.5",
        "Print one or more paragraphs with their essay and section, wrapped to the "
        "terminal's width, each followed by its citation 〔E.N〕.",
        "examples:\n  xinzhi show 3.5\n  xinzhi show 〔3.5〕 3.6",
    )
    p.add_argument("pids", nargs="+", metavar="PID",
                   help="a paragraph id E.N (essay.paragraph), e.g. 3.5 or 〔3.5〕")
    p.set_defaults(func=cmd_show)

    p = add(
        "kwic", "a word in its contexts (关键词语境, keyword in context)",
        "Show every occurrence of TERM with the text to its left and right, the term "
        "in an aligned column, and the paragraph id of each line.",
        "examples:\n  xinzhi kwic 卡脖子\n  xinzhi kwic 新质生产力 --essay 3 --width 12",
    )
    p.add_argument("term", metavar="TERM", help="the word or phrase to look for")
    p.add_argument("--width", type=_positive_int, metavar="N",
                   help="characters of context on each side")
    p.add_argument("--essay", type=_essay_number, metavar="N",
                   help="only essay N (1 to 8)")
    p.set_defaults(func=cmd_kwic)

    p = add(
        "freq", "the most frequent words (词频)",
        "Count words (jieba segmentation with the project's dictionary, stopwords and "
        "punctuation left out) over all essays or over one essay; share is the word's "
        "part of all counted words.",
        "examples:\n  xinzhi freq\n  xinzhi freq --essay 4 --top 10",
    )
    p.add_argument("--essay", type=_essay_number, metavar="N", help="only essay N (1 to 8)")
    p.add_argument("--top", type=_positive_int, default=20, metavar="K",
                   help="how many words to list (default 20)")
    p.set_defaults(func=cmd_freq)

    p = add(
        "keywords", "keywords of each essay (关键词, TF-IDF or TextRank)",
        "Extract the keywords of every essay, or of one, ranked by weight: TF-IDF with "
        "the eight essays' paragraphs as documents, or TextRank.",
        "examples:\n  xinzhi keywords --top 5\n  xinzhi keywords --essay 3 --method textrank",
    )
    p.add_argument("--essay", type=_essay_number, metavar="N", help="only essay N (1 to 8)")
    p.add_argument("--top", type=_positive_int, default=10, metavar="K",
                   help="keywords per essay (default 10)")
    p.add_argument("--method", choices=("tfidf", "textrank"), default="tfidf",
                   help="tfidf (default) or textrank")
    p.set_defaults(func=cmd_keywords)

    p = add(
        "answers", "check the answers in a web-page export (我的进度 → 导出)",
        "Read the JSON file that the book's page 我的进度 exports, check every answer in "
        "it again (the page's own verdict is not trusted) and print one line per "
        "exercise: id, verdict now, the page's verdict, and the feedback; then the notes. "
        "The format is documented in xinzhi.practice.",
        "example:\n  xinzhi answers xinzhi-answers-20261203-1015.json",
    )
    p.add_argument("export", metavar="FILE", help="the .json file the page exported")
    p.set_defaults(func=cmd_answers)

    p = add(
        "grade", "grade a class: handout notebooks and web exports, one folder per student",
        "Grade every student folder in SUBMISSIONS (each with that student's chapter "
        "notebooks and/or the JSON files that 我的进度 exports) with the full answer keys. "
        "Notebooks are run again, each in its own kernel, several at once, every cell within "
        "--timeout seconds: answers computed by code are computed again. Writes "
        "gradebook.csv and gradebook.xlsx, feedback/<student>.md and .html, summary.csv, "
        "summary.md and summary.png, and problems.csv (every file not graded, and why) into "
        "--out. See xinzhi.grading.",
        "example:\n  xinzhi grade submissions/ --out graded/",
    )
    p.add_argument("submissions", metavar="SUBMISSIONS", type=Path, help="the folder with one folder per student")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="where the gradebook and feedback go")
    p.add_argument("--timeout", type=int, default=60, metavar="S", help="seconds each notebook cell may take (default 60)")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="notebooks run at once (default: the machine's cores)")
    p.set_defaults(func=cmd_grade)

    p = add(
        "lab", "JupyterLab on the notebooks, in Chinese, quiet and offline",
        "Start JupyterLab on FOLDER with the book's settings (xinzhi.lab): the interface in "
        "Simplified Chinese, no news or update checks, an extension manager that never "
        "queries PyPI; it opens on 00_导读.ipynb when FOLDER has it. Prints the address "
        "to open; Ctrl-C stops it. The server's log goes to a file, not the terminal.",
        "examples:\n  xinzhi lab notebooks\n  xinzhi lab . --port 9999 --no-browser",
        reads_corpus=False,
    )
    p.add_argument("folder", metavar="FOLDER", nargs="?", default=".", type=Path,
                   help="the folder of the notebooks (default: this folder)")
    p.add_argument("--port", type=_positive_int, metavar="N",
                   help="the port to try first (default 8888; the next free one if taken)")
    p.add_argument("--ip", metavar="ADDR",
                   help="the address to listen on (default localhost; 0.0.0.0 in a container)")
    p.add_argument("--no-browser", dest="browser", action="store_false",
                   help="do not open a browser")
    p.set_defaults(func=cmd_lab)
    return parser


# --- subcommands -----------------------------------------------------------------

def _load(args: argparse.Namespace):
    from .corpus import CorpusError, load_corpus

    try:
        return load_corpus(getattr(args, "corpus", None),
                           encoding=getattr(args, "encoding", None) or "utf-8")
    except (OSError, CorpusError) as exc:
        raise CliError(str(exc)) from None


def _analysis_call(func, *args, **kwargs):
    """Run an analysis function; a ValueError/KeyError there is a bad request."""
    try:
        return func(*args, **kwargs)
    except (KeyError, ValueError) as exc:
        raise CliError(str(exc.args[0]) if exc.args else type(exc).__name__) from None


def _terminal_width() -> int:
    return shutil.get_terminal_size((80, 24)).columns


def _table_width() -> int | None:
    # shorten tables only on a terminal; piped output keeps every character
    return _terminal_width() if sys.stdout.isatty() else None


def cmd_info(args: argparse.Namespace) -> int:
    corpus = _load(args)
    table = corpus.essays_table
    rows = [
        [r.essay, r.title, r.column, r.page, r.sections, r.paragraphs, r.han, f"{r.minutes:.1f}"]
        for r in table.itertuples(index=False)
    ]
    print(format_table(
        rows, ["#", "title", "column", "page", "sections", "paras", "han", "min"],
        max_width=_table_width(),
    ))
    print(
        f"\n{len(table)} essays, {int(table.paragraphs.sum())} paragraphs, "
        f"{int(table.han.sum())} Han characters, about {reading_minutes(table.han.sum())} "
        "minutes of reading."
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    corpus = _load(args)
    found = []
    for pid in args.pids:  # every pid is checked before anything is printed
        try:
            found.append(corpus.paragraph(pid))
        except KeyError as exc:
            raise CliError(exc.args[0]) from None
    width = max(20, _terminal_width() - 1)
    blocks = []
    for p in found:
        essay = corpus.essay(p.essay)
        lines = wrap_text(p.text, width)
        cite = pid_cite(p.pid)
        if display_width(lines[-1]) + display_width(cite) <= width:
            lines[-1] += cite
        else:
            lines.append(cite)
        blocks.append("\n".join([f"essay {essay.number}  {essay.title}",
                                 f"section  {p.section}", "", *lines]))
    print("\n\n".join(blocks))
    return 0


def cmd_kwic(args: argparse.Namespace) -> int:
    corpus = _load(args)
    from . import analysis

    kwargs: dict[str, Any] = {"essay": args.essay}
    if args.width is not None:
        kwargs["width"] = args.width
    table = _analysis_call(analysis.kwic, corpus, args.term, **kwargs)
    if table.empty:
        where = f" in essay {args.essay}" if args.essay else ""
        print(f"xinzhi: no occurrences of {args.term!r}{where}", file=sys.stderr)
        return 0
    rows = [[r.pid, r.left, r.term, r.right] for r in table.itertuples(index=False)]
    print(format_table(rows, ["pid", "left", "term", "right"], align="lrll",
                       max_width=_table_width()))
    return 0


def cmd_freq(args: argparse.Namespace) -> int:
    corpus = _load(args)
    from . import analysis

    if args.essay is not None:
        _analysis_call(corpus.essay, args.essay)
    by = "essay" if args.essay else None
    table = _analysis_call(analysis.term_frequencies, corpus, by=by, top=args.top)
    if args.essay:
        table = table[table["essay"] == args.essay]
    rows = [
        [i, r.token, r.count, f"{r.share:.2%}"]
        for i, r in enumerate(table.itertuples(index=False), start=1)
    ]
    print(format_table(rows, ["rank", "token", "count", "share"]))
    return 0


def cmd_keywords(args: argparse.Namespace) -> int:
    corpus = _load(args)
    from . import analysis

    table = _analysis_call(analysis.keywords, corpus, essay=args.essay, top=args.top,
                           method=args.method)
    rows = [[r.essay, r.rank, r.keyword, f"{r.weight:.4f}"]
            for r in table.itertuples(index=False)]
    print(format_table(rows, ["essay", "rank", "keyword", "weight"]))
    return 0


_VERDICTS = {"right": "答对", "wrong": "还不对", "blank": "未作答", "error": "无法检查"}


def cmd_answers(args: argparse.Namespace) -> int:
    from .errors import ExportError
    from .practice import grade_export, read_export

    try:
        export = read_export(args.export)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    graded = grade_export(export)
    rows = [[g.exercise, _VERDICTS[g.verdict.kind], _VERDICTS.get(g.page_verdict, g.page_verdict),
             g.verdict.lines[0]] for g in graded]
    right = sum(1 for g in graded if g.verdict.ok)
    print(f"{export.get('book', '')} {export['book_version']}, exported {export['exported']}")
    if rows:
        print(format_table(rows, ["exercise", "verdict", "page said", "feedback"], align="llll",
                           max_width=_table_width()))
    print(f"answers: {len(rows)}, right: {right}; notes: {len(export['notes'])}")
    for eid, note in sorted(export["notes"].items()):
        print(f"\nnote {eid} ({note['saved']}):")
        for line in note["text"].splitlines():
            print("\n".join(wrap_text(line, _terminal_width())))
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from . import grading
    from .errors import XinzhiError

    if args.timeout < 1 or (args.workers is not None and args.workers < 1):
        raise CliError("--timeout and --workers must be at least 1")
    try:
        book = grading.grade_folder(args.submissions, timeout=args.timeout, workers=args.workers)
        written = grading.write_gradebook(book, args.out)
    except XinzhiError as exc:
        raise CliError(str(exc)) from None
    graded = sum(len(files) for files in book.graded_files.values())
    print(f"students: {len(book.students)}, files graded: {graded}, problems: {len(book.problems)}")
    print(f"written: {len(written)} files in {args.out} (gradebook.csv, gradebook.xlsx, feedback/, "
          "summary.*, problems.csv)")
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from . import lab

    try:
        return lab.run(args.folder, port=args.port, ip=args.ip, browser=args.browser)
    except lab.LabError as exc:
        raise CliError(str(exc)) from None


# --- entry point ---------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``xinzhi`` command with ``argv`` (default ``sys.argv[1:]``); return the
    exit status: 0 done, 2 a bad request (one line on stderr, no traceback).

    >>> main(["show", "8.1"])  # doctest: +ELLIPSIS
    essay 8  准确把握新质生产力内涵 着力推动经济高质量发展
    section  （导语）
    <BLANKLINE>
    ...〔8.1〕
    0
    """
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version end here
            return exc.code if isinstance(exc.code, int) else 0
        if not getattr(args, "command", None):
            parser.print_help()
            return 0
        status = args.func(args)
        sys.stdout.flush()
        return status
    except CliError as exc:
        message = " ".join(str(exc).split("\n"))  # one line, whatever the message
        print(f"xinzhi: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (`xinzhi info | head -1`): stop quietly, and point stdout
        # at devnull so the interpreter's final flush does not complain either
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except UnicodeEncodeError:
        enc = getattr(sys.stdout, "encoding", "?")
        print(f"xinzhi: error: the output encoding {enc} cannot show Chinese; "
              "set PYTHONIOENCODING=utf-8", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
