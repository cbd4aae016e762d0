"""Build the book's three editions from one source (used by the Makefile and the tests).

    python book/editions.py study        # the online study edition -> book/_build/html
    python book/editions.py instructor   # solutions open, teacher's notes -> book/_build/instructor/html
    python book/editions.py student      # handout notebooks + wheel -> book/_build/student/xinzhi-student-notebooks.zip
    python book/editions.py graded       # the same, answer keys sealed -> book/_build/graded/xinzhi-graded-notebooks.zip
    python book/editions.py execute      # re-run the chapter notebooks in place (make execute)
    python book/editions.py pdf          # typeset study edition -> book/_build/pdf/xinzhi.pdf
    python book/editions.py epub         # e-book -> book/_build/epub/xinzhi.epub
    python book/editions.py packets      # one A4 reading packet per seminar session -> book/_build/packets/
    python book/editions.py slides       # one PowerPoint deck per seminar session -> book/_build/slides/

The PDF and the EPUB are built by ``book/printing.py``, the packets by ``book/packets.py``,
the slides by ``book/slides.py``.

The HTML editions run Jupyter Book 1 with the repository root as the source folder and
every warning an error (``-W -n --keep-going``); the edition reaches the book's Sphinx
extension (``book/_ext/xinzhi_book.py``) as ``XINZHI_EDITION``.  The student edition
copies the chapter notebooks with every ``solution`` cell removed and the ``exercise``
code cells cleared, ready to answer, and zips them with the ``xinzhi-study`` wheel built
from the checkout and a short README: the handouts stand on their own (a chapter's first
code cell installs the wheel from its own folder when ``xinzhi`` is missing).  The graded
handouts are the same notebooks with a wheel whose answer keys are sealed
(:mod:`xinzhi.sealing`): ``check()`` still answers at once, but the files do not hold the
answers.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

from xinzhi.conventions import cell_tags, read_notebook
from xinzhi.errors import NotebookError

if __name__ == "__main__":
    # book/printing.py and book/packets.py import this module by name: one module, one
    # EditionError, when it runs as a script too.
    sys.modules.setdefault("editions", sys.modules[__name__])

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = BOOK / "_build"
STUDENT_ZIP = BUILD / "student" / "xinzhi-student-notebooks.zip"
GRADED_ZIP = BUILD / "graded" / "xinzhi-graded-notebooks.zip"
#: The local version label of the graded handouts' wheel: pip replaces a public
#: ``xinzhi-study`` of the same version with it (and back).
GRADED_LABEL = "graded"
EDITIONS = ("study", "instructor")

#: The handouts' README; ``{wheel}`` is the wheel's file name.
STUDENT_README = """\
新质生产力研读 · 学生练习本
==========================

这些笔记本与《新质生产力研读》各章相同，只是删去了参考解答，练习单元留空，可以直接作答。
同一文件夹里的 {wheel} 是本书的辅助库 xinzhi（安装名 xinzhi-study）。
各章的第一个代码单元会载入它；还没有安装时，它会从笔记本所在的文件夹里找到这个 .whl 文件
并自动安装。所以请让笔记本和这个 .whl 文件待在同一个文件夹里。

一、在自己的电脑上（需要 Python 3.11 或更新版本）
1. 解压本压缩包，在终端里进入解压出的 xinzhi-student 文件夹，运行一次：
       pip install {wheel} jupyterlab jupyterlab-language-pack-zh-CN
   pip 会一并安装 pandas、jieba、matplotlib 等依赖和 JupyterLab 的中文界面（这一次需要联网）。
2. 在这个文件夹里运行 xinzhi lab：它启动中文界面的 JupyterLab，打开 00_导读.ipynb，
   终端里显示要打开的网址（按 Ctrl-C 停止）；启动后不弹窗，也不联网。
   也可以照常运行 jupyter lab，只是界面语言和弹窗按你自己的 JupyterLab 设置。

二、在学校的 JupyterHub 上
1. 把整个 xinzhi-student 文件夹上传到 JupyterHub，包括 {wheel}。
2. 打开任意一章，运行第一个代码单元：它会安装 xinzhi（依赖从 PyPI 下载），然后继续往下运行。

