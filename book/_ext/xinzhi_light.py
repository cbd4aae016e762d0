"""Light pages for a reader on a phone (loaded by ``xinzhi_book``).

Measured on the built study edition before this: a first visit transferred 2.6–4.1 MB in
29–33 requests.  What it carried, and what the book does instead:

* **MathJax** (1.2 MB of script, on every page whose toctree reaches a formula): the few
  formulas are written as MathML when the page is written (latex2mathml, through Sphinx's
  public math-renderer API, ``html_math_renderer``), which browsers draw themselves and
  screen readers read; no script at all.  A formula latex2mathml cannot read stops the
  build.
* **The icon library** (pydata-sphinx-theme's ``fontawesome.js``, 1.5 MB, every Font
  Awesome icon as SVG): not loaded (a template patch in ``xinzhi_theme``); the icons come
  from the theme's own icon fonts, which :func:`subset_icon_fonts` cuts down to the
  icons the site's pages and scripts name (0.16 MB → a few KB).  An icon the theme's
  style sheet does not define stops the build.
* **Style sheets** (0.5 MB, most of it Bootstrap utilities and rules for every icon):
  :func:`purge_css` drops the rules whose selectors name a class or id that no page and
  no script of the site contains (the method of PurgeCSS, with tinycss2 as the parser).
* **The search index** (0.3 MB, Sphinx's search scripts): only on the search page (a
  template patch in ``xinzhi_theme``); the search box on every page leads there.
* **Figures** load when they come near the screen (``loading="lazy"``) and carry their
  size, so the text does not jump when they arrive (:func:`lazy_images`).

Sphinx's small scripts in the page head are left as they are: run before the body is
parsed, they force no layout of a long page; made ``defer``, they ran after the first
paint, and the layout they forced of a 5,000-element chapter counted as blocking time
(Lighthouse's performance score of the heaviest chapter fell from about 92 to 85).

The fonts and style sheets are trimmed in the built site at ``build-finished`` (Sphinx
copies the theme's files again on every build, so every build trims them again).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

import xinzhi

RENDERER = "xinzhi_mathml"
ICON_FONTS = "vendor/fontawesome/webfonts"

#: Classes that Bootstrap's scripts build from parts (``bs-tooltip-`` + placement), so
#: they appear in no file whole; rules naming them are kept.
KEEP_PREFIXES = ("bs-tooltip", "bs-popover", "tooltip", "popover", "dropdown", "collaps", "fade", "show",
                 "modal", "offcanvas")


# --- formulas as MathML ---------------------------------------------------------------------
def to_mathml(tex: str, display: str = "inline") -> str:
    """A formula as MathML, its TeX kept as ``alttext``; a command latex2mathml does not
    know raises ExtensionError.

    >>> to_mathml(r"\\frac{1}{2}")[:45]
    '<math alttext="\\\\frac{1}{2}" xmlns="http://www'
    >>> to_mathml(r"\\foo{x}")
    Traceback (most recent call last):
    sphinx.errors.ExtensionError: the formula '\\\\foo{x}' uses \\foo, which latex2mathml does not know
    """
    from html import escape

    from latex2mathml.converter import convert

    try:
        mathml = convert(tex, display=display)
    except Exception as exc:  # latex2mathml raises its own errors for malformed TeX
        raise ExtensionError(f"the formula {tex!r} cannot be written as MathML ({type(exc).__name__})") from None
    unknown = re.findall(r">(\\[A-Za-z]+)<", mathml)
    if unknown:
        raise ExtensionError(f"the formula {tex!r} uses {', '.join(unknown)}, which latex2mathml does not know")
    return mathml.replace("<math ", f'<math alttext="{escape(tex)}" ', 1)


def _visit_math(self: Any, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(to_mathml(node.astext()) + "</span>")
    raise nodes.SkipNode


def _visit_displaymath(self: Any, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        self.body.append(to_mathml(part, display="block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


# --- figures ---------------------------------------------------------------------------
_IMG = re.compile(r"<img\s[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]+)"')


def lazy_images(body: str, size_of) -> str:
    """Each ``<img>`` of a page's body with ``loading="lazy"``, ``decoding="async"`` and
    its ``width`` and ``height`` (``size_of(src)``: the pixel size, or None).

    >>> lazy_images('<p><img alt="图" src="a.png" /></p>', lambda src: (640, 480))
    '<p><img alt="图" src="a.png" loading="lazy" decoding="async" width="640" height="480" /></p>'
    """

    def one(match: re.Match) -> str:
        tag = match.group(0)
        extra = [f'{name}="{value}"' for name, value in (("loading", "lazy"), ("decoding", "async"))
                 if f" {name}=" not in tag]
        src = _SRC.search(tag)
        size = size_of(src.group(1)) if src and " width=" not in tag and " height=" not in tag else None
        if size:
            extra += [f'width="{size[0]}"', f'height="{size[1]}"']
        if not extra:
            return tag
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return tag[:end].rstrip() + " " + " ".join(extra) + (" />" if tag.endswith("/>") else ">")

    return _IMG.sub(one, body)


def _image_size(app: Sphinx, sources: dict[str, str], src: str) -> tuple[int, int] | None:
    """The pixel size of a page's image, read from the source the builder copies
    (``sources``: the copied file's name to its source, from ``app.builder.images``)."""
    from PIL import Image

    name = src.split("?")[0].rsplit("/", 1)[-1]
    source = sources.get(name)
    if source is None or not name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
        return None
    try:
        with Image.open(Path(app.srcdir) / source) as image:
            return image.size
    except OSError:
        return None


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name != "html":
        return
    if "body" in context:
        sources = {Path(out).name: source for source, out in app.builder.images.items()}
        context["body"] = lazy_images(context["body"], lambda src: _image_size(app, sources, src))
    # The icon font (a few KB once cut down) is asked for with the style sheets, not when
    # the first icon is drawn: arriving late, it moved the text below a table of icons
    # (a layout shift of 0.58 on 我的进度).
    font = context["pathto"](f"_static/{ICON_FONTS}/fa-solid-900.woff2", 1)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="preload" href="{font}" as="font" type="font/woff2" crossorigin="anonymous" />')


# --- the built site: what its pages and scripts name ----------------------------------------------
_CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_LINK_CSS = re.compile(r'<link[^>]*href="([^"?]+\.css)[^"]*"[^>]*>')
_SCRIPT = re.compile(r'<script[^>]*src="([^"?]+\.js)[^"]*"')
_WORD = re.compile(r"[A-Za-z_][\w-]*")
# An icon's class name, not a file name such as fa-solid-900.woff2.
ICON_NAME = re.compile(r"\bfa-[a-z0-9-]+(?![.\w-])")


def _pages(outdir: Path) -> list[Path]:
    return [p for p in outdir.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts]


def _linked(outdir: Path, pages: list[Path], pattern: re.Pattern) -> set[Path]:
    found = set()
    for page in pages:
        for href in pattern.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / href).resolve()
            if path.is_file() and path.is_relative_to(outdir.resolve()):
                found.add(path)
    return found


