"""The test run reads no hidden state: every cache and settings folder is new (conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import nbformat
from nbclient import NotebookClient

from xinzhi import segment

HOME_CACHES = [Path.home() / ".cache", Path.home() / ".matplotlib", Path.home() / ".ipython"]


def _fresh_root() -> Path:
    return Path(os.environ["MPLCONFIGDIR"]).parent


def test_the_run_has_its_own_fresh_folders():
    root = _fresh_root()
    assert root.name.startswith("xinzhi-test-home-")
    for name in ("MPLCONFIGDIR", "XDG_CACHE_HOME", "IPYTHONDIR", "JUPYTER_DATA_DIR"):
        assert Path(os.environ[name]).is_relative_to(root), name
    assert "XINZHI_CACHE_DIR" not in os.environ


def test_matplotlib_and_the_library_cache_in_the_fresh_folders():
    root = _fresh_root()
    assert Path(matplotlib.get_cachedir()).is_relative_to(root)
    assert Path(matplotlib.get_configdir()).is_relative_to(root)
    assert segment.cache_dir().is_relative_to(root)
    for home in HOME_CACHES:
        assert not Path(matplotlib.get_cachedir()).is_relative_to(home)


def test_notebook_kernels_inherit_the_fresh_folders(tmp_path):
    code = (
        "import matplotlib, os\n"
        "from xinzhi import segment\n"
        "print(matplotlib.get_cachedir()); print(segment.cache_dir()); print(os.environ['IPYTHONDIR'])"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = nb.cells[0].outputs[0]["text"].split()
    assert len(printed) == 3
    assert all(Path(p).is_relative_to(_fresh_root()) for p in printed), printed
