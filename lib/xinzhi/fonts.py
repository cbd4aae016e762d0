"""Chinese fonts for matplotlib, the same on every machine.

On a machine set up with pip alone, matplotlib has no font with Chinese glyphs and draws
empty boxes.  This module finds one, registers it and says which family names
:func:`xinzhi.plot.setup` puts into ``font.family``:

* **The bundled font comes first and alone.**  The PyPI package
  ``pylopdf-fonts-zh-cn==0.1.1`` (a dependency of xinzhi) ships the OFL fonts Noto Sans SC
  and Noto Serif SC; they are registered with ``fontManager.addfont`` (nothing is written
  into matplotlib's install or its font cache).  When they are there, no system font is
  named at all, so what a machine has installed, and what matplotlib's font cache
  happens to list, cannot change a figure or make it warn.
* **A system font only when the bundled one is missing**: the best single family of
  :data:`SYSTEM_CJK_FAMILIES` that matplotlib knows (scanning the system font folders if
  its cache knows none).  One family, not all of them: every extra family is one more
  place for a mismatch.
* **One weight is enough.**  These fonts have a single weight, and matplotlib 3.11 and
  later log ``findfont: Failed to find font weight bold for Noto Sans SC, now using 400``
  (WenQuanYi Zen Hei's single weight is 500, so it even warns for ``normal``).  Drawing
  Chinese in the font's own weight is what we want, so :func:`install_weight_filter`
  drops exactly those messages for the Chinese families chosen here, and nothing else.
  (Latin text still gets DejaVu Sans Bold.)

>>> chinese_family()
'Noto Sans SC'
>>> families()
['DejaVu Sans', 'Noto Sans SC']
"""

from __future__ import annotations

import contextlib
import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

_FONT_LOGGER = logging.getLogger("matplotlib.font_manager")


@contextlib.contextmanager
def quiet_font_manager() -> Iterator[None]:
    """Hold back the font manager's log lines ("Matplotlib is building the font cache",
    "findfont: ...") while fonts are looked up here; the user's own plotting is unaffected."""
    previous = _FONT_LOGGER.level
    _FONT_LOGGER.setLevel(logging.ERROR)
    try:
        yield
    finally:
        _FONT_LOGGER.setLevel(previous)


with quiet_font_manager():  # a fresh machine builds matplotlib's font cache on this import
    from matplotlib import font_manager

__all__ = [
    "LATIN_FAMILY",
    "SYSTEM_CJK_FAMILIES",
    "SYSTEM_CJK_SERIF_FAMILIES",
    "ChineseFonts",
    "bundled_font_files",
    "chinese_fonts",
    "chinese_family",
    "font_path",
    "families",
    "install_weight_filter",
    "quiet_font_manager",
]

#: The Latin font kept first in ``font.family``; it ships with matplotlib.
LATIN_FAMILY = "DejaVu Sans"

#: System CJK families for figures, best first, used only without the bundled font.
#: Simplified Chinese sans-serif faces first.  Matplotlib 3.11 reads every face of a
#: ``.ttc`` collection (so Debian's Noto CJK gives "Noto Sans CJK SC"); older releases
#: read the first face only, which for Debian's Noto CJK is "Noto Sans CJK JP": every Han
#: glyph, with Japanese shapes for a few.  Serif (宋体/明体) and kai (楷体) faces come
#: last: complete, but less plain on a chart.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans CJK JP",
    "Noto Serif SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Noto Serif CJK JP",
    "AR PL UMing CN",
    "AR PL UKai CN",
)
#: System serif CJK families, best first (``font.serif`` only).
SYSTEM_CJK_SERIF_FAMILIES = (
    "Noto Serif SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "AR PL UMing CN",
)
#: Lower-case file-name fragments of those fonts, for the slow path that scans the system
#: font folders when matplotlib's font list (built once, cached) knows none of them.
_SYSTEM_FILE_HINTS = (
    "notosanssc",
    "notosanscjk",
    "notoserifsc",
    "notoserifcjk",
    "sourcehansans",
    "sourcehanserif",
    "wqy-microhei",
    "wqy-zenhei",
    "pingfang",
    "msyh",
    "uming",
    "ukai",
)
_INSTALL_HINT = "pip install pylopdf-fonts-zh-cn==0.1.1"
_WEIGHT_MESSAGE = "findfont: Failed to find font weight"


@dataclass(frozen=True)
class ChineseFonts:
    """The Chinese fonts chosen for figures."""

    sans: str  #: the Chinese sans-serif family, e.g. "Noto Sans SC"
    path: Path  #: its file
    serif: str | None  #: a Chinese serif family, if one was found
    bundled: bool  #: True when both come from pylopdf-fonts-zh-cn


def bundled_font_files() -> dict[str, Path]:
    """``{"sans": path, "serif": path}`` from pylopdf-fonts-zh-cn, or ``{}`` without it
    (the figures use them, and so does the book's PDF edition).

    >>> sorted(bundled_font_files())
    ['sans', 'serif']
    """
    try:
        import pylopdf_fonts_zh_cn as package
    except ImportError:
        return {}
    found = {}
    for kind, getter in (("sans", "sans_path"), ("serif", "serif_path")):
        try:
            path = Path(getattr(package, getter)())
        except Exception:  # an incompatible future version: fall back to system fonts
            continue
        if path.is_file():
            found[kind] = path
    return found


