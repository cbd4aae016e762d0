"""The package as its users get it: ``xinzhi-study`` on PyPI, a wheel in a handout folder.

The sdist and the wheel are built from the checkout once per session, as ``make dist``
builds them (no isolation, no download), into a temporary folder.  The chapter tests copy
one chapter notebook out of the repository and run it in a brand-new environment that
has every dependency but not xinzhi, where pip finds only that wheel: the chapter's first
code cell must install it and the chapter must then run.  Nothing here reaches the
network (``PIP_NO_INDEX``, no pip configuration file, local find-links only).
"""

from __future__ import annotations

import email.parser
import shutil
import stat
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement


ROOT = Path(__file__).resolve().parents[1]
import _envs as envs
import xinzhi
import editions
from xinzhi.conventions import read_notebook
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
DATA = ROOT / "lib" / "xinzhi" / "data"
ESSAYS = ROOT / "seeds" / "000_961bfa78dd09bc79.txt"

#: The first code cell of every chapter: a no-op where xinzhi imports, else it installs it.
FIRST_CELL = """\
try:
    import xinzhi
except ModuleNotFoundError:  # Colab, JupyterHub, or a chapter downloaded alone: install it first
    %pip install --quiet --root-user-action=ignore --find-links . xinzhi-study
    import xinzhi"""
#: The chapter run alone (short, and it uses the library, the essays and the checker).
CHAPTER = ROOT / "notebooks" / "00_导读.ipynb"


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> dict[str, Path]:
    return envs.built_dist(tmp_path_factory)


def metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))


def data_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


# --- the distribution ----------------------------------------------------------------


