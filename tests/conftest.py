"""Every test run starts from nothing: its own fresh caches and Jupyter/IPython folders.

Hidden state once made a red build look green here: a matplotlib font cache older than
the system's fonts hid a warning that every fresh machine printed.  So this file, which
pytest loads before it collects anything, points every per-user cache and settings folder
that the library, matplotlib, jieba, IPython and the notebook kernels (nbval) read at
one new temporary folder, removed when the run ends.  Nothing from ``~/.cache``,
``~/.matplotlib``, ``~/.ipython`` or ``~/.local/share/jupyter`` can change a result.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

if "matplotlib" in sys.modules:  # its cache folder is fixed on import: too late to change
    raise RuntimeError(
        "matplotlib was imported before tests/conftest.py could give the run fresh caches; "
        "run the tests with `make test` (or `python -m pytest tests ...`) without plugins "
        "that import matplotlib"
    )

FRESH = Path(tempfile.mkdtemp(prefix="xinzhi-test-home-"))
#: The variables set for this run (the tests check them; kernels inherit them).
FRESH_ENV = {
    "MPLCONFIGDIR": str(FRESH / "matplotlib"),
    "XDG_CACHE_HOME": str(FRESH / "cache"),
    "XDG_CONFIG_HOME": str(FRESH / "config"),
    "XDG_DATA_HOME": str(FRESH / "data"),
    "IPYTHONDIR": str(FRESH / "ipython"),
    "JUPYTER_CONFIG_DIR": str(FRESH / "jupyter" / "config"),
    "JUPYTER_DATA_DIR": str(FRESH / "jupyter" / "data"),
    "JUPYTER_RUNTIME_DIR": str(FRESH / "jupyter" / "runtime"),
}
for _name, _value in FRESH_ENV.items():
    Path(_value).mkdir(parents=True, exist_ok=True)
    os.environ[_name] = _value
os.environ.pop("XINZHI_CACHE_DIR", None)  # the library's own default (under XDG_CACHE_HOME)


def pytest_unconfigure(config) -> None:
    shutil.rmtree(FRESH, ignore_errors=True)


@pytest.fixture
def font_log():
    """Records of matplotlib's font-manager logger at WARNING and above, taken after the
    logger's own filters (so xinzhi.fonts' single-weight filter applies)."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("matplotlib.font_manager")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
