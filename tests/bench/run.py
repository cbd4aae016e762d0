"""Benchmarks for xinzhi: timings with goals, printed as a table (not a test).

Run all of them with ``make bench``, or one with ``python tests/bench/run.py --only
segment``; ``--list`` names them.  See ``tests/bench/README.md`` for what each
measures and why the goals are what they are.

A benchmark is a function decorated with :func:`benchmark`; it returns
:class:`Result` rows (and notes) that :func:`main` prints in one table.  Adding one
(the book's build timings, say) is one more decorated function.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

try:
    import resource
except ImportError:  # Windows: no CPU figures, the wall-clock ones still stand
    resource = None

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


@dataclass
class Result:
    """One row of the report: a scenario's timings, against a baseline or a limit."""

    benchmark: str
    scenario: str
    ours: list[float]  #: seconds, one per run
    baseline: list[float] | None = None  #: seconds, one per run (for a ratio)
    goal: str = ""  #: e.g. "<= 0.7x" or "<= 10 s"
    limit: float | None = None  #: the goal's number: a ratio, or seconds
    note: str = ""
    ours_cpu: list[float] | None = None  #: CPU seconds (user + system), one per run
    baseline_cpu: list[float] | None = None
    at_least: bool = False  #: the goal is a floor (a score), not a ceiling

    @property
    def ratio(self) -> float | None:
        if not self.baseline:
            return None
        return statistics.median(self.ours) / statistics.median(self.baseline)

    @property
    def cpu_ratio(self) -> float | None:
        if not (self.ours_cpu and self.baseline_cpu):
            return None
        return statistics.median(self.ours_cpu) / statistics.median(self.baseline_cpu)

    @property
    def met(self) -> bool | None:
        if self.limit is None:
            return None
        value = self.ratio if self.baseline else statistics.median(self.ours)
        if value is None:
            return False
        return value >= self.limit if self.at_least else value <= self.limit


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Benchmark:
    name: str
    summary: str
    func: Callable[[argparse.Namespace, Report], None]


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, summary: str):
    """Register ``func(args, report)`` as the benchmark ``name``."""

    def register(func):
        BENCHMARKS[name] = Benchmark(name, summary, func)
        return func

    return register


class BenchError(RuntimeError):
    """A measured process failed: its output is in the message."""