def site_words(outdir: Path) -> tuple[set[str], list[str]]:
    """The classes and ids of every page and every word of every script the pages load
    (where scripts add classes); and the texts searched for icon names."""
    pages = _pages(outdir)
    words: set[str] = set()
    texts = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for value in _CLASS_ATTR.findall(html) + _ID_ATTR.findall(html):
            words.update(value.split())
        texts.append(html)
    for script in _linked(outdir, pages, _SCRIPT):
        text = script.read_text(encoding="utf-8", errors="replace")
        words.update(_WORD.findall(text))
        texts.append(text)
    return words, texts


# --- style sheets -------------------------------------------------------------------------------
_NEGATED = re.compile(r":(not|is|where|has|matches|-webkit-any|-moz-any)\(")
_SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_SELECTOR_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")


def _strip_groups(selector: str) -> str:
    """The selector without attribute selectors and without the arguments of :not(),
    :is(), :where() and :has(), whose classes need not be present for it to match."""
    out, depth, i = [], 0, 0
    while i < len(selector):
        if depth == 0 and selector[i] == "[":
            end = selector.find("]", i)
            i = len(selector) if end == -1 else end + 1
            continue
        match = _NEGATED.match(selector, i)
        if match:
            depth += 1
            i = match.end()
            continue
        if depth and selector[i] == "(":
            depth += 1
        elif depth and selector[i] == ")":
            depth -= 1
        elif depth == 0:
            out.append(selector[i])
        i += 1
    return "".join(out)


