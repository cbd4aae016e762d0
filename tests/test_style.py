"""xinzhi.style: Chinese renders with no missing glyphs, the house style, and
importing the figure modules changes no matplotlib setting."""

from __future__ import annotations

import subprocess
import warnings
import sys

import matplotlib

import matplotlib.pyplot as plt
import pytest

from _figures import clean_figures  # noqa: F401  (the autouse fixture)
from _figures import chinese_chart as _chinese_chart
from _figures import render as _render
from xinzhi import plot


# --- setup and house style (fonts: tests/test_fonts.py) ----------------------------
def test_a_chinese_chart_renders_without_missing_glyphs(tmp_path, font_log):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = _chinese_chart()
        out = _render(ax, tmp_path)
    assert out is not None and out.stat().st_size > 10_000
    assert [t.get_text() for t in ax.get_xticklabels()] == ["创新", "产业", "绿色"]
    assert any(t.get_text().startswith("-") for t in ax.get_yticklabels())  # negative ticks
    assert font_log == [], [r.getMessage() for r in font_log]


def test_font_family_is_latin_first_then_chinese():
    family = matplotlib.rcParams["font.family"]
    assert family == [plot.LATIN_FAMILY, plot.chinese_font_family()] == plot.font_families()
    assert "sans-serif" not in family
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert plot.chinese_font_family() == "Noto Sans SC"  # the pinned OFL package
    assert plot.font_path().suffix == ".otf"


def test_setup_is_idempotent():
    plot.setup()
    first = {k: matplotlib.rcParams[k] for k in ("font.family", "font.sans-serif", "axes.prop_cycle", "figure.dpi")}
    plot.setup()
    second = {k: matplotlib.rcParams[k] for k in first}
    assert first == second


def test_setup_restores_style_after_rcdefaults():
    plt.rcdefaults()
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
    plot.setup()
    assert matplotlib.rcParams["font.family"][:2] == [plot.LATIN_FAMILY, plot.chinese_font_family()]


def test_house_style():
    rc = matplotlib.rcParams
    assert rc["figure.dpi"] == 110
    assert rc["axes.spines.top"] is False and rc["axes.spines.right"] is False
    assert rc["axes.grid"] is True
    colours = [c["color"].upper() for c in rc["axes.prop_cycle"]]
    assert colours == [c.upper() for c in plot.OKABE_ITO]


@pytest.mark.parametrize("module", ["xinzhi.plot", "xinzhi.charts", "xinzhi.style"])
def test_importing_a_figure_module_changes_no_matplotlib_setting(module):
    code = ("import matplotlib; before = dict(matplotlib.rcParams); "
            f"import {module}; "
            "changed = sorted(k for k, v in matplotlib.rcParams.items() if before.get(k) != v); "
            "print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]" and out.stderr == ""


def test_a_chart_applies_the_house_style_itself():
    code = ("import matplotlib; matplotlib.use('Agg'); from xinzhi import plot; "
            "assert matplotlib.rcParams['font.family'] == ['sans-serif']; "
            "plot.ranked_bars({'创新': 2, '产业': 1}); "
            "print(matplotlib.rcParams['font.family'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(plot.font_families()) and out.stderr == ""

