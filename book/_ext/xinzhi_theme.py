"""The two themes (pydata-sphinx-theme, sphinx-book-theme) as the book adjusts them, and
the assets it serves itself (loaded by ``xinzhi_book``).

* Templates: patched copies of a few theme templates in ``book/_generated/_templates``
  (``_THEME_PATCHES``); a patch that no longer applies stops the build.  Templates copied
  whole into ``book/_templates`` name their original, and stop the build if it is gone.
* Pages: no thebe scripts (the book has no live code), the header buttons' tooltips in
  Chinese (an English one stops the build), names for the sidebar's fold toggles
  (``xinzhi_named_summaries``, used by ``book/_templates/sbt-sidebar-nav.html``).
* What pages load: no icon library script and the search index only on the search page
  (template patches; why: ``xinzhi_light``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

import xinzhi
import xinzhi_pages as pages

_FONTAWESOME = "<script defer src=\"{{ pathto('_static/scripts/fontawesome.js', 1) }}"

#: Templates of the two themes the book adjusts: (package, template path inside the
#: package's theme folder, the name the themes include it by, [(exact text, replacement),
#: ...]).  Each is copied into ``book/_generated/_templates`` under that name with its
#: replacements; a text that is no longer found exactly once (a new theme version) stops
#: the build, so no adjustment lapses unseen.
_THEME_PATCHES: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    # pydata-sphinx-theme loads a 1.5 MB fontawesome.js on every page: the whole icon
    # library as SVG, for custom icons the book does not use.  The icons come from the
    # theme's icon fonts (cut down by xinzhi_light), so the script is not loaded at all.
    ("pydata_sphinx_theme", "static/webpack-macros.html", "static/webpack-macros.html", (
        (_FONTAWESOME, "{% if false %}" + _FONTAWESOME),
        ("<!-- Pre-loaded scripts that we'll load fully later -->", "{% endif %}"),
        # theme.css only imports Sphinx's basic.css: one round trip more before the
        # first paint.  Link basic.css itself.
        ("<link href=\"{{ pathto('_static/styles/theme.css', 1) }}", "<link href=\"{{ pathto('_static/basic.css', 1) }}"),
    )),
    # The theme loads Sphinx's search scripts and the search index (0.3 MB) on every
    # page, for its search-as-you-type option, which the book leaves off: the search box
    # leads to the search page, which loads them itself.
    ("pydata_sphinx_theme", "layout.html", "pydata_sphinx_theme/layout.html", (
        ("<script src=\"{{ pathto('_static/searchtools.js', 1) | e }}\"></script>", ""),
        ("<script src=\"{{ pathto('_static/language_data.js', 1) | e }}\"></script>", ""),
        ("<script src=\"{{ pathto('searchindex.js', 1) | e }}\"></script>", ""),
    )),
    # The search button: its name is its visible text (axe's label-content-name-mismatch:
    # an aria-label of 搜索 hid the text "搜索 Ctrl+K"); the shortcut is announced as one.
    ("pydata_sphinx_theme", "components/search-button-field.html", "search-button-field.html", (
        ("aria-label=\"{{ _('Search') }}\"", 'aria-keyshortcuts="Control+K"'),
        ('<i class="fa-solid fa-magnifying-glass"></i>', '<i class="fa-solid fa-magnifying-glass" aria-hidden="true"></i>'),
    )),
    # The colour-mode button: named 颜色模式; its three icons are decoration, not names
    # (their titles made the button's "text" differ from its name).
    ("pydata_sphinx_theme", "components/theme-switcher.html", "theme-switcher.html", (
        ("title=\"{{ _('Light') }}\"", 'aria-hidden="true"'),
        ("title=\"{{ _('Dark') }}\"", 'aria-hidden="true"'),
        ("title=\"{{ _('System Settings') }}\"", 'aria-hidden="true"'),
    )),
    # The page's contents when printed: a navigation landmark named in Chinese.
    ("sphinx_book_theme", "layout.html", "layout.html", (
        ('<nav aria-label="Page">', '<nav aria-label="本页目录">'),
    )),
    # Launch and download buttons show a logo next to their name: the logo is decoration
    # (alt="", it said "Binder logo"); a button with a logo and no text keeps a name.
    # The header buttons import these macros by a relative path: they import the copy.
    ("sphinx_book_theme", "macros/buttons.html", "xinzhi-header-buttons-macros.html", (
        ('<img alt="{{ translate(text) }} {{ translate("logo") }}"',
         '<img alt="{% if not text %}{{ translate("logo") }}{% endif %}"'),
    )),
    ("sphinx_book_theme", "components/article-header-buttons.html", "article-header-buttons.html", (
        ('{% from "../macros/buttons.html" import render_funcs with context %}',
         '{% from "xinzhi-header-buttons-macros.html" import render_funcs with context %}'),
    )),
)


def _theme_folder(package: str) -> Path:
    import importlib

    module = importlib.import_module(package)
    return Path(module.__file__).parent / "theme" / package


def _templates(config: Any) -> None:
    """Write the patched copies of ``_THEME_PATCHES`` and put them first in
    ``templates_path``; stop the build if a theme template no longer reads as expected."""
    folder = pages.GENERATED / "_templates"
    for package, name, target, replacements in _THEME_PATCHES:
        source = _theme_folder(package) / name
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as exc:
            raise ExtensionError(
                f"the book adjusts {package}'s template {name}, which is missing ({exc}); "
                f"update _THEME_PATCHES in {Path(__file__).name} for this theme version"
            ) from None
        for old, new in replacements:
            if text.count(old) != 1:
                raise ExtensionError(
                    f"the book adjusts {package}'s template {name}, but it no longer contains "
                    f"{old!r} exactly once (found {text.count(old)}): update _THEME_PATCHES in "
                    f"{Path(__file__).name} for this theme version"
                )
            text = text.replace(old, new)
        pages.write_if_changed(folder / target, text)
    _check_copied_templates(config)
    path = str(folder.relative_to(pages.ROOT))
    if path not in config.templates_path:
        config.templates_path = [path, *config.templates_path]


_COPIED = re.compile(r"Copied from (sphinx-book-theme|pydata-sphinx-theme) [\d.]+ \(([\w/.-]+)\)")


def _check_copied_templates(config: Any) -> None:
    """The templates in ``book/_templates`` replace theme templates of the same name; one
    the theme no longer has would silently stop applying, so that stops the build."""
    for folder in config.templates_path:
        if "_generated" in folder:
            continue
        for path in sorted((pages.ROOT / folder).rglob("*.html")):
            m = _COPIED.search(path.read_text(encoding="utf-8"))
            if m is None:
                continue
            original = _theme_folder(m.group(1).replace("-", "_")) / m.group(2)
            if not original.is_file() or original.name != path.name:
                raise ExtensionError(
                    f"{path.relative_to(pages.ROOT)} replaces {m.group(1)}'s {m.group(2)}, which "
                    "this version of the theme no longer has: the replacement would not apply"
                )


def drop_thebe_nodes(doctree: nodes.document) -> None:
    for raw in list(doctree.findall(nodes.raw)):
        if "x-thebe-config" in raw.astext() or "kernelName =" in raw.astext():
            raw.parent.remove(raw)


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The book offers no live code (launch_buttons.thebe is off), so it loads no thebe
    script: sphinx-thebe's inline script is also added twice (a duplicate ``const``, a
    script error on every page)."""

    def keep(asset: object) -> bool:
        name = str(getattr(asset, "filename", asset) or "")
        body = str((getattr(asset, "attributes", None) or {}).get("body", ""))
        return "thebe" not in name and "THEBE_JS_URL" not in body

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if keep(asset)]
    _translate_header_buttons(pagename, context.get("header_buttons") or [])


