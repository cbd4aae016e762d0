"""JupyterLab for this book: in Chinese, quiet and offline (``xinzhi lab``, ``make lab``).

JupyterLab reads its settings from Jupyter's config path.  :func:`environment` puts the
folder ``xinzhi/data/jupyter`` (:data:`SETTINGS`) first on that path
(``JUPYTER_CONFIG_PATH``) for the server this module starts, and for nothing else: the
user's own ``~/.jupyter`` is neither written nor hidden, and a choice made in
JupyterLab's Settings menu still wins over these defaults.

- ``labconfig/default_setting_overrides.json`` (read by jupyterlab_server): the interface
  in Simplified Chinese (the ``jupyterlab-language-pack-zh-CN`` package), and never
  fetching Jupyter's news or checking for updates, so no pop-up asks about either.
- ``jupyter_server_config.json``: the extension manager ``readonly`` (it lists what is
  installed and never queries PyPI), no news feed, an update check that never checks.

Binder runs the same folder through the repository's ``start`` script.

The server's own log goes to a file (:func:`log_path`), not to the terminal: the
terminal shows the address to open, one line when the server stops, and the log's
last line only if it fails to start.  The server runs in its own session, so Ctrl-C
reaches this launcher, which stops the server (its kernels with it) without the
server's question "Shutdown this Jupyter server (y/[n])?".
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path
from typing import Mapping, TextIO
from urllib.parse import quote

from .errors import XinzhiError

__all__ = ["SETTINGS", "LANGUAGE_PACK", "LOCALE", "LabError", "environment", "command", "first_page", "log_path", "run"]

#: JupyterLab's settings for this book (Jupyter's config-folder layout).
SETTINGS = Path(__file__).resolve().parent / "data" / "jupyter"
#: The pip package of the Chinese interface and the locale it provides.
LANGUAGE_PACK = "jupyterlab-language-pack-zh-CN"
LOCALE = "zh_CN"
#: The chapter JupyterLab opens on when the folder has it.
FIRST_NOTEBOOK = "00_导读.ipynb"
#: How long a server may take to start before the launcher gives up (seconds).
START_TIMEOUT = 120

INSTALL_HINT = f"pip install jupyterlab {LANGUAGE_PACK} (in the project: make install)"


class LabError(XinzhiError, RuntimeError):
    """JupyterLab cannot be started (not installed, no such folder, failed to start)."""


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default ``os.environ``) with :data:`SETTINGS` first on Jupyter's config path.

    >>> env = environment({"JUPYTER_CONFIG_PATH": "/etc/site-jupyter"})
    >>> env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[1]
    '/etc/site-jupyter'
    >>> Path(env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0]) == SETTINGS
    True
    """
    env = dict(os.environ if base is None else base)
    paths = [str(SETTINGS)] + [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    return env


def command(folder: Path, token: str, *, port: int | None = None, ip: str | None = None,
            browser: bool = True, as_root: bool = False) -> list[str]:
    """The ``jupyter lab`` command line the launcher runs, in this Python."""
    args = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.default_url={first_page(folder)}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={browser}",
    ]
    if port is not None:
        args.append(f"--ServerApp.port={port}")
    if ip is not None:
        args.append(f"--ServerApp.ip={ip}")
    if as_root:
        args.append("--allow-root")
    return args


def first_page(folder: Path) -> str:
    """The page JupyterLab opens on: the book's first chapter when ``folder`` has it.

    >>> first_page(SETTINGS)
    '/lab'
    """
    if (folder / FIRST_NOTEBOOK).is_file():
        return "/lab/tree/" + quote(FIRST_NOTEBOOK)
    return "/lab"


def log_path() -> Path:
    """Where the server's log goes (``$XDG_STATE_HOME/xinzhi/log/jupyterlab.log`` on Linux)."""
    import platformdirs

    return platformdirs.user_log_path("xinzhi", appauthor=False) / "jupyterlab.log"


def _require_installed() -> None:
    if find_spec("jupyterlab") is None:
        raise LabError(f"JupyterLab is not installed in this Python ({sys.executable}): {INSTALL_HINT}")
    if not any(ep.name == LOCALE for ep in entry_points(group="jupyterlab.languagepack")):
        raise LabError(f"JupyterLab's Chinese interface is not installed: {INSTALL_HINT}")


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _server_info(pid: int) -> dict | None:
    from jupyter_server.serverapp import list_running_servers

    return next((info for info in list_running_servers() if info.get("pid") == pid), None)


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return next((line.strip() for line in reversed(lines) if line.strip()), "")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # JupyterLab stops on SIGTERM, shutting its kernels down
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _stop_on_signals() -> dict:
    """SIGTERM and SIGHUP (a closed terminal) stop the server as Ctrl-C does; returns the
    handlers they had.  Only the main thread may set handlers: elsewhere, none are set."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return {}
    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    return {sig: signal.signal(sig, stop) for sig in (getattr(signal, name) for name in names)}


def run(folder: str | Path = ".", *, port: int | None = None, ip: str | None = None,
        browser: bool = True, out: TextIO | None = None) -> int:
    """Start JupyterLab on ``folder`` with the book's settings; return when it stops.

    Prints the address to open (with its token) once the server answers, and waits;
    Ctrl-C, SIGTERM or SIGHUP stop the server.  Raises :class:`LabError` when JupyterLab
    or its Chinese interface is missing, ``folder`` is not a folder, or the server stops
    before it is ready (the message quotes the log's last line).
    """
    out = sys.stdout if out is None else out
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise LabError(f"no folder {folder}: give the folder of the notebooks, e.g. notebooks")
    _require_installed()
    as_root = _is_root()
    if as_root:
        print("note: running as root (a container or an admin account), so JupyterLab is started "
              "with --allow-root, which it asks for because notebooks then run with root's rights",
              file=out, flush=True)
    token = secrets.token_hex(24)
    log = log_path()
    log.parent.mkdir(parents=True, exist_ok=True)

    with open(log, "w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            command(folder, token, port=port, ip=ip, browser=browser, as_root=as_root),
            cwd=folder, env=environment(), stdin=subprocess.DEVNULL, stdout=log_file,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
    previous = _stop_on_signals()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while (info := _server_info(server.pid)) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                _stop(server)
                raise LabError(f"JupyterLab did not start: {_last_line(log) or 'no message'} "
                               f"(the whole log: {log})")
            time.sleep(0.2)
        address = f"{info['url'].rstrip('/')}{first_page(folder)}?token={token}"
        print(f"JupyterLab (中文界面) is running on {folder}; open this address in a browser:\n"
              f"    {address}\nPress Ctrl-C to stop it.", file=out, flush=True)
        if server.wait() != 0:  # 0: shut down from its File menu
            raise LabError(f"JupyterLab stopped with exit code {server.returncode}; its log: {log}")
    except KeyboardInterrupt:
        pass
    finally:
        _stop(server)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("JupyterLab stopped.", file=out, flush=True)
    return 0
