"""xinzhi.fonts: Chinese in figures, with no warning of any kind, under any font set-up.

The in-process tests use this test run's own fresh matplotlib cache (tests/conftest.py).
The set-up tests run a figure in a subprocess, each with a matplotlib cache of its own:

* a **fresh** cache: matplotlib scans the machine's real fonts (on CI, the ones
  ``.ci/run`` installs: WenQuanYi Zen Hei, Noto Sans and Serif CJK, AR PL UKai);
* an **old** cache written by the test, listing exactly the fonts of one set-up (none,
  one system family, all of them).  That is what matplotlib believes is installed, as on
  a machine whose cache predates or outlives a font: how a red build once looked green.

Each set-up runs with the bundled OFL font and without it (the package made unimportable).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from xinzhi import fonts, plot  # noqa: E402

HAN_SAMPLE = "新质生产力"
ON_CI = os.environ.get("CI", "").lower() == "true"

#: The system fonts of each set-up: Debian's packages, which .ci/run installs.
SYSTEM_FONTS = {
    "wenquanyi": ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"],
    "noto-sans-cjk": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                      "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"],
    "noto-serif-cjk": ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                       "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"],
    "ar-pl-ukai": ["/usr/share/fonts/truetype/arphic/ukai.ttc"],
}
SYSTEM_FONTS["all"] = [f for files in SYSTEM_FONTS.values() for f in files]
SYSTEM_FONTS["none"] = []
#: The family each set-up gives when the bundled font is missing (matplotlib >= 3.11
#: reads every face of a .ttc collection; older releases name Noto CJK's first face, JP).
FALLBACK_FAMILY = {
    "wenquanyi": ("WenQuanYi Zen Hei",),
    "noto-sans-cjk": ("Noto Sans CJK SC", "Noto Sans CJK JP"),
    "noto-serif-cjk": ("Noto Serif CJK SC", "Noto Serif CJK JP"),
    "ar-pl-ukai": ("AR PL UKai CN",),
    "all": ("Noto Sans CJK SC", "Noto Sans CJK JP"),
    "fresh": ("Noto Sans CJK SC", "Noto Sans CJK JP"),
}

# Draws bold, italic, serif, Latin, Greek and a minus sign, then reports what was used.
FIGURE_SCRIPT = textwrap.dedent("""
    import json, sys
    if sys.argv[1] == "without-bundled":
        sys.modules["pylopdf_fonts_zh_cn"] = None  # as if the package were not installed
    import matplotlib
    matplotlib.use("Agg")
    from xinzhi import fonts, plot
    plot.setup()  # as a chapter does before it draws with matplotlib itself
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    fig, ax = plt.subplots()
    ax.bar(["创新", "产业", "绿色"], [3.5, -1.25, 2.0])
    ax.set_title("新质生产力：全要素生产率 α", fontweight="bold")
    ax.set_xlabel("关键词（斜体）", style="italic")
    ax.set_ylabel("变化 −1 到 4")
    ax.text(0.5, 2.5, "宋体 serif", family="serif", weight="bold")
    fig.savefig(sys.argv[2])
    chinese = fonts.chinese_fonts()
    print(json.dumps({
        "family": list(matplotlib.rcParams["font.family"]),
        "sans": chinese.sans,
        "bundled": chinese.bundled,
        "path": str(chinese.path),
        "resolved": font_manager.findfont(FontProperties(family=chinese.sans),
                                          fallback_to_default=False),
    }))
""")

# Writes matplotlib font caches that list matplotlib's own fonts plus the given files.
CACHE_SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    import matplotlib
    from matplotlib import font_manager as fm

    own = Path(matplotlib.get_data_path()).resolve()
    everything = list(fm.fontManager.ttflist)
    for folder, files in json.loads(sys.argv[1]).items():
        wanted = {str(Path(f).resolve()) for f in files}
        fm.fontManager.ttflist = [
            e for e in everything
            if own in Path(e.fname).resolve().parents or str(Path(e.fname).resolve()) in wanted
        ]
        Path(folder).mkdir(parents=True, exist_ok=True)
        fm.json_dump(fm.fontManager, Path(folder) / f"fontlist-v{fm.FontManager.__version__}.json")
""")


