"""The house style of the book's figures: Chinese fonts (from :mod:`xinzhi.fonts`), the
constants in ``data/xinzhi.mplstyle``, and the Okabe–Ito palette.

:func:`setup`

* makes matplotlib draw Chinese with the bundled OFL font Noto Sans SC (see
  :mod:`xinzhi.fonts`: a system font only when that is missing, and no font warning
  under any font set-up);
* sets ``font.family`` to a list of real family names with a Latin font first,
  ``["DejaVu Sans", "Noto Sans SC"]``: matplotlib then falls back glyph by glyph,
  so digits and Latin letters come from DejaVu Sans and Chinese from Noto Sans SC.  (The
  generic alias ``"sans-serif"`` would resolve to a single font and lose that fallback.)
* applies ``data/xinzhi.mplstyle``: ``axes.unicode_minus = False`` and a quiet style —
  110 dpi, the colour-blind-safe Okabe–Ito colour cycle, a light grid, no top or right
  spines.

Importing this module (or :mod:`xinzhi.plot`) changes no matplotlib setting.

>>> setup()
>>> import matplotlib
>>> matplotlib.rcParams["font.family"]
['DejaVu Sans', 'Noto Sans SC']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from . import fonts as _fonts
from .fonts import LATIN_FAMILY, SYSTEM_CJK_FAMILIES

with _fonts.quiet_font_manager():  # a fresh machine builds matplotlib's font cache on this import
    import matplotlib
    import matplotlib.style

__all__ = [
    "setup",
    "ensure_setup",
    "style_path",
    "chinese_font_family",
    "font_path",
    "font_families",
    "LATIN_FAMILY",
    "SYSTEM_CJK_FAMILIES",
    "OKABE_ITO",
]

#: Okabe & Ito's colour-blind-safe palette (blue first, yellow late: it is faint on white);
#: ``data/xinzhi.mplstyle`` cycles through it.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

_applied = False


def style_path() -> Path:
    """The house style file, ``data/xinzhi.mplstyle``.

    >>> style_path().name
    'xinzhi.mplstyle'
    """
    return Path(str(resources.files("xinzhi").joinpath("data", "xinzhi.mplstyle")))


def ensure_setup() -> None:
    """:func:`setup` once, unless it has run: what each chart helper does before drawing,
    so a chart is right even when the notebook never called :func:`setup`.

    >>> ensure_setup()
    """
    if not _applied:
        setup()


def setup() -> None:
    """Make matplotlib draw Chinese, and apply the house style.

    Importing :mod:`xinzhi.plot` changes nothing; the chart helpers call this before
    they draw (:func:`ensure_setup`), and a notebook that draws with matplotlib itself
    calls it once.  Call it again after ``plt.rcdefaults()`` or ``plt.style.use``.
    Fonts are found and registered once; later calls only re-apply the settings.
    Raises RuntimeError, naming the package to install, if no Chinese font exists.

    >>> setup(); setup()
    >>> matplotlib.rcParams["axes.unicode_minus"]
    False
    """
    chinese = _fonts.chinese_fonts()
    _fonts.install_weight_filter()
    rc: dict[str, Any] = {}
    rc["font.family"] = _fonts.families()
    # Code that asks for a generic family (networkx labels do; so does family="serif")
    # gets its first font only, so put a Chinese font first: its Latin glyphs suffice.
    rc["font.sans-serif"] = [chinese.sans, LATIN_FAMILY]
    rc["font.serif"] = [chinese.serif or chinese.sans, "DejaVu Serif"]
    with _fonts.quiet_font_manager():
        matplotlib.style.use(style_path())
        matplotlib.rcParams.update(rc)
    global _applied
    _applied = True


def chinese_font_family() -> str:
    """The Chinese family used for figures (``"Noto Sans SC"`` with the pinned package).

    >>> chinese_font_family()
    'Noto Sans SC'
    """
    return _fonts.chinese_family()


def font_path() -> Path:
    """The file of :func:`chinese_font_family`.

    >>> font_path().suffix
    '.otf'
    """
    return _fonts.font_path()


def font_families() -> list[str]:
    """The ``font.family`` list :func:`setup` sets: Latin first, then Chinese.

    >>> font_families()
    ['DejaVu Sans', 'Noto Sans SC']
    """
    return _fonts.families()
