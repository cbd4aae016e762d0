"""Build the book's three editions from one source (used by the Makefile and the tests).

    python book/editions.py study        # the online study edition -> book/_build/html
    python book/editions.py instructor   # solutions open, teacher's notes -> book/_build/instructor/html
    python book/editions.py student      # handout notebooks -> book/_build/student/xinzhi-student-notebooks.zip
    python book/editions.py execute      # re-run the chapter notebooks in place (make execute)

The HTML editions run Jupyter Book 1 with the repository root as the source folder and
every warning an error (``-W -n --keep-going``); the edition reaches the book's Sphinx
extension (``book/_ext/xinzhi_book.py``) as ``XINZHI_EDITION``.  The student edition
copies the chapter notebooks with every ``solution`` cell removed and the ``exercise``
code cells cleared, ready to answer, and zips them with a short README.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = BOOK / "_build"
STUDENT_ZIP = BUILD / "student" / "xinzhi-student-notebooks.zip"
EDITIONS = ("study", "instructor")

STUDENT_README = """\
新质生产力研读 · 学生练习本
==========================

这些笔记本与《新质生产力研读》各章相同，只是删去了参考解答，练习单元留空，可以直接作答。

运行方法：
1. 需要本书的运行环境（Python 3.11+、辅助库 xinzhi 及其依赖）。在本书仓库的根目录运行一次
   `make install`，即可建立这一环境（.venv）。
2. 把本压缩包解压到任意文件夹，用这一环境中的 JupyterLab 打开，例如在仓库根目录运行：
       .venv/bin/jupyter lab 解压后的文件夹
3. 从上到下依次运行各单元。在练习的答案单元里把 `...` 换成你的答案再运行，
   `check("N.K", answer)` 会给出反馈；未作答时显示“尚未作答”和提示。

