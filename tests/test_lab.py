"""`make lab` / `xinzhi lab` (xinzhi.lab): JupyterLab in Chinese, quiet and offline.

The settings are checked against what the installed JupyterLab accepts (its plugins'
setting schemas, LabApp's traits); the launcher's errors are one clear line; and one test
starts the server exactly as `make lab` does, on a free port, and looks at it in Chromium.
"""

from __future__ import annotations

import io
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from _browser import ARTIFACTS, ROOT, launch
from xinzhi import cli, lab
from xinzhi.conventions import read_notebook

OVERRIDES = lab.SETTINGS / "labconfig" / "default_setting_overrides.json"
SERVER_CONFIG = lab.SETTINGS / "jupyter_server_config.json"
#: JupyterLab's main menus as the zh-CN language pack names them.
CHINESE_MENUS = ["文件", "编辑", "查看", "运行", "内核", "标签页", "设置", "帮助"]
CHAPTER = "02_核心概念.ipynb"
#: Lines above INFO that the server's log may hold: the stop on Ctrl-C; a committed
#: notebook opened for the first time is "not trusted" (its outputs were not made on this
#: machine: JupyterLab sanitises their HTML, and pandas' tables look the same); and the
#: warning jupyter_server 2.x gives with tornado >= 6.5 about its own websocket ping
#: defaults (jupyter-server/jupyter_server#1612).
KNOWN_LOG_LINES = ("received signal 15, stopping", "is not trusted",
                   "cannot be longer than the websocket_ping_interval (30000).")


# --- the settings ----------------------------------------------------------------------

def _schema(plugin_id: str) -> dict:
    from jupyterlab.commands import get_app_dir

    package, plugin = plugin_id.split(":")
    path = Path(get_app_dir()) / "schemas" / package / f"{plugin}.json"
    assert path.is_file(), f"{plugin_id}: no such JupyterLab plugin ({path} is missing)"
    return json.loads(path.read_text(encoding="utf-8"))


def test_each_default_setting_is_one_the_plugin_has_with_a_value_it_accepts():
    import jsonschema

    overrides = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == lab.LOCALE
    assert overrides["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false", "checkForUpdates": False}
    for plugin_id, settings in overrides.items():
        properties = _schema(plugin_id)["properties"]
        for name, value in settings.items():
            assert name in properties, f"{plugin_id} has no setting {name!r}"
            jsonschema.validate(value, properties[name])


def test_the_server_settings_are_labapp_options_it_takes():
    from jupyterlab.handlers.announcements import NeverCheckForUpdate
    from jupyterlab.labapp import LabApp
    from traitlets.config import Config

    config = json.loads(SERVER_CONFIG.read_text(encoding="utf-8"))
    assert set(config) == {"LabApp"}
    assert set(config["LabApp"]) <= set(LabApp.class_traits(config=True))
    app = LabApp(config=Config(config))
    assert app.extension_manager == "readonly"
    assert app.news_url is None
    assert app.check_for_updates_class is NeverCheckForUpdate


def test_the_chinese_interface_is_pinned_and_installed():
    from importlib.metadata import entry_points, version

    dev = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["dev"]
    pinned = [d for d in dev if d.startswith(lab.LANGUAGE_PACK + "==")]
    assert pinned, f"{lab.LANGUAGE_PACK} is not pinned in the dev extra"
    assert version(lab.LANGUAGE_PACK) == pinned[0].split("==")[1]
    assert lab.LOCALE in {ep.name for ep in entry_points(group="jupyterlab.languagepack")}


# --- the launcher ------------------------------------------------------------------------

def test_the_command_adds_allow_root_only_for_root(tmp_path):
    plain = lab.command(tmp_path, "t0ken", port=9999, browser=False)
    assert f"--ServerApp.root_dir={tmp_path}" in plain
    assert "--IdentityProvider.token=t0ken" in plain
    assert "--ServerApp.port=9999" in plain and "--ServerApp.open_browser=False" in plain
    assert "--allow-root" not in plain
    assert "--allow-root" in lab.command(tmp_path, "t0ken", as_root=True)