def _quiet_env(mplconfigdir: Path, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "PYTHONWARNINGS"))}
    env.update(MPLCONFIGDIR=str(mplconfigdir), XDG_CACHE_HOME=str(tmp / "xdg-cache"),
               MPLBACKEND="Agg")
    return env


def _require_system_fonts() -> None:
    missing = [f for f in SYSTEM_FONTS["all"] if not Path(f).is_file()]
    if missing:
        message = (f"system fonts missing: {missing}; install Debian's fonts-wqy-zenhei, "
                   "fonts-noto-cjk and fonts-arphic-ukai (.ci/run does)")
        if ON_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def old_caches(tmp_path_factory) -> dict[str, Path]:
    """One matplotlib config folder per set-up, its font cache listing just those fonts."""
    _require_system_fonts()
    root = tmp_path_factory.mktemp("mpl-caches")
    plan = {str(root / name): files for name, files in SYSTEM_FONTS.items()}
    result = subprocess.run(
        [sys.executable, "-c", CACHE_SCRIPT, json.dumps(plan)],
        env=_quiet_env(root / "scan", root), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {name: root / name for name in SYSTEM_FONTS}


def _draw(mplconfigdir: Path, tmp_path: Path, bundled: bool) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path / "figure.png"
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", FIGURE_SCRIPT,
         "with-bundled" if bundled else "without-bundled", str(out)],
        env=_quiet_env(mplconfigdir, tmp_path), capture_output=True, text=True, timeout=300,
        cwd=tmp_path,
    )
    report = json.loads(result.stdout) if result.returncode == 0 and result.stdout.strip() else {}
    if report:
        assert out.stat().st_size > 10_000
    return result, report


SETUPS = ["none", "wenquanyi", "noto-sans-cjk", "noto-serif-cjk", "ar-pl-ukai", "all", "fresh"]


def _config_dir(setup: str, old_caches: dict[str, Path], tmp_path: Path) -> Path:
    return tmp_path / "fresh-mpl" if setup == "fresh" else old_caches[setup]


