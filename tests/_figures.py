"""Shared by the figure tests: a clean matplotlib state per test, and drawing a figure
with every warning an error (a missing glyph warns only at draw time)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from xinzhi import style  # noqa: E402


@pytest.fixture(autouse=True)
def clean_figures():
    style.setup()  # a test may have changed rcParams
    yield
    plt.close("all")


def render(ax: Axes, tmp_path: Path | None = None) -> Path | None:
    """Draw the figure with every warning an error; save it as PNG into ``tmp_path``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.canvas.draw()
        if tmp_path is not None:
            out = tmp_path / "figure.png"
            ax.figure.savefig(out)
            return out
    return None


def chinese_chart() -> Axes:
    fig, ax = plt.subplots()
    ax.bar(["创新", "产业", "绿色"], [3.5, -1.25, 2.0])
    ax.set_title("新质生产力：词频 α")
    ax.set_xlabel("关键词（α 表示显著性）")
    ax.set_ylabel("变化 −1 到 4")
    ax.annotate("负值", (1, -1.25))
    return ax
