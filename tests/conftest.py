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
    "XDG_STATE_HOME": str(FRESH / "state"),
    "IPYTHONDIR": str(FRESH / "ipython"),
    "JUPYTER_CONFIG_DIR": str(FRESH / "jupyter" / "config"),
    "JUPYTER_DATA_DIR": str(FRESH / "jupyter" / "data"),
    "JUPYTER_RUNTIME_DIR": str(FRESH / "jupyter" / "runtime"),
}
for _name, _value in FRESH_ENV.items():
    Path(_value).mkdir(parents=True, exist_ok=True)
    os.environ[_name] = _value
os.environ.pop("XINZHI_CACHE_DIR", None)  # the library's own default (under XDG_CACHE_HOME)

#: Test files that build the book, start a browser, build the package or start fresh
#: Python processes: marked ``slow``; `make test-fast` leaves them out.
SLOW_FILES = frozenset({
    "test_book.py",
    "test_light.py",
    "test_browser.py",
    "test_packaging.py",
    "test_fonts.py",
    "test_fresh_state.py",
    "test_practice_page.py",
    "test_slides.py",
})


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds the book, drives a browser, builds the package or starts "
        "fresh processes (make test runs it, make test-fast does not)"
    )


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if item.path.name in SLOW_FILES or item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


def pytest_unconfigure(config) -> None:
    shutil.rmtree(FRESH, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus():
    """The project's corpus, loaded once per run.  Its objects are frozen and its pandas
    views are copies, so no test can change what another reads."""
    import xinzhi

    return xinzhi.load_corpus()


@pytest.fixture(scope="session")
def chapters() -> list:
    """The chapter notebooks as the book reads them (``xinzhi_pages.read_chapters``)."""
    import xinzhi_pages

    found = xinzhi_pages.read_chapters()
    assert found, "no chapter notebooks in notebooks/"
    return found


@pytest.fixture(scope="session")
def site(request, tmp_path_factory) -> Path:
    """The study edition's HTML, built once per run (fresh, warnings as errors)."""
    from _book import build_site

    return build_site(request.config, tmp_path_factory.getbasetemp() / "book")


@pytest.fixture(scope="session")
def instructor_site(request, tmp_path_factory) -> Path:
    """The instructor edition's HTML, built once per run."""
    from _book import build_site

    return build_site(request.config, tmp_path_factory.getbasetemp() / "book", "instructor")


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


@pytest.fixture
def keys_file(tmp_path, monkeypatch):
    """An empty answer-key file that xinzhi.keys reads instead of the real one."""
    from xinzhi import keys

    path = tmp_path / "answers.json"
    monkeypatch.setattr(keys, "keys_path", lambda: path)
    keys.reload_keys()
    yield path
    keys.reload_keys()