def test_it_opens_on_the_first_chapter_when_the_folder_has_it(tmp_path):
    assert lab.first_page(tmp_path) == "/lab"
    assert unquote(lab.first_page(ROOT / "notebooks")) == "/lab/tree/00_导读.ipynb"


def test_a_missing_folder_is_one_line_and_exit_2(tmp_path, capsys):
    assert cli.main(["lab", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "xinzhi: error: no folder" in err and "notebooks" in err


def test_a_missing_language_pack_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(lab, "entry_points", lambda group: [])
    with pytest.raises(lab.LabError, match=f"Chinese interface is not installed: pip install jupyterlab {lab.LANGUAGE_PACK}"):
        lab.run(tmp_path)


def test_a_server_that_fails_to_start_is_reported_with_its_log(tmp_path, monkeypatch):
    failing = [sys.executable, "-c", "import sys; print('OSError: [Errno 98] Address already in use'); sys.exit(1)"]
    monkeypatch.setattr(lab, "command", lambda *args, **kwargs: failing)
    with pytest.raises(lab.LabError) as caught:
        lab.run(tmp_path, out=io.StringIO())
    message = str(caught.value)
    assert message.startswith("JupyterLab did not start: OSError: [Errno 98] Address already in use")
    assert str(lab.log_path()) in message and "\n" not in message


def test_binder_start_script_puts_the_settings_first_on_the_config_path(tmp_path):
    code = "import os; print(os.environ['JUPYTER_CONFIG_PATH'])"
    for env in ({}, {"REPO_DIR": str(ROOT)}):
        result = subprocess.run([str(ROOT / "start"), sys.executable, "-c", code], cwd=tmp_path,
                                env={**os.environ, **env, "JUPYTER_CONFIG_PATH": "/elsewhere"},
                                capture_output=True, text=True, check=True)
        first, rest = result.stdout.strip().split(os.pathsep)
        assert Path(first).resolve() == lab.SETTINGS and rest == "/elsewhere"
    binder = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert '"-e .[dev]"' in binder  # the language pack comes with the dev extra


# --- the server, as `make lab` starts it ---------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _MakeLab:
    """`make lab` in its own process group, its output read line by line."""

    def __init__(self, port: int, folder: Path):
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"LAB_FOLDER={folder}",
             f"LAB_OPTIONS=--port {port} --no-browser"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def address(self, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, f"make lab stopped: {self.process.stderr.read()}"
                continue
            self.stdout.append(line)
            if match := re.fullmatch(r"\s+(http://\S+)", line):
                return match.group(1)
        raise AssertionError(f"make lab printed no address within {timeout} s: {self.stdout}")

    def stop(self) -> str:
        """Ctrl-C as a terminal sends it (to the whole process group); returns stderr."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        self.reader.join(timeout=10)  # stdout is read by the reader thread alone
        err = self.process.stderr.read()
        while not self.lines.empty():
            self.stdout.append(self.lines.get())
        return err


def _run_cell(page, cell, run, count: int) -> None:
    """Select ``cell`` and run it with the ``run`` button until its prompt shows ``count``.

    Until the notebook's kernel has connected, JupyterLab clears a run instead of queuing
    it (the prompt stays ``[ ]``), so the button is pressed again until the run is taken
    (``[*]`` or the count); a run taken is never repeated.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    prompt = cell.locator(".jp-InputPrompt")
    taken = re.compile(rf"\[(\*|{count})\]")
    for _ in range(24):
        prompt.click()
        assert "jp-mod-active" in (cell.get_attribute("class") or "")
        run.click()
        try:
            prompt.filter(has_text=taken).wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    prompt.filter(has_text=f"[{count}]").wait_for(timeout=90_000)


@pytest.mark.slow
def test_make_lab_is_chinese_quiet_offline_and_opens_a_chapter(tmp_path):
    # The notebooks are copied, so that nothing JupyterLab saves (it autosaves every two
    # minutes) can change the repository's.
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder, ignore=shutil.ignore_patterns(".*"))
    port = _free_port()
    server = _MakeLab(port, folder)
    try:
        address = server.address()
        parts = urlsplit(address)
        assert parts.port == port and parts.hostname in ("localhost", "127.0.0.1")
        assert unquote(parts.path) == "/lab/tree/00_导读.ipynb" and "token=" in parts.query
        outside: list[str] = []

        def record(url: str):
            host = urlsplit(url).hostname
            if urlsplit(url).scheme not in ("data", "blob") and (host, urlsplit(url).port) not in (
                    ("localhost", port), ("127.0.0.1", port)):
                outside.append(url)

        with launch() as browser:
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
            page = context.new_page()
            page.on("request", lambda r: record(r.url))
            page.on("websocket", lambda w: record(w.url))
            page.goto(address)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
            menus = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").all_inner_texts()
            assert menus == CHINESE_MENUS, f"the menus are not in Chinese: {menus}"
            assert "00_导读.ipynb" in page.locator(".lm-TabBar-tabLabel").all_inner_texts()

            config = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")
            assert config["extensionManager"]["can_install"] is False
            assert config["news"] == {"disabled": True}
            api = "async (path) => (await fetch(path)).json()"
            assert page.evaluate(api, "/lab/api/news") == {"news": []}
            assert page.evaluate(api, "/lab/api/update") == {"notification": None}

            # A chapter opened from the file browser, as a student would.
            page.locator(".jp-DirListing-item", has_text=CHAPTER).dblclick()
            title = next(c.source.splitlines()[0].lstrip("# ") for c in read_notebook(ROOT / "notebooks" / CHAPTER).cells
                         if c.cell_type == "markdown")
            page.locator(".jp-NotebookPanel:visible h1", has_text=title).wait_for(timeout=60_000)
            assert CHAPTER in page.locator(".lm-TabBar-tabLabel").all_inner_texts()
            # Its first two code cells (install-if-missing; imports and the corpus) run in
            # the lab's kernel with the toolbar's ▶ (运行这 1 个单元格…): the second first, so
            # that each one's new count (1, 2) differs from the one committed with it (2, 1).
            chapter = page.locator(".jp-NotebookPanel:visible")
            run = chapter.locator("jp-button[data-command='notebook:run-cell-and-select-next']")
            assert (run.get_attribute("title") or "").startswith("运行")
            chapter.locator(".jp-CodeCell").nth(1).wait_for()
            cells = chapter.locator(".jp-CodeCell").all()[:2]
            committed = [c.execution_count for c in read_notebook(ROOT / "notebooks" / CHAPTER).cells
                         if c.cell_type == "code"][:2]
            for count, index in enumerate([1, 0], start=1):
                cell = cells[index]
                assert count != committed[index]
                _run_cell(page, cell, run, count)
                outputs = cell.locator(".jp-OutputArea-output").all_inner_texts()
                assert outputs == [], f"code cell {index + 1} of {CHAPTER} printed {outputs}"
            page.wait_for_timeout(2000)  # JupyterLab asks about news a moment after it starts
            assert page.locator(".Toastify__toast").count() == 0, page.locator(".Toastify__toast").all_inner_texts()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-zh.png"))
            context.close()
        assert not outside, f"requests left the machine: {outside}"
    finally:
        err = server.stop()
    assert err == "", f"make lab wrote to stderr: {err}"
    with socket.socket() as s:  # the server is gone, not left running without its launcher
        s.bind(("127.0.0.1", port))
    expected = ["JupyterLab (中文界面) is running on", "    http://", "Press Ctrl-C to stop it.",
                "JupyterLab stopped."]
    if os.geteuid() == 0:
        expected.insert(0, "note: running as root")
    assert len(server.stdout) == len(expected), server.stdout
    for line, start in zip(server.stdout, expected):
        assert line.startswith(start), server.stdout
    # The server's own log (not shown in the terminal): no error, no warning but two of
    # JupyterLab's own that do not concern the book, and a fetch tried offline would log one.
    log = lab.log_path().read_text(encoding="utf-8")
    above_info = [line for line in re.findall(r"^\[[WEC] .*$", log, re.MULTILINE)
                  if not line.endswith(KNOWN_LOG_LINES)]
    assert above_info == [], above_info
    assert "Traceback" not in log