def test_twine_check_passes(dist):
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dist["sdist"]), str(dist["wheel"])],
        capture_output=True, text=True, env=envs.clean_environ(), check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_metadata_is_the_projects(dist):
    meta = metadata(dist["wheel"])
    assert meta["Name"] == PYPROJECT["name"] == "xinzhi-study"
    assert meta["Version"] == xinzhi.__version__  # written once, in xinzhi/__init__.py
    assert meta["Summary"] == PYPROJECT["description"]
    assert meta["Requires-Python"] == PYPROJECT["requires-python"]
    assert meta.get_all("Classifier") == PYPROJECT["classifiers"]
    for classifier in ("Intended Audience :: Education", "Natural Language :: Chinese (Simplified)",
                       "Framework :: Jupyter", "Programming Language :: Python :: 3.13"):
        assert classifier in meta.get_all("Classifier")
    assert meta["Keywords"].split(",") == PYPROJECT["keywords"]
    assert meta["License-Expression"] == PYPROJECT["license"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload().strip() == (ROOT / "README.md").read_text(encoding="utf-8").strip()

    expected = [Requirement(r) for r in PYPROJECT["dependencies"]]
    for extra, reqs in PYPROJECT["optional-dependencies"].items():
        expected += [Requirement(f'{r}; extra == "{extra}"') for r in reqs]
    got = [Requirement(r) for r in meta.get_all("Requires-Dist")]
    assert sorted(map(str, got)) == sorted(map(str, expected))
    assert meta.get_all("Provides-Extra") == list(PYPROJECT["optional-dependencies"])


def test_the_wheel_holds_the_command_the_licence_and_every_module(dist):
    with zipfile.ZipFile(dist["wheel"]) as zf:
        names = set(zf.namelist())
        info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "xinzhi = xinzhi.cli:main" in zf.read(info).decode()
        licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert zf.read(licence) == (ROOT / "LICENSE").read_bytes()
        modules = sorted(p.name for p in (ROOT / "lib" / "xinzhi").glob("*.py"))
        assert modules and all(f"xinzhi/{m}" in names for m in modules)
        assert not [n for n in names if n.startswith(("tests/", "seeds/", "notebooks/", "book/"))]


def test_every_data_file_is_a_regular_file_in_the_wheel(dist):
    assert (DATA / ESSAYS.name).is_symlink(), "the repository keeps one copy of the essays, in seeds/"
    files = data_files()
    assert DATA / ESSAYS.name in files and len(files) >= 10
    with zipfile.ZipFile(dist["wheel"]) as zf:
        for path in files:
            name = "xinzhi/data/" + path.relative_to(DATA).as_posix()
            info = zf.getinfo(name)  # KeyError: missing from the wheel
            mode = info.external_attr >> 16
            assert stat.S_ISREG(mode), f"{name} is not a regular file in the wheel (mode {mode:o})"
            assert zf.read(name) == path.read_bytes(), f"{name} differs from the checkout"
        assert zf.read(f"xinzhi/data/{ESSAYS.name}") == ESSAYS.read_bytes()
        links = [i.filename for i in zf.infolist() if stat.S_ISLNK(i.external_attr >> 16)]
        assert not links, f"symlinks in the wheel: {links}"


def test_the_sdist_has_no_symlink_and_holds_the_licence(dist):
    with tarfile.open(dist["sdist"]) as tf:
        members = tf.getmembers()
        links = [m.name for m in members if m.issym() or m.islnk()]
        assert not links, f"links in the sdist: {links}"
        top = members[0].name.split("/")[0]
        names = {m.name for m in members}
        for needed in ("LICENSE", "README.md", "pyproject.toml", "setup.py", "PKG-INFO"):
            assert f"{top}/{needed}" in names, f"the sdist lacks {needed}"
        assert tf.extractfile(f"{top}/LICENSE").read() == (ROOT / "LICENSE").read_bytes()
        for path in data_files():
            member = tf.getmember(f"{top}/lib/xinzhi/data/{path.relative_to(DATA).as_posix()}")
            assert member.isfile()
            assert tf.extractfile(member).read() == path.read_bytes()
        assert not [n for n in names if n.startswith(f"{top}/tests/")], "the tests need the repository"


def test_project_urls_come_from_the_environment(dist, tmp_path):
    assert metadata(dist["wheel"]).get_all("Project-URL") is None, "no URL unless one is given"
    repo = "https://github.com/example-org/xinzhi-book"
    built = envs.build(tmp_path, XINZHI_REPOSITORY_URL=repo + "/", XINZHI_BOOK_URL="https://example.org/book/")
    assert metadata(built["wheel"]).get_all("Project-URL") == [
        f"Source, {repo}",
        f"Issues, {repo}/issues",
        "Documentation, https://example.org/book/",
    ]
    with tarfile.open(built["sdist"]) as tf:
        top = tf.getmembers()[0].name.split("/")[0]
        pkg_info = tf.extractfile(f"{top}/PKG-INFO").read().decode("utf-8")
    assert f"Project-URL: Source, {repo}\n" in pkg_info


# --- a chapter opened alone ----------------------------------------------------------


def installs_helper(cell) -> bool:
    return cell.cell_type == "code" and "%pip install" in cell.source and "xinzhi-study" in cell.source


def first_code_cell(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")


@pytest.mark.parametrize("path", editions.chapter_notebooks(), ids=lambda p: p.stem)
def test_every_chapter_installs_its_helper_in_its_first_code_cell(path):
    nb = read_notebook(path)
    cell = nb.cells[first_code_cell(nb)]
    assert installs_helper(cell), (
        f"{path.name}: the first code cell must install the helper when it is missing "
        f"(`%pip install ... xinzhi-study`); it is:\n{cell.source}"
    )
    assert "except ModuleNotFoundError" in cell.source, f"{path.name}: install only when xinzhi is missing"


def chapter_alone(folder: Path) -> Path:
    """Copy :data:`CHAPTER` into ``folder`` as committed, or, while the chapters lack it,
    with :data:`FIRST_CELL` put before its first code cell."""
    nb = read_notebook(CHAPTER)
    first = first_code_cell(nb)
    if not installs_helper(nb.cells[first]):
        nb.cells.insert(first, nbformat.v4.new_code_cell(FIRST_CELL))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / CHAPTER.name
    nbformat.write(nb, out)
    return out


def fresh_env(root: Path, find_links: Path | None = None):
    env = envs.new_env(root, find_links=find_links)
    assert not env.imports("xinzhi"), "the new environment must not have xinzhi yet"
    env.run("-c", "import pandas, jieba, matplotlib, networkx, pylopdf_fonts_zh_cn, ipykernel")
    return env


def run(env, notebook: Path):
    from nbclient.exceptions import CellExecutionError

    try:
        return env.run_notebook(notebook)
    except CellExecutionError as exc:
        pytest.fail(f"{notebook.name} stopped with an error in the new environment:\n{exc}", pytrace=False)


def assert_installed_from_wheel(env, probe: dict, wheel: Path) -> None:
    site = env.site_packages.resolve()
    for key in ("xinzhi", "corpus"):
        path = Path(probe[key])
        assert path.resolve().is_relative_to(site), f"{key} came from {path}, not from {site}"
        assert not path.is_relative_to(ROOT) and not path.resolve().is_relative_to(ROOT)
    assert Path(probe["corpus"]).is_file() and not Path(probe["corpus"]).is_symlink()
    assert Path(probe["prefix"]) == env.root
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert (env.site_packages / dist_info).is_dir()


def test_a_chapter_opened_alone_installs_its_helper(dist, tmp_path):
    wheelhouse = tmp_path / "wheelhouse"  # the only place pip may look: one wheel
    wheelhouse.mkdir()
    wheel = Path(shutil.copy2(dist["wheel"], wheelhouse))
    env = fresh_env(tmp_path / "env", find_links=wheelhouse)
    before = env.installed()
    notebook = chapter_alone(tmp_path / "chapter")
    assert not notebook.resolve().is_relative_to(ROOT)

    nb, probe = run(env, notebook)
    first = first_code_cell(nb)
    assert installs_helper(nb.cells[first])
    assert envs.output_problems(nb, allowed={first}) == []
    assert_installed_from_wheel(env, probe, wheel)
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert env.installed() - before == {"xinzhi", dist_info}, "pip installed more than the wheel"

    # Once installed, the first cell does nothing and prints nothing.
    nb, probe = run(env, notebook)
    assert nb.cells[first].outputs == []
    assert envs.output_problems(nb) == []
    assert_installed_from_wheel(env, probe, wheel)

    # The command comes with it.
    shown = subprocess.run([str(env.python.parent / "xinzhi"), "show", "3.5"], env=env.environ(),
                           capture_output=True, text=True, check=False)
    assert shown.returncode == 0 and "〔3.5〕" in shown.stdout, shown.stdout + shown.stderr


def test_a_chapter_finds_the_wheel_in_its_own_folder(dist, tmp_path):
    """The handout, JupyterHub and Colab case: no find-links configured, the wheel lies
    next to the notebook, and the cell's ``--find-links .`` finds it."""
    env = fresh_env(tmp_path / "env")
    notebook = chapter_alone(tmp_path / "chapter")
    wheel = Path(shutil.copy2(dist["wheel"], notebook.parent))
    assert "PIP_FIND_LINKS" not in env.environ()

    nb, probe = run(env, notebook)
    assert envs.output_problems(nb, allowed={first_code_cell(nb)}) == []
    assert_installed_from_wheel(env, probe, wheel)
