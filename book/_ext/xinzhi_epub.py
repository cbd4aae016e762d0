"""The EPUB 3 e-book (loaded by ``xinzhi_print``; ``make epub`` runs it through
``book/printing.py``, which sets ``XINZHI_BUILDER=epub`` so that ``xinzhi_theme`` keeps the
site's templates out of it).

* ``config-inited``: the e-book's Chinese metadata, its contents from Jupyter Book's hidden
  toctrees.
* ``Epub3Builder`` replaces Sphinx's (its public ``add_builder(override=True)``) to name
  the pages in the contents as the manifest does.
* ``doctree-read``: pandas' ``<style scoped>`` out (not XHTML), formulas as SVG images.
* ``html-page-context``: no script and only the e-book's stylesheets on a page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder as _Epub3Builder
from sphinx.errors import ExtensionError

import xinzhi

EPUB_NAME = "xinzhi"


def configure_epub(config: Any) -> None:
    """Sphinx's EPUB settings for this book (``config-inited``, after the LaTeX ones)."""
    title, author = config.html_title, config.author
    # Jupyter Book sets the title for HTML only; the e-book's contents name the project.
    config.project = title
    config.epub_basename = EPUB_NAME
    config.epub_title = title
    config.epub_author = author
    config.epub_publisher = config.epub_contributor = author
    config.epub_language = "zh-CN"
    config.epub_copyright = config.copyright
    # Sphinx writes epub_uid into toc.ncx where the OPF has epub_identifier: the same value.
    config.epub_identifier = config.epub_uid = f"xinzhi-study-{xinzhi.__version__}"
    config.epub_scheme = ""
    config.epub_show_urls = "no"
    # Jupyter Book's toctrees are hidden: without this the e-book's contents list only
    # the home page.
    config.epub_tocscope = "includehidden"
    config.epub_tocdepth = 2
    config.epub_description = "细读八篇讨论“新质生产力”的中文文章：原文、论证分析与练习。"


MATH_FOLDER = "book/_generated/math"


def math_images(doctree: nodes.document, srcdir: Path) -> int:
    """The e-book's formulas as SVG images drawn by matplotlib's mathtext (no LaTeX, no
    script: an e-reader runs no MathJax, and would show the TeX), the TeX as alt text.
    Returns how many; a formula mathtext cannot draw stops the build."""
    import hashlib
    import io

    from matplotlib.mathtext import math_to_image

    found = list(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))))
    for node in found:
        tex = node.astext().strip()
        name = hashlib.sha256(tex.encode("utf-8")).hexdigest()[:16] + ".svg"
        path = srcdir / MATH_FOLDER / name
        if not path.is_file():
            buffer = io.BytesIO()
            try:
                math_to_image(f"${tex}$", buffer, format="svg")
            except ValueError as exc:
                raise ExtensionError(f"the e-book cannot draw the formula {tex!r}: {exc}") from None
            path.parent.mkdir(parents=True, exist_ok=True)
            # EPUB 3 allows no external DTD, which matplotlib's SVG declares.
            path.write_text(re.sub(r"<!DOCTYPE[^>]*>\s*", "", buffer.getvalue().decode("utf-8")), encoding="utf-8")
        # mathtext draws at 10 pt: the image's height in em keeps it the text's size.
        height = float(re.search(r'height="([\d.]+)pt"', path.read_text(encoding="utf-8")).group(1)) / 10
        image = nodes.image(uri=f"/{MATH_FOLDER}/{name}", alt=tex, height=f"{height:.2f}em", classes=["xinzhi-math"])
        node.replace_self(nodes.paragraph("", "", image) if isinstance(node, nodes.math_block) else image)
    return len(found)


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    if app.builder.name == "epub":
        drop_scoped_styles(doctree)
        math_images(doctree, Path(app.srcdir))


class Epub3Builder(_Epub3Builder):
    """Sphinx's EPUB 3 builder, with the contents and the reading order (spine) that name
    each page as the manifest does: the home page lies in ``book/``, so Sphinx wrote
    ``book/../notebooks/00_%E5...xhtml`` where the manifest has ``notebooks/00_导读.xhtml``,
    gave the two names two ids, and listed every chapter a second time.  The contents'
    own title is in Chinese."""

    guide_titles = {**_Epub3Builder.guide_titles, "toc": "目录", "cover": "封面"}

    def get_toc(self) -> None:
        super().get_toc()
        for item in self.refnodes:
            path, hashmark, fragment = item["refuri"].partition("#")
            item["refuri"] = posixpath.normpath(unquote(path)) + hashmark + fragment


_SCOPED_STYLE = re.compile(r"<style scoped>.*?</style>\s*", re.S)


def drop_scoped_styles(doctree: nodes.document) -> int:
    """pandas writes ``<style scoped>`` into a table's HTML, which XHTML does not allow
    (the rules only align index cells); returns how many were dropped."""
    dropped = 0
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if "html" in raw.get("format", "").split() and "<style scoped>" in text:
            cleaned = _SCOPED_STYLE.sub("", text)
            raw.replace_self(nodes.raw("", cleaned, format=raw["format"]))
            dropped += 1
    return dropped


#: The e-book's stylesheets: the epub theme's, Pygments', and the book's own for e-readers
#: (the site's stylesheets use CSS that EPUB 3 readers and epubcheck do not accept).
EPUB_CSS = "xinzhi-epub.css"


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """An e-book page loads no script (nothing in it needs one) and only the e-book's
    stylesheets."""
    if app.builder.name != "epub":
        return
    keep = ("epub.css", "pygments.css", EPUB_CSS)
    context["css_files"] = [c for c in context.get("css_files", []) if str(getattr(c, "filename", c)).endswith(keep)]
    context["script_files"] = []


def on_builder_inited(app: Sphinx) -> None:
    if app.builder.name == "epub":
        app.add_css_file(EPUB_CSS)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(Epub3Builder, override=True)
    app.connect("doctree-read", on_doctree_read, priority=400)
    app.connect("html-page-context", on_html_page_context, priority=950)
    app.connect("builder-inited", on_builder_inited)
    return {"version": xinzhi.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
