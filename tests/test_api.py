"""The public API: what `xinzhi` and its submodules export resolves and is documented,
errors form one family, and no code of the project reaches into another package's
private names."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import xinzhi

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "xinzhi"
SUBMODULES = sorted(p.stem for p in LIB.glob("*.py") if not p.stem.startswith("_"))


def test_every_exported_name_resolves():
    for name in xinzhi.__all__:
        assert getattr(xinzhi, name) is not None, name
    assert set(xinzhi.__all__) <= set(dir(xinzhi))


@pytest.mark.parametrize("module", SUBMODULES)
def test_every_module_lists_its_public_names_and_documents_them(module):
    mod = importlib.import_module(f"xinzhi.{module}")
    assert mod.__doc__ and mod.__doc__.strip(), f"xinzhi.{module} has no docstring"
    assert hasattr(mod, "__all__"), f"xinzhi.{module} has no __all__"
    for name in mod.__all__:
        value = getattr(mod, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert value.__doc__ and value.__doc__.strip(), f"xinzhi.{module}.{name} has no docstring"


def test_importing_xinzhi_loads_neither_pandas_nor_jieba_nor_matplotlib():
    code = ("import sys, xinzhi; xinzhi.load_corpus(); "
            "print(sorted(m for m in ('pandas', 'jieba', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]" and out.stderr == ""


def test_the_version_is_written_in_one_place():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", xinzhi.__version__)
    from importlib.metadata import version

    assert version("xinzhi-study") == xinzhi.__version__


# --- one error family -------------------------------------------------------------------

def _raise(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the point is to see what comes out
        return error
    raise AssertionError("no error raised")


@pytest.mark.parametrize("call,builtin,needle", [
    (lambda c: c["9.1"], KeyError, "essays are numbered 1 to 8"),
    (lambda c: c["3.99"], KeyError, "3.1 to 3.7"),
    (lambda c: c["x"], KeyError, "write it as 'E.N'"),
    (lambda c: c.essay(9), KeyError, "essays are numbered 1 to 8"),
    (lambda c: c.essay("3"), ValueError, "essays are numbered 1 to 8"),
    (lambda c: xinzhi.load_corpus(ROOT / "README.md"), ValueError, "table of contents"),
    (lambda c: xinzhi.read_notebook(ROOT / "README.md"), ValueError, "not a Jupyter notebook"),
])
def test_errors_are_one_family_and_keep_their_builtin_base(corpus, call, builtin, needle):
    error = _raise(lambda: call(corpus))
    assert isinstance(error, xinzhi.XinzhiError) and isinstance(error, builtin)
    assert needle in str(error) and str(error) == error.args[0]  # not shown quoted, as KeyError does


# --- no private names of other packages -----------------------------------------------

#: Our own modules, imported by name by the book and the tests.
OWN = {"xinzhi", "editions", "xinzhi_pages", "xinzhi_book", "xinzhi_api", "xinzhi_practice", "xinzhi_search", "xinzhi_edition", "xinzhi_theme", "xinzhi_print", "xinzhi_epub", "printing", "packets", "_browser", "_book", "_envs", "_figures", "_answers", "xinzhi_light", "slides",
       "conftest", "__future__"}
#: Where a private name must be used, the line says why after this marker.
ALLOWED = "private-ok:"


def _python_files() -> list[Path]:
    folders = [ROOT / "lib", ROOT / "book", ROOT / "tests"]
    return [p for f in folders for p in f.rglob("*.py") if "_build" not in p.parts and "_generated" not in p.parts]


def _private_uses(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    external: set[str] = set()
    found = []

    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    def report(node: ast.AST, what: str) -> None:
        line = lines[node.lineno - 1]
        if ALLOWED not in line and ALLOWED not in lines[node.lineno - 2]:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top not in OWN:
                    external.add(alias.asname or top)
                    if any(private(part) for part in alias.name.split(".")):
                        report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in OWN:
                continue
            if any(private(part) for part in node.module.split(".")):
                report(node, f"from {node.module} import ...")
            for alias in node.names:
                if private(alias.name):
                    report(node, f"from {node.module} import {alias.name}")
                else:
                    external.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in external:
                report(node, f"{ast.unparse(node)}")
    return found


def test_no_code_uses_a_private_name_of_another_package():
    found = [use for path in _python_files() for use in _private_uses(path)]
    assert found == [], (
        "private names of other packages (use public API, or say why on the line with "
        f"'# {ALLOWED} ...'):\n" + "\n".join(found)
    )