三、在 Google Colab 上
1. 在 Colab 中打开要做的那一章：“文件 → 上传笔记本”。
2. 在左侧的“文件”面板里把 {wheel} 上传到会话的文件夹（/content）。
3. 运行第一个代码单元，它会安装 xinzhi；然后从上到下运行。
   Colab 每次新开会话都是空的，需要重新上传 .whl 文件。

安装时出现的 “Note: you may need to restart the kernel to use updated packages.” 可以不理会；
只有后面的单元报错时，才需要重启内核（Kernel → Restart）再从头运行。

作答：从上到下依次运行各单元。在练习的答案单元里把 `...` 换成你的答案再运行，
`check("N.K", answer)` 会给出反馈；未作答时显示“尚未作答”和提示。
讨论题没有自动检查，请把要点写在题目下方的单元格里。
"""

#: Added to the README of the graded handouts.
GRADED_README = """
计分版说明
----------
这是老师用来计分的一版。与普通讲义相比，只有附带的 xinzhi 不同：它的答案键经过加盐哈希处理，
check() 仍然立即告诉你对错并给出提示，但任何文件里都读不出答案；答对之后显示的说明也已加密，
只有答对才能解开。数值题答错时不再提示“偏大了/偏小了”。
如果电脑上已经装过公开版的 xinzhi-study，请照第一节的命令安装这里的 .whl 文件：它会替换公开版。
做完后按老师的要求提交笔记本（.ipynb 文件）；老师用完整的答案键重新运行并评分。
"""


class EditionError(RuntimeError):
    """An edition could not be built; the message says why and what to do."""


def html_dir(edition: str = "study", path_output: Path | None = None) -> Path:
    """Where ``build_html`` leaves the HTML of ``edition``."""
    if path_output is not None:
        return Path(path_output) / "_build" / "html"
    return BUILD / "html" if edition == "study" else BUILD / edition / "html"


def _jupyter_book(edition: str, path_output: Path, builder: list[str], *, fresh: bool = False,
                  env: dict[str, str] | None = None, quiet: bool = False, what: str = "") -> None:
    """Run ``jupyter-book build`` for ``edition`` with every warning an error."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [
        str(jb) if jb.exists() else "jupyter-book",
        "build", str(ROOT),
        "--config", str(BOOK / "_config.yml"),
        "--toc", str(BOOK / "_toc.yml"),
        "--path-output", str(path_output),
        *builder,
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
            f"the {what or edition + ' edition'} did not build (jupyter-book exit {result.returncode}); "
            f"every Sphinx warning is an error here, fix the ones reported{':' if detail else '.'}\n{detail}"
        )


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
    _jupyter_book(edition, Path(path_output), [], fresh=fresh, env=env, quiet=quiet)
    out = Path(path_output) / "_build" / "html"
    link = html_dir(edition)
    if edition != "study" and Path(path_output) == BUILD / edition:
        # Jupyter Book writes <path-output>/_build/html; give the edition a plain name too.
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(Path("_build") / "html")
    return out