def on_html_page_context_early(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Template functions, before pydata-sphinx-theme renders the sidebars (priority 500)."""
    context["xinzhi_named_summaries"] = _named_summaries


# --- accessibility: names and Chinese for the theme's interface ------------------------------

#: Words that stay as they are in a Chinese interface: names of products and formats.
INTERFACE_NAMES = frozenset({"PDF", "ipynb", "md", "JSON", "Markdown", "Jupyter", "JupyterHub", "JupyterLab", "Colab", "Binder", "GitHub", "Ctrl", "pdf"})
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z]+")
#: sphinx-book-theme's header-button tooltips that its zh_CN catalog leaves in English.
_TOOLTIPS = {
    "Launch interactive content": "在线运行本章",
    "Print to PDF": "打印为 PDF",
    "列印成 PDF": "打印为 PDF",  # the theme's zh_CN catalog, in Taiwan's usage
}
_LAUNCH_ON = re.compile(r"^Launch on (\S+)$")


def english_words(text: str) -> list[str]:
    """The Latin-letter words of ``text`` that are not product or format names."""
    return [w for w in _LATIN_WORD.findall(text) if w not in INTERFACE_NAMES]


def _translate_header_buttons(pagename: str, buttons: list[dict]) -> None:
    """sphinx-book-theme's header buttons (launch, download) in Chinese.  Its tooltips are
    also the dropdowns' names for screen readers; one left in English stops the build."""
    for button in buttons:
        if "tooltip" in button and button["tooltip"] is not None:
            tip = str(button["tooltip"])
            m = _LAUNCH_ON.match(tip)
            tip = f"在 {m.group(1)} 中运行本章" if m else _TOOLTIPS.get(tip, tip)
            if english_words(tip):
                raise ExtensionError(
                    f"{pagename}: the header button tooltip {tip!r} is English; give it a "
                    f"Chinese one in _TOOLTIPS ({Path(__file__).name})"
                )
            button["tooltip"] = tip
        _translate_header_buttons(pagename, button.get("buttons") or [])


def _named_summaries(html: Any) -> str:
    """pydata-sphinx-theme folds the sidebar's sub-lists in ``<details>`` whose
    ``<summary>`` holds only a chevron icon, a control without a name (axe: summary-name).
    Name each after the entry it folds: 展开或收起“原文”的子目录.  Used by
    ``book/_templates/sbt-sidebar-nav.html``; a summary it cannot name stops the build."""
    from bs4 import BeautifulSoup

    # The theme's function returns its (cached) BeautifulSoup tree: work on a copy.
    soup = BeautifulSoup(str(html), "html.parser")
    for summary in soup.select("details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("details").parent
        link = item.find("a", recursive=False) if item is not None else None
        name = link.get_text(" ", strip=True) if link is not None else ""
        if not name:
            raise ExtensionError(
                f"a collapsible entry of the sidebar has no title to name its toggle: {str(item)[:200]}"
            )
        summary["aria-label"] = f"展开或收起“{name}”的子目录"
    return str(soup)


def static_digest(confdir: str | Path, static_paths: list[str]) -> str:
    """A digest of every file under the book's ``html_static_path`` folders.

    >>> static_digest(".", []) == static_digest(".", [])
    True
    """
    import hashlib

    digest = hashlib.sha256()
    for entry in static_paths:
        root = Path(confdir) / entry
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def on_env_get_outdated(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """Sphinx copies the static files (the book's CSS and scripts) only when it writes a
    page, so a rebuild after editing only a stylesheet left the old one in place: a
    changed static file makes the home page outdated, and with it the copy happen."""
    digest = static_digest(app.confdir, list(app.config.html_static_path))
    if getattr(env, "xinzhi_static_digest", None) == digest:
        return []
    env.xinzhi_static_digest = digest
    return [app.config.root_doc]


#: Set by ``book/printing.py`` for the EPUB: Sphinx names the builder only after
#: ``config-inited``, and the site's templates must not reach the e-book's theme.
BUILDER_VARIABLE = "XINZHI_BUILDER"


def building_epub() -> bool:
    return os.environ.get(BUILDER_VARIABLE, "") == "epub"


def configure(config: Any) -> None:
    """At ``config-inited``: the patched templates first in ``templates_path``; for the
    EPUB, the e-book theme's own templates only."""
    if building_epub():
        config.templates_path = []
        return
    _templates(config)


def on_builder_inited(app: Sphinx) -> None:
    if app.builder.name == "epub" and not building_epub():
        raise ExtensionError(
            "the e-book is built with `make epub` (python book/editions.py epub), which keeps "
            f"the site's templates out of it ({BUILDER_VARIABLE}=epub)"
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", on_html_page_context_early, priority=100)
    app.connect("html-page-context", on_html_page_context, priority=900)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", on_env_get_outdated)
    return {"version": xinzhi.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
