"""Fresh Python environments for the tests that use xinzhi the way its users get it.

Shared by ``tests/test_packaging.py`` and ``tests/test_book.py``, which load this file by
path as ``xinzhi_test_envs`` (it is not a test module):

- :func:`built_dist` builds the sdist and the wheel from the checkout once per test
  session, as ``make dist`` does (``python -m build --no-isolation``: this venv's
  setuptools, nothing downloaded);
- :func:`new_env` makes a brand-new venv (with its own pip) that has no xinzhi but sees
  every other package of the venv running the tests (pandas, jieba, matplotlib,
  ipykernel, ...): a folder of symlinks to the entries of that venv's site-packages,
  minus xinzhi's own (package, ``.dist-info``, editable hook) and minus what the new venv
  already has (pip, setuptools), named in a ``.pth`` file.  pip in the new venv sees the
  dependencies as installed and, offline, installs nothing but the wheel;
- :meth:`Env.run_notebook` runs a notebook with nbclient on a kernel that is the new
  venv's python, in the notebook's folder.

Every command in a new env runs like on a user's machine that has no pip configuration:
``PIP_CONFIG_FILE=os.devnull`` (this machine's global config would add find-links and
indexes), ``PIP_NO_INDEX=1``, ``PIP_FIND_LINKS`` only the folder given, no
``PYTHONPATH`` and no user site-packages.  Nothing reaches the network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from xinzhi.conventions import read_notebook

ROOT = Path(__file__).resolve().parents[1]

#: The code cell :meth:`Env.run_notebook` appends to report where xinzhi came from.
PROBE = (
    "import json as _j, sys as _s, xinzhi as _x\n"
    "from xinzhi.corpus import default_corpus_path as _d\n"
    "print('XINZHI-PROBE' + _j.dumps({'xinzhi': _x.__file__, 'corpus': str(_d()), 'prefix': _s.prefix}))"
)


_BUILT: dict[str, Path] = {}


def built_dist(tmp_path_factory) -> dict[str, Path]:
    """``{"sdist": ..., "wheel": ...}`` built from the checkout, once per test session,
    without project URLs (as ``make dist`` without ``XINZHI_REPOSITORY_URL``)."""
    if not _BUILT:
        out = tmp_path_factory.mktemp("dist")
        _BUILT.update(build(out))
    return dict(_BUILT)


def build(outdir: Path, **env: str) -> dict[str, Path]:
    """Build sdist and wheel into ``outdir``; ``env`` adds variables, every other
    ``XINZHI_*_URL`` variable is cleared so the metadata does not depend on the shell."""
    clear = {name: "" for name in ("XINZHI_REPOSITORY_URL", "XINZHI_BOOK_URL")}
    import editions

    return editions.build_package(outdir, env={**clear, **env})


def _key(entry: str) -> str:
    """The project a site-packages entry belongs to: ``pip-26.3.dist-info`` -> ``pip``,
    ``six.py`` -> ``six``, ``xinzhi_study-0.1.0.dist-info`` -> ``xinzhi_study``."""
    stem = entry.split("-", 1)[0]
    stem = re.sub(r"\.(py|pth|egg-link|egg-info|dist-info|so)$", "", stem)
    return stem.lower().replace(".", "_")


def _skipped(entry: str, own: set[str]) -> bool:
    key = _key(entry)
    return (
        entry == "__pycache__"
        or entry.endswith(".pth")  # path hooks: the editable install's among them
        or key.startswith("__editable__")
        or key in {"xinzhi", "xinzhi_study"}
        or key in own
    )


def clean_environ(find_links: Path | None = None, **extra: str) -> dict[str, str]:
    """This process's environment as a user's machine without pip configuration sees it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PIP_") and k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
    }
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYTHONNOUSERSITE="1",
    )
    if find_links is not None:
        env["PIP_FIND_LINKS"] = str(find_links)
    env.update(extra)
    return env