@pytest.mark.parametrize("setup", SETUPS)
def test_the_bundled_font_draws_chinese_quietly_whatever_the_system_has(setup, old_caches, tmp_path):
    result, report = _draw(_config_dir(setup, old_caches, tmp_path), tmp_path, bundled=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"{setup}: the figure printed {result.stderr!r}"
    assert report["family"] == [fonts.LATIN_FAMILY, "Noto Sans SC"]
    assert report["bundled"] is True
    assert "pylopdf_fonts_zh_cn" in report["path"]
    assert Path(report["resolved"]) == Path(report["path"]), "a system font was used instead"


@pytest.mark.parametrize("setup", [s for s in SETUPS if s != "none"])
def test_without_the_bundled_font_one_system_font_draws_chinese_quietly(setup, old_caches, tmp_path):
    result, report = _draw(_config_dir(setup, old_caches, tmp_path), tmp_path, bundled=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"{setup}: the figure printed {result.stderr!r}"
    assert report["bundled"] is False
    assert report["sans"] in FALLBACK_FAMILY[setup]
    assert report["family"] == [fonts.LATIN_FAMILY, report["sans"]]
    assert Path(report["resolved"]) in {Path(f) for f in SYSTEM_FONTS["all"]}


def test_an_old_cache_without_the_system_fonts_is_helped_by_a_scan(old_caches, tmp_path):
    """The cache lists no CJK font, the system has some, the bundled font is missing."""
    result, report = _draw(old_caches["none"], tmp_path, bundled=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert report["sans"] in fonts.SYSTEM_CJK_FAMILIES


def test_no_chinese_font_at_all_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(fonts, "bundled_font_files", lambda: {})
    monkeypatch.setattr(fonts, "_known", lambda wanted: {})
    monkeypatch.setattr(fonts, "_scan_system_folders", lambda: None)
    with pytest.raises(RuntimeError, match=r"pip install pylopdf-fonts-zh-cn==0\.1\.1"):
        fonts._resolve()


# --- in this process ----------------------------------------------------------------
def _has_glyph(path: str | Path, char: str) -> bool:
    return FT2Font(str(path)).get_char_index(ord(char)) != 0


def test_chinese_renders_without_missing_glyphs_or_font_messages(tmp_path, font_log):
    plot.setup()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns at draw time
        fig, ax = plt.subplots()
        ax.bar(["创新", "产业", "绿色"], [3.5, -1.25, 2.0])
        ax.set_title("新质生产力：词频 α", fontweight="bold")
        ax.set_ylabel("变化 −1 到 4")
        fig.savefig(tmp_path / "figure.png")
    plt.close(fig)
    assert (tmp_path / "figure.png").stat().st_size > 10_000
    assert font_log == [], [r.getMessage() for r in font_log]


def test_chinese_text_resolves_to_the_bundled_font_file():
    resolved = font_manager.findfont(FontProperties(family=fonts.chinese_family()),
                                     fallback_to_default=False)
    assert Path(resolved) == fonts.font_path()
    assert "pylopdf_fonts_zh_cn" in str(resolved)
    assert all(_has_glyph(resolved, ch) for ch in HAN_SAMPLE + "，：（）")
    # The Latin font first in the list lacks Chinese: the fallback is what makes it work.
    latin = font_manager.findfont(FontProperties(family=fonts.LATIN_FAMILY), fallback_to_default=False)
    assert not _has_glyph(latin, "新")
    assert _has_glyph(latin, "α") and _has_glyph(latin, "−")


def test_the_family_list_names_no_system_font_when_the_bundled_one_is_there():
    assert fonts.families() == [fonts.LATIN_FAMILY, "Noto Sans SC"]
    assert fonts.chinese_fonts().serif == "Noto Serif SC"
    assert fonts.font_path().suffix == ".otf"


def _chinese_title_misses_glyphs(rc: dict) -> None:
    with matplotlib.rc_context(rc):
        fig, ax = plt.subplots()
        ax.set_title("新质生产力")
        with pytest.warns(UserWarning, match="missing from font"):
            fig.canvas.draw()
    plt.close(fig)


def test_without_the_cjk_font_glyphs_are_missing():
    """The rendering tests can fail: without the Chinese font matplotlib warns."""
    _chinese_title_misses_glyphs({"font.family": [fonts.LATIN_FAMILY]})


def test_generic_alias_would_lose_the_fallback():
    """Why font.family is a list of real names: "sans-serif" resolves to one font."""
    _chinese_title_misses_glyphs({"font.family": ["sans-serif"],
                                  "font.sans-serif": [fonts.LATIN_FAMILY, fonts.chinese_family()]})


def test_the_weight_filter_drops_only_single_weight_messages_for_our_fonts():
    fonts.install_weight_filter()
    fonts.install_weight_filter()  # once is enough
    logger = logging.getLogger("matplotlib.font_manager")
    ours = [f for f in logger.filters if isinstance(f, fonts._SingleWeightFilter)]
    assert len(ours) == 1

    def record(msg, *args):
        return logging.LogRecord("matplotlib.font_manager", logging.WARNING, __file__, 1, msg, args, None)

    weight = "findfont: Failed to find font weight %s for %s, now using %s."
    assert not ours[0].filter(record(weight, "bold", "Noto Sans SC", 400))
    assert ours[0].filter(record(weight, "bold", "Some Other Font", 400))
    assert ours[0].filter(record("findfont: Font family %s not found.", "Noto Sans SC"))


def test_bold_chinese_would_warn_without_the_filter(font_log):
    """The filter is needed: matplotlib warns when bold Chinese falls back to the one weight."""
    logger = logging.getLogger("matplotlib.font_manager")
    ours = [f for f in logger.filters if isinstance(f, fonts._SingleWeightFilter)]
    for f in ours:
        logger.removeFilter(f)
    try:
        # A cached lookup logs nothing, and matplotlib has no public way to forget one:
        # a size no other lookup used makes this one new (the size is part of the key).
        font_manager.fontManager.findfont(
            FontProperties(family=fonts.chinese_family(), weight="bold", size=13.0625),
            fallback_to_default=False)
    finally:
        for f in ours:
            logger.addFilter(f)
    assert any("Failed to find font weight" in r.getMessage() for r in font_log)


def test_fonts_are_found_once(monkeypatch):
    fonts.chinese_fonts()

    def not_again():
        raise AssertionError("fonts were looked up again")

    monkeypatch.setattr(fonts, "_resolve", not_again)
    before = len(font_manager.fontManager.ttflist)
    plot.setup()
    assert fonts.chinese_fonts().sans == "Noto Sans SC"
    assert len(font_manager.fontManager.ttflist) == before
