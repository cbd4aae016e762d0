"""Search results with their snippets at once, from a server or from a folder (loaded
by ``xinzhi_book``).

Sphinx's search page shows each result's snippet by fetching the whole HTML page of
the result and parsing it; with 20–30 results that is most of the time a search takes,
and from a folder (``file://``) a browser refuses the fetches altogether.  Here each page's
text (the text of its body without code and outputs, and where its sections start) is
written at build time into scripts of about 96 KB, ``_static/xinzhi-search/<hash>.js``; the search page switches
Sphinx's own fetching off (its documented ``SHOW_SEARCH_SUMMARY`` option) and
``xinzhi-search.js`` shows the whole list at once and adds the snippets, loading the
scripts of the result pages only — script elements, which a page opened from a folder
may load.

The search page itself is light (``book/_templates/search.html``, a project template
overriding the theme's): the theme's page costs about 0.35 s of loading on this 2-core
machine before a search can start (its 1.5 MB icon library, 0.4 MB of stylesheets, a
dozen scripts), while the results page needs none of it.  ``make bench`` reports the
times.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

import xinzhi

FOLDER = "xinzhi-search"
#: Characters that mark where an element with an id starts while the text is extracted.
_OPEN, _CLOSE = "\ue000", "\ue001"


#: Page texts are packed in order into scripts of about this size: a search with many
#: results loads a few files instead of one per result, one with few results little.
SHARD_BYTES = 96 * 1024


def _page_file(app: Sphinx, docname: str) -> Path:
    """Where one page's text waits, beside the doctrees, until the search page packs them."""
    name = hashlib.sha1(docname.encode("utf-8")).hexdigest()[:16] + ".js"
    return Path(app.doctreedir) / FOLDER / name


def page_text(body: str) -> tuple[str, dict[str, int]]:
    """The text of a rendered page body, whitespace collapsed, and the offset at which
    each section or glossary term (by id) starts.

    >>> page_text('<section id="a"><h1>标题<a class="headerlink">#</a></h1><p>正文  一</p></section>')
    ('标题 正文 一', {'a': 0})
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    # Code, its outputs, the reader's backlinks and the practice forms make no snippet a
    # reader wants, and are a quarter of the text.
    for element in soup.select(".headerlink, div.cell_output, div.highlight, pre, p.xinzhi-backlinks, form"):
        element.decompose()
    for element in soup.select("section[id], dt[id], span[id]"):
        element.insert(0, f"{_OPEN}{element['id']}{_CLOSE}")
    pieces = re.split(f"{_OPEN}([^{_CLOSE}]*){_CLOSE}", soup.get_text(" "))
    text, anchors = "", {}
    for n, piece in enumerate(pieces):
        if n % 2:  # an id: where the text that follows starts
            anchors.setdefault(piece, len(text))
        elif piece.split():
            text += (" " if text else "") + " ".join(piece.split())
    return text, anchors


def pack(pages: list[tuple[str, str]], limit: int = SHARD_BYTES) -> list[tuple[list[str], str]]:
    """Page scripts ``(docname, script)`` in order, packed into shards of about ``limit``
    bytes: ``[(docnames, script), ...]``.

    >>> [docs for docs, _ in pack([("a", "x" * 5), ("b", "y" * 5), ("c", "z" * 9)], limit=10)]
    [['a', 'b'], ['c']]
    """
    shards: list[tuple[list[str], str]] = []
    for docname, script in pages:
        if shards and len(shards[-1][1].encode("utf-8")) + len(script.encode("utf-8")) <= limit:
            shards[-1][0].append(docname)
            shards[-1] = (shards[-1][0], shards[-1][1] + script)
        else:
            shards.append(([docname], script))
    return shards


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html":
        return
    if pagename == "search":
        # Written after every page (Sphinx renders the search page when it finishes).
        pages = [(doc, _page_file(app, doc)) for doc in sorted(app.env.found_docs)]
        found = [(doc, path.read_text(encoding="utf-8")) for doc, path in pages if path.is_file()]
        folder = Path(app.outdir) / "_static" / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for docs, script in pack(found):
            name = hashlib.sha1(script.encode("utf-8")).hexdigest()[:12] + ".js"
            (folder / name).write_text(script, encoding="utf-8")
            files.update({doc: name for doc in docs})
        context["xinzhi_search_files"] = json.dumps(files, ensure_ascii=False).replace("</", "<\\/")
        return
    body = context.get("body")
    if doctree is None or not body:
        return
    text, anchors = page_text(body)
    target = _page_file(app, pagename)
    target.parent.mkdir(parents=True, exist_ok=True)
    script = f"XINZHI_SEARCH_TEXT({json.dumps(pagename, ensure_ascii=False)}, {json.dumps(text, ensure_ascii=False)}, {json.dumps(anchors, ensure_ascii=False)});\n"
    target.write_text(script, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", on_html_page_context)
    return {"version": xinzhi.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