def _children_cpu() -> float:
    if resource is None:
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(code: str, env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall-clock seconds a fresh ``python -c code`` takes, start to exit (output
    discarded), and the CPU seconds it used (a cross-check on a busy machine, where
    wall-clock time also counts the waiting for a core)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BenchError(f"`python -c {code!r}` failed ({proc.returncode}):\n" + "\n".join(tail))
    return elapsed, cpu


class Timings:
    """Wall-clock and CPU seconds of repeated runs of one process."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, timing: tuple[float, float]) -> None:
        self.wall.append(timing[0])
        self.cpu.append(timing[1])


def compare(benchmark: str, scenario: str, ours: Timings, base: Timings, goal: str = "",
            limit: float | None = None, note: str = "") -> Result:
    return Result(benchmark, scenario, ours.wall, base.wall, goal, limit, note,
                  ours_cpu=ours.cpu, baseline_cpu=base.cpu)


def fresh_dirs(parent: Path) -> dict[str, str]:
    """Environment overrides that give a process empty caches: our cache directory and
    the temporary directory where jieba's default tokenizer keeps ``jieba.cache``."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=parent))
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=parent))
    return {"XINZHI_CACHE_DIR": str(cache), "TMPDIR": str(tmp)}


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("XINZHI_CACHE_DIR", "TMPDIR", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    return env


# --- benchmarks ------------------------------------------------------------------

OURS = "import xinzhi; c = xinzhi.load_corpus(); c.tokens"


def baseline_code() -> str:
    from xinzhi.corpus import default_corpus_path

    return f"import jieba; jieba.lcut(open({str(default_corpus_path())!r}, encoding='utf-8').read())"


@benchmark("segment", "load_corpus() + .tokens vs a bare jieba.lcut of the raw file")
def bench_segment(args: argparse.Namespace, report: Report) -> None:
    baseline = baseline_code()
    env0 = base_env()
    with tempfile.TemporaryDirectory(prefix="xinzhi-bench-") as tmp:
        parent = Path(tmp)

        # cold: every run gets its own empty caches; the order alternates so that
        # neither side always runs just after the other
        ours, base = Timings(), Timings()
        for i in range(args.runs):
            jobs = [(ours, OURS), (base, baseline)]
            for times, code in jobs if i % 2 == 0 else jobs[::-1]:
                times.add(run_process(code, env0 | fresh_dirs(parent)))
        report.results.append(compare("segment", "cold", ours, base, "<= 1.3x", 1.3))

        # warm: one set of caches per side, filled by an untimed first run
        warm_ours, warm_base = env0 | fresh_dirs(parent), env0 | fresh_dirs(parent)
        run_process(OURS, warm_ours)
        run_process(baseline, warm_base)
        filled = {
            "our token table": any(Path(warm_ours["XINZHI_CACHE_DIR"]).glob("tokens-*.pkl")),
            "jieba's default cache": (Path(warm_base["TMPDIR"]) / "jieba.cache").is_file(),
        }
        ours, base = Timings(), Timings()
        for i in range(args.runs):
            jobs = [(ours, OURS, warm_ours), (base, baseline, warm_base)]
            for times, code, env in jobs if i % 2 == 0 else jobs[::-1]:
                times.add(run_process(code, env))
        missing = [k for k, ok in filled.items() if not ok]
        report.results.append(compare(
            "segment", "warm", ours, base, "<= 0.7x", 0.7,
            note="not cached: " + ", ".join(missing) if missing else "",
        ))
    report.notes.append(
        "segment: ours = a fresh `python -c \"" + OURS + "\"`; baseline = a fresh "
        "`python -c \"import jieba; jieba.lcut(<the raw essays file>)\"`. "
        "cold = both start with empty caches (a new $XINZHI_CACHE_DIR, and a new "
        "$TMPDIR where jieba keeps its default jieba.cache) as on a fresh machine; "
        "warm = the caches a previous run left. The ratio is ours / baseline "
        "(medians of wall-clock time); it is the headline, since machines differ. The cpu "
        "ratio (user + system time) is a cross-check: on a busy machine wall-clock time "
        "also counts waiting for a core."
    )


@benchmark("cli", "start-up of the xinzhi command (fresh processes, warm caches)")
def bench_cli(args: argparse.Namespace, report: Report) -> None:
    env = base_env()
    commands = {
        "xinzhi --help": ["--help"],
        "xinzhi show 3.5": ["show", "3.5"],
        "xinzhi info": ["info"],
    }
    bare = Timings()
    for _ in range(args.runs):
        bare.add(run_process("pass", env))
    for label, argv in commands.items():
        code = f"import sys; from xinzhi.cli import main; sys.exit(main({argv!r}))"
        times = Timings()
        for _ in range(args.runs):
            times.add(run_process(code, env))
        report.results.append(compare("cli", label, times, bare))
    report.notes.append(
        "cli: each command against a bare `python -c pass` (ratio = how many times the "
        "interpreter's own start-up); --help and show must not import pandas or jieba."
    )


@benchmark("notebooks", "execute each notebooks/[0-9]*.ipynb with nbclient, and all in turn")
def bench_notebooks(args: argparse.Namespace, report: Report) -> None:
    paths = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    if not paths:
        report.notes.append(
            f"notebooks: skipped, there are no notebooks yet ({NOTEBOOKS.relative_to(ROOT)}/"
            "[0-9]*.ipynb)."
        )
        return
    from nbclient import NotebookClient

    from xinzhi.conventions import read_notebook

    total = 0.0
    failed = False
    saved = os.environ.get("XINZHI_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="xinzhi-bench-nb-") as tmp:
        # one fresh cache for the whole sequence: the first notebook pays for building
        # it, as it would for a student on a new machine; the kernels inherit it
        os.environ["XINZHI_CACHE_DIR"] = str(Path(tmp) / "cache")
        try:
            for path in paths:
                copy = Path(tmp) / path.name  # the repository's file is never written
                shutil.copyfile(path, copy)
                nb = read_notebook(copy)
                client = NotebookClient(
                    nb, kernel_name="python3", timeout=600,
                    resources={"metadata": {"path": str(NOTEBOOKS)}},
                )
                start = time.perf_counter()
                note = ""
                try:
                    # the kernel's own stderr carries only its start-up chatter here
                    client.execute(stderr=subprocess.DEVNULL)
                except Exception as exc:  # report it and go on with the others
                    failed = True
                    note = f"FAILED: {type(exc).__name__}: {str(exc).strip().splitlines()[-1:]}"
                elapsed = time.perf_counter() - start
                total += elapsed
                if not note:
                    note = _slowest_cell(nb)
                report.results.append(
                    Result("notebooks", path.name, [elapsed], goal="<= 10 s", limit=10.0,
                           note=note)
                )
        finally:
            if saved is None:
                os.environ.pop("XINZHI_CACHE_DIR", None)
            else:
                os.environ["XINZHI_CACHE_DIR"] = saved
    report.results.append(
        Result("notebooks", f"all {len(paths)} in turn", [total], goal="<= 60 s", limit=60.0,
               note="a notebook failed" if failed else "")
    )
    report.notes.append(
        "notebooks: each runs once in a new python3 kernel (start-up included), from a "
        "temporary copy, with notebooks/ as working directory; the sequence shares one "
        "fresh cache directory."
    )


def _slowest_cell(nb) -> str:
    """Which code cell took longest, from the timings nbclient records in its metadata."""
    from datetime import datetime

    slowest, index = 0.0, None
    for i, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type != "code" or not (begin and end):
            continue
        seconds = (datetime.fromisoformat(end.replace("Z", "+00:00"))
                   - datetime.fromisoformat(begin.replace("Z", "+00:00"))).total_seconds()
        if seconds > slowest:
            slowest, index = seconds, i
    return f"slowest: cell {index} ({slowest:.1f} s)" if index is not None else ""


@benchmark("book", "the Jupyter Book: clean build, no-change rebuild, site size, search in chromium")
def bench_book(args: argparse.Namespace, report: Report) -> None:
    build = (
        "import sys, runpy; sys.path.insert(0, {book!r}); import editions; "
        "editions.build_html('study', {out!r}, fresh={fresh}, quiet=True)"
    )
    book = str(ROOT / "book")
    env = base_env()
    with tempfile.TemporaryDirectory(prefix="xinzhi-bench-book-") as tmp:
        clean, rebuild = Timings(), Timings()
        out = Path(tmp) / "run0"
        for i in range(max(1, min(args.runs, 2))):
            # a new output folder each time: no doctrees, no HTML, as after `make clean`
            out = Path(tmp) / f"run{i}"
            clean.add(run_process(build.format(book=book, out=str(out), fresh=True), env))
        for _ in range(max(1, min(args.runs, 3))):
            rebuild.add(run_process(build.format(book=book, out=str(out), fresh=False), env))
        report.results.append(Result("book", "clean build", clean.wall, goal="<= 90 s", limit=90.0,
                                     ours_cpu=clean.cpu))
        report.results.append(Result("book", "no-change rebuild", rebuild.wall, goal="<= 15 s",
                                     limit=15.0, ours_cpu=rebuild.cpu))

        site = out / "_build" / "html"
        files = [p for p in site.rglob("*") if p.is_file()]
        pages = [p for p in files if p.suffix == ".html"]
        total = sum(p.stat().st_size for p in files) / 2**20
        largest = max(pages, key=lambda p: p.stat().st_size)
        report.results.append(Result("book", "site size (MB)", [total], goal="<= 30 MB", limit=30.0,
                                     note=f"{len(pages)} HTML pages, {len(files)} files"))
        report.results.append(Result("book", "largest page (MB)", [largest.stat().st_size / 2**20],
                                     goal="<= 2 MB", limit=2.0, note=str(largest.relative_to(site))))
        added = _practice_bytes(site)
        report.results.append(Result(
            "book", "practice: added KB per chapter page", [added["page_max"] / 1024], goal="<= 60 KB", limit=60.0,
            note=f"largest chapter: forms and inline keys {added['inline_max'] / 1024:.1f} KB + scripts "
            f"{added['scripts'] / 1024:.1f} KB (xinzhi-check.js, xinzhi-practice.js; cached after the first page)",
        ))
        try:
            for term, times in _search_times(site, max(1, min(args.runs, 5))).items():
                first = term.endswith("(first)")
                report.results.append(Result(
                    "book", f"search {term}", times, goal="<= 0.3 s" if first else "<= 0.5 s",
                    limit=0.3 if first else 0.5,
                    note="from navigating to search.html?q=, page load included; before issue 10: "
                    + ("0.6-0.75 s" if first else "1.05-1.20 s (1.3-1.6 s until every snippet)"),
                ))
        except Exception as exc:  # no chromium, or playwright failed: say so, keep the rest
            report.notes.append(f"book: search not measured: {type(exc).__name__}: {exc}")
    report.notes.append(
        "book: `python book/editions.py study` as `make book` runs it (warnings are errors), "
        "into a temporary folder: clean = no doctrees or HTML yet; rebuild = the same again "
        "with nothing changed. Sizes are in MB, not seconds. Search = Debian's chromium "
        "(headless, via Playwright) opening search.html?q=TERM from a local http.server until "
        "the first result shows (first) and every result has its snippet (all), page load included; "
        "cold browser context each run."
    )


@benchmark("print", "the PDF, the EPUB and the reading packets: clean build time and size")
def bench_print(args: argparse.Namespace, report: Report) -> None:
    setup = "import sys; sys.path[:0] = [{book!r}, {ext!r}]; "
    builds = {
        "pdf": setup + "import printing; printing.build_pdf({out!r} + '/xinzhi.pdf', work={out!r} + '/work', quiet=True)",
        "epub": setup + "import printing; printing.build_epub({out!r} + '/xinzhi.epub', work={out!r} + '/work', quiet=True)",
        "packets": setup + "import packets; packets.build_packets({out!r} + '/packets', {out!r} + '/work')",
    }
    goals = {"pdf": ("<= 180 s", 180.0), "epub": ("<= 60 s", 60.0), "packets": ("<= 120 s", 120.0)}
    env = base_env()
    book, ext = str(ROOT / "book"), str(ROOT / "book" / "_ext")
    with tempfile.TemporaryDirectory(prefix="xinzhi-bench-print-") as tmp:
        for name, code in builds.items():
            timings = Timings()
            for i in range(max(1, min(args.runs, 2))):
                out = Path(tmp) / f"{name}{i}"  # a new folder: no doctrees, no LaTeX yet
                timings.add(run_process(code.format(book=book, ext=ext, out=str(out)), env))
            goal, limit = goals[name]
            report.results.append(Result("print", f"{name}: clean build", timings.wall, goal=goal, limit=limit,
                                         ours_cpu=timings.cpu))
            if name == "pdf":
                pdf = out / "xinzhi.pdf"
                pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
                count = next((ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages:")), "?")
                report.results.append(Result("print", "pdf: size (MB)", [pdf.stat().st_size / 2**20],
                                             goal="<= 20 MB", limit=20.0, note=f"{count} pages, A4"))
            elif name == "epub":
                report.results.append(Result("print", "epub: size (MB)", [(out / "xinzhi.epub").stat().st_size / 2**20],
                                             goal="<= 10 MB", limit=10.0))
            else:
                files = sorted((out / "packets").glob("*.pdf"))
                sizes = [p.stat().st_size / 2**20 for p in files]
                report.results.append(Result("print", "packets: largest (MB)", [max(sizes)], goal="<= 2 MB",
                                             limit=2.0, note=f"{len(files)} packets, {sum(sizes):.1f} MB in all"))
    report.notes.append(
        "print: `python book/editions.py pdf|epub|packets` as the make targets run them, each into a new "
        "temporary folder (Jupyter Book's LaTeX or EPUB build from scratch, then latexmk with XeLaTeX for the "
        "PDF and the packets, epubcheck for the EPUB). Sizes are in MB, not seconds."
    )


def _answered_chapter(path: Path):
    """A student's handout of the chapter at ``path`` with every exercise answered by the
    chapter's own solution code (what a diligent class hands in)."""
    sys.path.insert(0, str(ROOT / "book"))
    import editions
    from xinzhi.conventions import cell_tags, read_notebook

    nb = read_notebook(path)
    solutions = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "solution" in cell_tags(cell):
            for eid in re.findall(r"""check\(\s*["'](\d+\.\d+)["']""", cell.source):
                solutions[eid] = cell.source
    handout = editions.strip_solutions(nb)
    for cell in handout.cells:
        found = re.findall(r"""check\(\s*["'](\d+\.\d+)["']""", cell.source) if cell.cell_type == "code" else []
        if found and found[0] in solutions:
            cell.source = solutions[found[0]]
    return handout


@benchmark("grade", "xinzhi grade: a class of 60 chapter notebooks, and 1,000 web exports")
def bench_grade(args: argparse.Namespace, report: Report) -> None:
    import json as _json

    import nbformat

    chapter = NOTEBOOKS / "01_语料初探.ipynb"
    env = base_env()
    grade = "from xinzhi import cli; raise SystemExit(cli.main(['grade', {src!r}, '--out', {out!r}]))"
    with tempfile.TemporaryDirectory(prefix="xinzhi-bench-grade-") as tmp:
        env.update(fresh_dirs(Path(tmp)))
        notebooks = Path(tmp) / "notebooks"
        text = nbformat.writes(_answered_chapter(chapter))
        for i in range(60):
            (notebooks / f"学生{i:02d}").mkdir(parents=True)
            (notebooks / f"学生{i:02d}" / chapter.name).write_text(text, encoding="utf-8")
        timings = Timings()
        for i in range(max(1, min(args.runs, 2))):
            timings.add(run_process(grade.format(src=str(notebooks), out=str(Path(tmp) / f"out{i}")), env))
        per = statistics.median(timings.wall) / 60
        report.results.append(Result("grade", "60 chapter notebooks", timings.wall, goal="<= 180 s", limit=180.0,
                                     ours_cpu=timings.cpu, note=f"{per:.1f} s per notebook, 2 at once"))

        exports = Path(tmp) / "exports"
        from xinzhi.keys import answer_key, exercise_ids

        answers = {}
        for eid in [e for e in exercise_ids() if not e.startswith("demo.")][:25]:
            key = answer_key(eid)
            value = key.get("answer")
            answers[eid] = {"answer": value if isinstance(value, str) else _json.dumps(value, ensure_ascii=False),
                            "verdict": "right", "checked": "2026-12-01T09:00:00Z"}
        record = _json.dumps({"format": "xinzhi-answers", "version": 1, "book": "新质生产力研读",
                              "book_version": "0.1.0", "exported": "2026-12-01T10:00:00Z",
                              "answers": answers, "notes": {}}, ensure_ascii=False)
        for i in range(1000):
            (exports / f"学生{i:04d}").mkdir(parents=True)
            (exports / f"学生{i:04d}" / "answers.json").write_text(record, encoding="utf-8")
        timings = Timings()
        for i in range(max(1, min(args.runs, 3))):
            timings.add(run_process(grade.format(src=str(exports), out=str(Path(tmp) / f"eout{i}")), env))
        per = statistics.median(timings.wall) / 1000 * 1000
        report.results.append(Result("grade", "1,000 web exports", timings.wall, goal="<= 10 s", limit=10.0,
                                     ours_cpu=timings.cpu, note=f"{per:.1f} ms per export, 25 answers each"))
    report.notes.append(
        "grade: `xinzhi grade` in a fresh process on a made-up class: 60 students each handing in "
        "chapter 01 with every exercise answered by the chapter's solution code (each notebook run "
        "again in its own kernel), and 1,000 students each handing in one export of 25 answers; "
        "fresh caches, so the first notebooks also build jieba's cache."
    )


LIGHTHOUSE = ROOT / ".venv" / "npm" / "node_modules" / ".bin" / "lighthouse"


def _page_kinds(site: Path) -> dict[str, str]:
    """One page of each kind, the heaviest where there are several."""
    def heaviest(pattern: str) -> str:
        return str(max(site.glob(pattern), key=lambda p: p.stat().st_size).relative_to(site))

    return {"home": "book/intro.html", "chapter": heaviest("notebooks/*.html"),
            "reader": heaviest("book/_generated/reader/*.html"), "glossary": "book/glossary.html",
            "search": "search.html"}


def _lighthouse(url: str) -> dict[str, float]:
    """Lighthouse's mobile preset (its default: simulated slow 4G and a 4x slower CPU) on
    Debian's chromium, performance and accessibility."""
    import json

    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--quiet", "--only-categories=performance,accessibility",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking"],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"lighthouse {url} failed: {result.stderr.strip().splitlines()[-3:]}")
    data = json.loads(result.stdout)
    audits = data["audits"]
    return {"performance": 100 * data["categories"]["performance"]["score"],
            "accessibility": 100 * data["categories"]["accessibility"]["score"],
            "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt": audits["total-blocking-time"]["numericValue"] / 1000}


@benchmark("pages", "light pages: first-visit bytes and requests, Lighthouse mobile scores, per page kind")
def bench_pages(args: argparse.Namespace, report: Report) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from urllib.parse import quote

    from _browser import first_visit, launch, serve

    if not LIGHTHOUSE.exists():
        raise BenchError(f"{LIGHTHOUSE} is missing: `make bench` installs it (npm lighthouse)")
    with tempfile.TemporaryDirectory(prefix="xinzhi-bench-pages-") as tmp:
        site = args.site
        if site is None:
            code = ("import sys; sys.path.insert(0, {book!r}); import editions; "
                    "editions.build_html('study', {out!r}, fresh=True, quiet=True)")
            run_process(code.format(book=str(ROOT / "book"), out=tmp), base_env())
            site = Path(tmp) / "_build" / "html"
        runs = max(1, min(args.runs, 3))
        with serve(site) as (_, base), launch() as browser:
            for kind, path in _page_kinds(site).items():
                url = f"{base}/{quote(path)}"
                visit = first_visit(browser, url)
                text = (visit["transferred"] - visit["transferred_images"]) / 1000
                report.results.append(Result(
                    "pages", f"{kind}: first visit (KB)", [visit["transferred"] / 1000], goal="<= 1000 KB",
                    limit=1000.0, note=f"{path}; {visit['requests']} requests; without images {text:.0f} KB "
                    f"(goal <= 400); uncompressed {visit['decoded'] / 1000:.0f} KB"))
                scores = [_lighthouse(url) for _ in range(runs)]
                report.results.append(Result(
                    "pages", f"{kind}: Lighthouse performance", [s["performance"] for s in scores],
                    goal=">= 90", limit=90.0, at_least=True,
                    note=f"accessibility {statistics.median(s['accessibility'] for s in scores):.0f} (goal 100)"))
                report.results.append(Result(
                    "pages", f"{kind}: largest contentful paint (s)", [s["lcp"] for s in scores]))
                report.results.append(Result(
                    "pages", f"{kind}: total blocking time (s)", [s["tbt"] for s in scores]))
    report.notes.append(
        "pages: the study edition built now (or --site), served by tests/_browser.py's local server, "
        "which compresses text as web hosts do; first visit = a new phone-sized Chromium context until "
        "the network is idle, bytes on the wire (headers and bodies); Lighthouse 12 (npm, pinned in the "
        "Makefile), mobile preset, Debian's chromium, median of up to 3 runs; KB and scores, not seconds, "
        "in the first columns of those rows."
    )


def _practice_bytes(site: Path) -> dict[str, int]:
    """What practice in the page adds to a chapter page: its forms and inline keys, and
    the two scripts."""
    import re

    scripts = sum((site / "_static" / n).stat().st_size for n in ("xinzhi-check.js", "xinzhi-practice.js"))
    inline = []
    for page in (site / "notebooks").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        parts = re.findall(r'<form class="xinzhi-.*?</form>|<div class="xinzhi-chapter-progress".*?</div></div>'
                           r"|<script>window\.XINZHI_PRACTICE = .*?</script>", html, re.S)
        inline.append(sum(len(part.encode("utf-8")) for part in parts))
    return {"scripts": scripts, "inline_max": max(inline), "page_max": max(inline) + scripts}


def _search_times(site: Path, runs: int) -> dict[str, list[float]]:
    import functools
    import http.server
    import threading
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a page closed while its search summaries were loading

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    terms = ("新质生产力", "卡脖子")
    # Two moments: the first result on screen (the search has answered), and the whole
    # list: Sphinx's closing line shown and every result's text snippet in place.
    times: dict[str, list[float]] = {f"{t} ({m})": [] for t in terms for m in ("first", "all")}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
            for _ in range(runs + 1):  # the first round warms the browser and the OS cache
                for term in terms:
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(f"{base}/search.html?q={quote(term)}", wait_until="commit")
                    first = page.wait_for_function(
                        "() => document.querySelector('#search-results li') && performance.now()",
                        polling=10, timeout=30000,
                    ).json_value()
                    done = page.wait_for_function(
                        "() => { const s = document.querySelector('#search-results .search-summary');"
                        " const items = [...document.querySelectorAll('#search-results li')];"
                        " return s && s.innerText.length > 0 && items.every(i => i.querySelector('.context'))"
                        " && performance.now(); }",
                        polling=10, timeout=30000,
                    ).json_value()
                    times[f"{term} (first)"].append(first / 1000)
                    times[f"{term} (all)"].append(done / 1000)
                    context.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return {term: values[1:] for term, values in times.items()}


# --- report ------------------------------------------------------------------------

def _seconds(times: list[float] | None) -> str:
    if not times:
        return ""
    if len(times) == 1:
        return f"{times[0]:.2f}"
    return f"{statistics.median(times):.2f} / {min(times):.2f}"


def render(report: Report, runs: int) -> str:
    from xinzhi.textwidth import format_table

    rows = []
    for r in report.results:
        met = {True: "yes", False: "NO", None: ""}[r.met]
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        cpu = f"{r.cpu_ratio:.2f}x" if r.cpu_ratio is not None and r.cpu_ratio == r.cpu_ratio else ""
        rows.append([r.benchmark, r.scenario, _seconds(r.ours), _seconds(r.baseline), ratio,
                     r.goal, met, cpu, r.note])
    head = (f"times in seconds, median / min of {runs} runs (one run where a single "
            "figure is shown)")
    table = format_table(
        rows,
        ["benchmark", "scenario", "ours (s)", "baseline (s)", "ratio", "goal", "met?",
         "cpu ratio", "note"],
        align="llrrrllrl",
    )
    notes = [textwrap.fill(n, width=100, subsequent_indent="  ") for n in report.notes]
    return "\n".join([head, "", table, "", *notes])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tests/bench/run.py",
        description="Time xinzhi against its goals (a benchmark, not a test).",
    )
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), metavar="NAME",
                        help="run only this benchmark (repeatable): "
                        + ", ".join(BENCHMARKS))
    parser.add_argument("--runs", type=int, default=5,
                        help="repetitions of each timed process (default 5)")
    parser.add_argument("--list", action="store_true", help="name the benchmarks and stop")
    parser.add_argument("--site", type=Path, default=None,
                        help="pages: measure this built site (an HTML folder) instead of building "
                        "the study edition now (e.g. an older build, for a before/after table)")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a goal is not met")
    args = parser.parse_args(argv)
    if args.list:
        for b in BENCHMARKS.values():
            print(f"{b.name:10}  {b.summary}")
        return 0
    if args.runs < 1:
        parser.error("--runs must be 1 or more")

    report = Report()
    for name in args.only or list(BENCHMARKS):
        bench = BENCHMARKS[name]
        print(f"running {name}: {bench.summary} ...", file=sys.stderr, flush=True)
        try:
            bench.func(args, report)
        except BenchError as exc:
            report.notes.append(f"{name}: could not be measured: {exc}")
    print(render(report, args.runs))
    missed = [r for r in report.results if r.met is False]
    return 1 if args.strict and (missed or any("could not" in n for n in report.notes)) else 0


if __name__ == "__main__":
    sys.exit(main())