@dataclass
class Env:
    """A venv made by :func:`new_env`."""

    root: Path
    python: Path
    site_packages: Path
    find_links: Path | None = None

    def environ(self) -> dict[str, str]:
        env = clean_environ(self.find_links, VIRTUAL_ENV=str(self.root))
        env["PATH"] = os.pathsep.join([str(self.python.parent), env.get("PATH", "")])
        return env

    def run(self, *args: str, cwd: Path | None = None, check: bool = True,
            timeout: float = 300) -> subprocess.CompletedProcess:
        """Run the env's python with ``args``; on failure (with ``check``) raise an
        AssertionError that shows the output."""
        result = subprocess.run([str(self.python), *args], cwd=cwd, env=self.environ(),
                                capture_output=True, text=True, timeout=timeout, check=False)
        if check and result.returncode != 0:
            raise AssertionError(
                f"{self.python} {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def imports(self, module: str) -> bool:
        return self.run("-c", f"import {module}", check=False).returncode == 0

    def installed(self) -> set[str]:
        """The entries of the env's own site-packages."""
        return {p.name for p in self.site_packages.iterdir()} - {"__pycache__"}

    @property
    def kernels(self) -> Path:
        """The folder of the env's kernel spec ``xinzhi-test`` (written by :func:`new_env`)."""
        return self.root / "share" / "jupyter" / "kernels"

    def kernel_manager_class(self):
        """A kernel manager class for nbclient whose only kernel, ``xinzhi-test``, is this
        env's python (nbclient then starts and stops the kernel itself)."""
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager
        from traitlets import default

        kernels = self.kernels

        class EnvKernelManager(AsyncKernelManager):
            @default("kernel_spec_manager")
            def _kernel_spec_manager_default(self):
                return KernelSpecManager(kernel_dirs=[str(kernels)])

        return EnvKernelManager

    def run_notebook(self, path: Path, *, timeout: int = 300) -> tuple:
        """Run ``path`` top to bottom in its own folder on this env's kernel, with
        :data:`PROBE` appended.  Returns the executed notebook (probe cell removed) and
        what the probe saw: ``{"xinzhi": file, "corpus": essays file, "prefix": sys.prefix}``.
        Raises nbclient's CellExecutionError for a failing cell."""
        import nbformat
        from nbclient import NotebookClient

        nb = read_notebook(path)
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
        client = NotebookClient(nb, kernel_manager_class=self.kernel_manager_class(),
                                kernel_name="xinzhi-test", timeout=timeout,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute(env=self.environ())
        probe = nb.cells.pop()
        text = "".join(o.get("text", "") for o in probe.outputs if o.output_type == "stream")
        found = re.search(r"XINZHI-PROBE(\{.*\})", text)
        assert found, f"{path.name}: the probe cell printed {text!r}"
        return nb, json.loads(found.group(1))


def new_env(root: Path, *, find_links: Path | None = None) -> Env:
    """A new venv at ``root`` with pip and without xinzhi; the packages of the venv
    running the tests are visible through ``root/deps`` (symlinks) and a ``.pth`` file."""
    root = Path(root)
    subprocess.run([sys.executable, "-m", "venv", str(root)], env=clean_environ(),
                   check=True, capture_output=True, text=True, timeout=300)
    python = root / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        env=clean_environ(), check=True, capture_output=True, text=True,
    ).stdout.strip())
    source = Path(sysconfig.get_path("purelib"))
    assert (source / "pandas").is_dir() and (source / "ipykernel").is_dir(), (
        f"the tests' own site-packages {source} lacks pandas or ipykernel; run them from .venv"
    )
    own = {_key(p.name) for p in site_packages.iterdir()}
    deps = root / "deps"
    deps.mkdir()
    for entry in sorted(source.iterdir()):
        if not _skipped(entry.name, own):
            (deps / entry.name).symlink_to(entry)
    (site_packages / "_xinzhi_test_deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    env = Env(root=root, python=python, site_packages=site_packages, find_links=find_links)
    spec = env.kernels / "xinzhi-test" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python ({root.name})",
        "language": "python",
    }), encoding="utf-8")
    return env


def output_problems(nb, *, allowed: set[int] = frozenset()) -> list[str]:
    """What a reader should not see: stderr, tracebacks and error outputs, by cell (the
    code cells whose index is in ``allowed`` are not looked at)."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or index in allowed:
            continue
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if isinstance(output.get("data"), dict):
                text += "".join(str(v) for v in output["data"].values())
            if output.output_type == "error":
                problems.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif output.output_type == "stream" and output.get("name") == "stderr":
                problems.append(f"cell {index} writes to stderr: {text[:300]!r}")
            elif "Traceback (most recent call last)" in text:
                problems.append(f"cell {index} shows a traceback: {text[:300]!r}")
    return problems