# --- student handouts ---------------------------------------------------------------------


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` for students: ``solution`` cells and the teacher's ``instructor``
    cells (keys to the discussion questions) removed, ``exercise`` code cells cleared of
    outputs (ready to answer), every execution count reset.

    >>> from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell
    >>> nb = new_notebook(cells=[new_code_cell("x = ...", metadata={"tags": ["exercise"]}),
    ...                          new_code_cell("x = 42", metadata={"tags": ["solution"]}),
    ...                          new_markdown_cell("**讨论题参考要点**", metadata={"tags": ["instructor"]})])
    >>> [c.source for c in strip_solutions(nb).cells]
    ['x = ...']
    """
    from nbconvert.preprocessors import TagRemovePreprocessor

    remove = TagRemovePreprocessor(remove_cell_tags={"solution", "instructor"})
    out, _ = remove.preprocess(copy.deepcopy(nb), {})
    for cell in out.cells:
        tags = cell_tags(cell)
        if cell.cell_type == "code":
            cell.execution_count = None
            if "exercise" in tags:
                cell.outputs = []
            else:
                for output in cell.get("outputs", []):
                    if "execution_count" in output:
                        output["execution_count"] = None
    return out


def chapter_notebooks(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The chapter notebooks ``NN_name.ipynb`` in reading order."""
    return sorted(p for p in notebooks.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def build_package(outdir: Path, *, env: dict[str, str] | None = None) -> dict[str, Path]:
    """Build the sdist and the wheel of ``xinzhi-study`` from the checkout into ``outdir``,
    as ``make dist`` does: ``python -m build --no-isolation`` (this environment's
    setuptools, nothing downloaded; the wheel is built from the sdist).  ``env`` is added
    to the environment (``XINZHI_REPOSITORY_URL`` gives the project URLs, see setup.py).
    Returns ``{"sdist": ..., "wheel": ...}``.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    before = set(outdir.iterdir())
    cmd = [sys.executable, "-m", "build", "--no-isolation", "--quiet", "--outdir", str(outdir), str(ROOT)]
    result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).strip().splitlines()
        raise EditionError(
            f"the package did not build (python -m build exit {result.returncode}); "
            "`make install` brings setuptools and build:\n" + "\n".join(lines[-30:])
        )
    new = set(outdir.iterdir()) - before
    built = {"sdist": [p for p in new if p.name.endswith(".tar.gz")],
             "wheel": [p for p in new if p.suffix == ".whl"]}
    if any(len(found) != 1 for found in built.values()):
        raise EditionError(f"expected one sdist and one wheel in {outdir}, found {sorted(p.name for p in new)}")
    return {kind: found[0] for kind, found in built.items()}


def _record_row(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"{name},sha256={digest},{len(data)}"


def seal_wheel(wheel: Path, outdir: Path, *, salt: str | None = None) -> Path:
    """A copy of ``wheel`` in ``outdir`` whose answer keys are sealed: no
    ``xinzhi/data/answers.json``, instead ``answers.sealed.json`` (salted digests, see
    :mod:`xinzhi.sealing`); version ``V+graded``; RECORD written again.  The keys must
    be valid (``xinzhi.keys.validate_keys``)."""
    from xinzhi.keys import validate_keys
    from xinzhi.sealing import SEALED_NAME, seal_keys

    problems = validate_keys()
    if problems:
        raise EditionError("the answer keys have problems; fix them before sealing:\n" + "\n".join(problems))
    wheel, outdir = Path(wheel), Path(outdir)
    name, version, rest = wheel.name.split("-", 2)
    graded = f"{version}+{GRADED_LABEL}"
    old_info, new_info = f"{name}-{version}.dist-info/", f"{name}-{graded}.dist-info/"
    keys_name = "xinzhi/data/answers.json"
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / f"{name}-{graded}-{rest}"
    with zipfile.ZipFile(wheel) as src:
        names = src.namelist()
        if keys_name not in names or f"{old_info}RECORD" not in names:
            raise EditionError(f"{wheel.name} is not a wheel of xinzhi-study {version} with its answer keys")
        sealed = seal_keys(json.loads(src.read(keys_name).decode("utf-8")), salt)
        files = [(keys_name.replace("answers.json", SEALED_NAME),
                  (json.dumps(sealed, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))]
        for member in names:
            if member in (keys_name, f"{old_info}RECORD"):
                continue
            data = src.read(member)
            if member == f"{old_info}METADATA":
                data = data.replace(f"\nVersion: {version}\n".encode(), f"\nVersion: {graded}\n".encode(), 1)
            files.append((member.replace(old_info, new_info, 1), data))
    record = f"{new_info}RECORD"
    rows = [_record_row(member, data) for member, data in files] + [f"{record},,"]
    tmp = out.with_suffix(".whl.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for member, data in files:
            dst.writestr(member, data)
        dst.writestr(record, "\n".join(rows) + "\n")
    tmp.replace(out)
    return out


def student_edition(out_zip: Path = STUDENT_ZIP, notebooks: Path = NOTEBOOKS,
                    wheel: Path | None = None, *, graded: bool = False) -> Path:
    """Zip the stripped chapter notebooks, the package's wheel and a README into
    ``out_zip`` (folder ``xinzhi-student/``).  ``wheel`` (default: built now from the
    checkout) lies next to the notebooks, where their first cell's ``--find-links .``
    finds it.  ``graded``: the graded handouts, the wheel's keys sealed (:func:`seal_wheel`)."""
    paths = chapter_notebooks(notebooks)
    if not paths:
        raise EditionError(f"no chapter notebooks (NN_name.ipynb) in {notebooks}")
    if wheel is None or graded:
        with tempfile.TemporaryDirectory(prefix="xinzhi-wheel-") as tmpdir:
            built = Path(wheel) if wheel is not None else build_package(Path(tmpdir))["wheel"]
            if graded:
                built = seal_wheel(built, Path(tmpdir) / "graded")
            return student_edition(out_zip, notebooks, built)
    wheel = Path(wheel)
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    readme = STUDENT_README.format(wheel=wheel.name)
    if f"+{GRADED_LABEL}-" in wheel.name:
        readme += GRADED_README
    tmp = out_zip.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xinzhi-student/README.txt", readme)
        # A wheel is a zip already: stored as it is.
        zf.write(wheel, f"xinzhi-student/{wheel.name}", compress_type=zipfile.ZIP_STORED)
        for path in paths:
            try:
                nb = read_notebook(path)
            except NotebookError as exc:
                raise EditionError(str(exc)) from None
            zf.writestr(f"xinzhi-student/{path.name}", nbformat.writes(strip_solutions(nb)) + "\n")
    tmp.replace(out_zip)
    return out_zip


def execute_notebooks(paths: list[Path] | None = None) -> list[Path]:
    """Run each chapter notebook top to bottom in place, in ``notebooks/``, and keep only
    what is not volatile: no per-cell timings, only the language name, so that a re-run
    with unchanged results leaves git with nothing to commit."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    paths = chapter_notebooks() if paths is None else paths
    for path in paths:
        nb = read_notebook(path)
        # IPC, not TCP: a local kernel needs no port, and ipykernel 7 warns on every
        # start over TCP without encryption (a line in `make execute`'s output).  The
        # socket path is absolute: the kernel runs in the notebook's folder.
        sockets = tempfile.mkdtemp(prefix="xinzhi-kernel-")
        ipc = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "ipc")}})
        client = NotebookClient(nb, timeout=300, kernel_name="python3", config=ipc,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        except CellExecutionError as exc:
            raise EditionError(f"{path.name} stopped with an error; nothing was written:\n{exc}") from None
        finally:
            shutil.rmtree(sockets, ignore_errors=True)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        nb.metadata["language_info"] = {"name": "python"}
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT)}")
    return paths


def _files_edition(name: str) -> list[Path]:
    import printing

    if name == "pdf":
        return [printing.build_pdf()]
    if name == "epub":
        return [printing.build_epub()]
    if name == "slides":
        import slides

        return slides.build_slides()
    import packets

    return packets.build_packets()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("edition", choices=[*EDITIONS, "student", "graded", "execute", "pdf", "epub", "packets", "slides"])
    parser.add_argument("--all", action="store_true", help="rebuild every page (HTML editions)")
    args = parser.parse_args(argv)
    try:
        if args.edition == "execute":
            execute_notebooks()
        elif args.edition in ("pdf", "epub", "packets", "slides"):
            for path in _files_edition(args.edition):
                print(f"{args.edition}: {path.relative_to(ROOT)}, {path.stat().st_size / 1e6:.1f} MB")
        elif args.edition in ("student", "graded"):
            graded = args.edition == "graded"
            path = student_edition(GRADED_ZIP if graded else STUDENT_ZIP, graded=graded)
            size = path.stat().st_size / 1e6
            what = "graded handouts (notebooks, wheel with sealed keys, README)" if graded else \
                "student handouts (notebooks, wheel, README)"
            print(f"{what}: {path.relative_to(ROOT)}, {size:.1f} MB")
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