讨论题没有自动检查，请把要点写在题目下方的单元格里。
"""


class EditionError(RuntimeError):
    """An edition could not be built; the message says why and what to do."""


def html_dir(edition: str = "study", path_output: Path | None = None) -> Path:
    """Where ``build_html`` leaves the HTML of ``edition``."""
    if path_output is not None:
        return Path(path_output) / "_build" / "html"
    return BUILD / "html" if edition == "study" else BUILD / edition / "html"


def build_html(
    edition: str = "study",
    path_output: Path | None = None,
    *,
    fresh: bool = False,
    env: dict[str, str] | None = None,
    quiet: bool = False,
) -> Path:
    """Build the HTML of ``edition`` with warnings as errors; return the HTML folder.

    ``path_output`` (default: the repository's ``book/_build``) receives Jupyter Book's
    ``_build`` folder; ``fresh`` rebuilds every page (a rebuild otherwise re-reads only
    what changed, and so re-reports only its warnings).
    """
    if edition not in EDITIONS:
        raise EditionError(f"unknown edition {edition!r}; choose one of {', '.join(EDITIONS)}")
    if path_output is None:
        path_output = BOOK if edition == "study" else BUILD / edition
    compile_catalog()
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [
        str(jb) if jb.exists() else "jupyter-book",
        "build", str(ROOT),
        "--config", str(BOOK / "_config.yml"),
        "--toc", str(BOOK / "_toc.yml"),
        "--path-output", str(path_output),
        "--warningiserror", "--nitpick", "--keep-going",
        "--quiet",  # Sphinx's progress lines; warnings and errors are still printed
    ]
    if fresh:
        cmd.append("--all")
    run_env = {**os.environ, **(env or {}), "XINZHI_EDITION": edition}
    result = subprocess.run(cmd, cwd=ROOT, env=run_env, capture_output=quiet, text=True, check=False)
    if result.returncode != 0:
        detail = ""
        if quiet:
            lines = (result.stdout + result.stderr).splitlines()
            warnings = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
            detail = "\n".join(warnings[-40:] or lines[-40:])
        raise EditionError(
            f"the {edition} edition did not build (jupyter-book exit {result.returncode}); "
            f"every Sphinx warning is an error here, fix the ones reported{':' if detail else '.'}\n{detail}"
        )
    out = Path(path_output) / "_build" / "html"
    link = html_dir(edition)
    if edition != "study" and Path(path_output) == BUILD / edition:
        # Jupyter Book writes <path-output>/_build/html; give the edition a plain name too.
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(Path("_build") / "html")
    return out


def compile_catalog() -> Path:
    """Compile ``book/locale/zh_CN/LC_MESSAGES/sphinx.po`` (the interface strings Sphinx
    and the theme leave in English) into ``book/_generated/locale``, which
    ``book/_config.yml`` names in ``locale_dirs``.  Sphinx reads it when it starts, before
    any extension runs, so this happens here and not in ``xinzhi_book``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = BOOK / "locale" / "zh_CN" / "LC_MESSAGES" / "sphinx.po"
    target = BOOK / "_generated" / "locale" / "zh_CN" / "LC_MESSAGES" / "sphinx.mo"
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    with source.open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    with tmp.open("wb") as f:
        write_mo(f, catalog)
    tmp.replace(target)
    return target


# --- student handouts ---------------------------------------------------------------------


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` for students: ``solution`` cells removed, ``exercise`` code cells
    cleared of outputs (ready to answer), every execution count reset.

    >>> from nbformat.v4 import new_notebook, new_code_cell
    >>> nb = new_notebook(cells=[new_code_cell("x = ...", metadata={"tags": ["exercise"]}),
    ...                          new_code_cell("x = 42", metadata={"tags": ["solution"]})])
    >>> [c.source for c in strip_solutions(nb).cells]
    ['x = ...']
    """
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = _tags(cell)
        if "solution" in tags:
            continue
        if cell.cell_type == "code":
            cell.execution_count = None
            if "exercise" in tags:
                cell.outputs = []
            else:
                for output in cell.get("outputs", []):
                    if "execution_count" in output:
                        output["execution_count"] = None
        cells.append(cell)
    out.cells = cells
    return out


def chapter_notebooks(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The chapter notebooks ``NN_name.ipynb`` in reading order."""
    return sorted(p for p in notebooks.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def student_edition(out_zip: Path = STUDENT_ZIP, notebooks: Path = NOTEBOOKS) -> Path:
    """Zip the stripped chapter notebooks (plus a README) into ``out_zip``."""
    paths = chapter_notebooks(notebooks)
    if not paths:
        raise EditionError(f"no chapter notebooks (NN_name.ipynb) in {notebooks}")
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_zip.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xinzhi-student/README.txt", STUDENT_README)
        for path in paths:
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as exc:  # nbformat raises several kinds for a bad file
                raise EditionError(f"cannot read {path} as a notebook: {exc}") from None
            zf.writestr(f"xinzhi-student/{path.name}", nbformat.writes(strip_solutions(nb)) + "\n")
    tmp.replace(out_zip)
    return out_zip


def execute_notebooks(paths: list[Path] | None = None) -> list[Path]:
    """Run each chapter notebook top to bottom in place, in ``notebooks/``, and keep only
    what is not volatile: no per-cell timings, only the language name, so that a re-run
    with unchanged results leaves git with nothing to commit."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    paths = chapter_notebooks() if paths is None else paths
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        except CellExecutionError as exc:
            raise EditionError(f"{path.name} stopped with an error; nothing was written:\n{exc}") from None
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        nb.metadata["language_info"] = {"name": "python"}
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT)}")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("edition", choices=[*EDITIONS, "student", "execute"])
    parser.add_argument("--all", action="store_true", help="rebuild every page (HTML editions)")
    args = parser.parse_args(argv)
    try:
        if args.edition == "execute":
            execute_notebooks()
        elif args.edition == "student":
            path = student_edition()
            print(f"student notebooks: {path.relative_to(ROOT)}")
        else:
            path = build_html(args.edition, fresh=args.all)
            shown = html_dir(args.edition)
            print(f"{args.edition} edition: {shown.relative_to(ROOT)}/index.html")
    except EditionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