def may_match(selector: str, words: set[str]) -> bool:
    """Whether a selector can match something in the site: every class and id it needs
    is among ``words``.

    >>> may_match(".btn.active:not(.disabled) > a", {"btn", "active"})
    True
    >>> may_match(".mt-sm-5", {"btn"}), may_match(r".md\\:flex", set())
    (False, True)
    """
    if "\\" in selector:
        return True  # escaped characters in a name: keep rather than parse
    plain = _strip_groups(selector)
    needed = _SELECTOR_CLASS.findall(plain) + _SELECTOR_ID.findall(plain)
    return all(name in words or name.startswith(KEEP_PREFIXES) for name in needed)


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def purge_css(text: str, words: set[str]) -> str:
    """A style sheet without the rules no page can match (inside @media and @supports
    too); everything else as it was.

    >>> purge_css(".a{color:red}.b,.a p{margin:0}@media print{.c{x:y}}", {"a", "p"})
    '.a{color:red}.a p{margin:0}'
    """
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            kept = [s for s in _split_selectors(tinycss2.serialize(rule.prelude)) if may_match(s, words)]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer", "container") \
                and rule.content is not None:
            inner = purge_css(tinycss2.serialize(rule.content), words)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude).rstrip()}{{{inner}}}")
        elif rule.type != "error":
            out.append(rule.serialize())
    return "".join(out)


def purge_style_sheets(outdir: Path, words: set[str], own: Iterable[str] = ("xinzhi",)) -> dict[str, tuple[int, int]]:
    """Purge every style sheet the pages link to, except the book's own; returns each
    file's size before and after."""
    sizes = {}
    for sheet in sorted(_linked(outdir, _pages(outdir), _LINK_CSS)):
        if sheet.name.startswith(tuple(own)):
            continue
        text = sheet.read_text(encoding="utf-8")
        purged = purge_css(text, words)
        sheet.write_text(purged, encoding="utf-8")
        sizes[sheet.name] = (len(text.encode()), len(purged.encode()))
    return sizes


# --- icons ----------------------------------------------------------------------------------------
# The code point is an escape in the theme's file and the character itself once tinycss2
# has written the purged file.
_ICON_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+:(?::)?before,?)+)\{content:\"(?:\\([0-9a-fA-F]+)|([^\"\\]))\"\}")


def icon_codepoints(css: str) -> dict[str, int]:
    """Font Awesome's icon names and their code points, from the theme's style sheet.

    >>> icon_codepoints('.fa-search:before,.fa-magnifying-glass:before{content:"\\\\f002"}')
    {'fa-search': 61442, 'fa-magnifying-glass': 61442}
    >>> icon_codepoints('.fa-sun:before{content:"\\uf185"}')
    {'fa-sun': 61829}
    """
    names: dict[str, int] = {}
    for selectors, code, char in _ICON_RULE.findall(css):
        for name in re.findall(r"fa-[a-z0-9-]+", selectors):
            names[name] = int(code, 16) if code else ord(char)
    return names


def subset_icon_fonts(outdir: Path, texts: list[str], css: str) -> dict[str, tuple[int, int]]:
    """Cut the theme's icon fonts down to the icons the site names; a name that is neither
    an icon nor one of Font Awesome's style classes stops the build."""
    from fontTools import subset

    icons = icon_codepoints(css)
    styles = set(re.findall(r"\.(fa-[a-z0-9-]+)\{", css)) | set(re.findall(r"\.(fa-[a-z0-9-]+)[,:\s>]", css))
    used = {name for text in texts for name in ICON_NAME.findall(text)}
    unknown = sorted(n for n in used if n not in icons and n not in styles)
    if unknown:
        raise ExtensionError(
            f"the site names icons the theme's Font Awesome does not define: {', '.join(unknown)}"
        )
    codepoints = sorted({icons[n] for n in used if n in icons})
    sizes = {}
    for font in sorted((outdir / "_static" / ICON_FONTS).glob("*")):
        if font.suffix not in (".woff2", ".ttf"):
            continue
        before = font.stat().st_size
        options = subset.Options()
        options.flavor = "woff2" if font.suffix == ".woff2" else None
        options.layout_features = ["*"]
        loaded = subset.load_font(str(font), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(loaded)
        subset.save_font(loaded, str(font), options)
        sizes[font.name] = (before, font.stat().st_size)
    return sizes


def on_build_finished(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    theme_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    if not theme_css.is_file():
        raise ExtensionError(f"{theme_css.name} is not where pydata-sphinx-theme used to put it: update {Path(__file__).name}")
    words, texts = site_words(outdir)
    subset_icon_fonts(outdir, texts, theme_css.read_text(encoding="utf-8"))
    purge_style_sheets(outdir, words)
    # Not loaded by any page (see xinzhi_theme): not published either.
    for unused in (outdir / "_static" / "scripts").glob("fontawesome.js*"):
        unused.unlink()


def on_config_inited(app: Sphinx, config: Any) -> None:
    config.html_math_renderer = RENDERER


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(RENDERER, (_visit_math, None), (_visit_displaymath, None))
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", on_html_page_context, priority=950)
    app.connect("build-finished", on_build_finished, priority=900)
    return {"version": xinzhi.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