def _registered_name(path: Path) -> str | None:
    """Register a font file once and return its family name."""
    for entry in font_manager.fontManager.ttflist:
        if Path(entry.fname) == path:
            return entry.name
    try:
        font_manager.fontManager.addfont(str(path))
    except Exception:  # unreadable file: treat as absent
        return None
    for entry in font_manager.fontManager.ttflist:
        if Path(entry.fname) == path:
            return entry.name
    return None


def _known(wanted: tuple[str, ...]) -> dict[str, Path]:
    """Families of ``wanted`` that matplotlib's font list has, with one file each
    (a regular-weight ``.otf`` preferred: a ``.ttc`` may hold other faces too)."""

    def rank(entry) -> tuple[bool, bool]:
        return (entry.weight not in (400, "normal", "regular"), Path(entry.fname).suffix.lower() != ".otf")

    best: dict[str, object] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.name in wanted and (entry.name not in best or rank(entry) < rank(best[entry.name])):
            best[entry.name] = entry
    return {name: Path(entry.fname) for name, entry in best.items()}


def _scan_system_folders() -> None:
    """Register the system's CJK font files that matplotlib's cached list lacks."""
    try:
        files = font_manager.findSystemFonts()
    except Exception:
        files = []
    for name in sorted(files):
        flat = Path(name).name.lower().replace(" ", "").replace("_", "")
        if any(hint in flat for hint in _SYSTEM_FILE_HINTS):
            _registered_name(Path(name))


def _first(wanted: tuple[str, ...], known: dict[str, Path]) -> tuple[str, Path] | None:
    return next(((name, known[name]) for name in wanted if name in known), None)


def _resolve() -> ChineseFonts:
    """Find and register the Chinese fonts (uncached; :func:`chinese_fonts` caches it)."""
    package = bundled_font_files()
    sans = _registered_name(package["sans"]) if "sans" in package else None
    if sans:
        serif = _registered_name(package["serif"]) if "serif" in package else None
        fonts = ChineseFonts(sans=sans, path=package["sans"], serif=serif, bundled=True)
    else:
        system = _first(SYSTEM_CJK_FAMILIES, _known(SYSTEM_CJK_FAMILIES))
        if system is None:
            _scan_system_folders()
            system = _first(SYSTEM_CJK_FAMILIES, _known(SYSTEM_CJK_FAMILIES))
        if system is None:
            raise RuntimeError(
                "No font with Chinese characters was found, so matplotlib would draw empty "
                f"boxes. Install the open-licensed Noto fonts with `{_INSTALL_HINT}` "
                "(or a system font such as Noto Sans CJK SC or WenQuanYi Micro Hei), then "
                "restart the kernel."
            )
        serif = _first(SYSTEM_CJK_SERIF_FAMILIES, _known(SYSTEM_CJK_SERIF_FAMILIES))
        fonts = ChineseFonts(sans=system[0], path=system[1], serif=serif[0] if serif else None,
                             bundled=False)
    # No cache to clear: ``addfont`` drops matplotlib's findfont cache itself (3.8+).
    return fonts


@functools.lru_cache(maxsize=1)
def chinese_fonts() -> ChineseFonts:
    """The Chinese fonts for figures, found and registered once per process.

    Raises RuntimeError, naming the package to install, if no Chinese font exists.

    >>> chinese_fonts().bundled
    True
    """
    with quiet_font_manager():
        return _resolve()


def chinese_family() -> str:
    """The Chinese family used for figures (``"Noto Sans SC"`` with the pinned package)."""
    return chinese_fonts().sans


def font_path() -> Path:
    """The file of :func:`chinese_family`.

    >>> font_path().suffix
    '.otf'
    """
    return chinese_fonts().path


def families() -> list[str]:
    """The ``font.family`` list for figures: Latin first, then the one Chinese family.

    A list of real family names, not the generic alias ``"sans-serif"``: matplotlib falls
    back glyph by glyph only along such a list (the alias resolves to a single font).
    """
    return [LATIN_FAMILY, chinese_fonts().sans]


class _SingleWeightFilter(logging.Filter):
    """Drops matplotlib's "Failed to find font weight ..." for the Chinese fonts chosen
    here, which have one weight only; every other record passes."""

    def __init__(self, families: frozenset[str]) -> None:
        super().__init__()
        self.families = families

    def filter(self, record: logging.LogRecord) -> bool:
        if not (isinstance(record.msg, str) and record.msg.startswith(_WEIGHT_MESSAGE)):
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        return not (len(args) >= 2 and args[1] in self.families)


def install_weight_filter() -> None:
    """Attach the single-weight filter to matplotlib's font-manager logger (once)."""
    fonts = chinese_fonts()
    names = frozenset(n for n in (fonts.sans, fonts.serif) if n)
    for existing in _FONT_LOGGER.filters:
        if isinstance(existing, _SingleWeightFilter):
            existing.families = existing.families | names
            return
    _FONT_LOGGER.addFilter(_SingleWeightFilter(names))
