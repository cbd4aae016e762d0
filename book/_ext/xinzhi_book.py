"""Sphinx extension for the book 新质生产力研读 (loaded by ``book/_config.yml``).

What it does, in build order:

* ``config-inited``: writes the generated pages (reader, syllabus, the search
  dictionary; see ``xinzhi_pages``), picks the edition (``XINZHI_EDITION``: ``study``,
  the default, folds solutions; ``instructor`` shows them open and adds the teacher's
  notes), fills the repository and launch-button settings from the environment, and
  points MathJax at a local copy so that no page loads anything from another site;
* directives ``xinzhi-paragraph`` (a reader paragraph with its pid, anchor ``p3-5`` and
  backlinks), ``xinzhi-essay-meta``, ``xinzhi-essays``, ``xinzhi-sources`` and
  ``xinzhi-glossary``, all filled from ``xinzhi`` at build time;
* ``doctree-read``: every ``〔3.5〕`` in a page becomes a cross-reference to the reader
  paragraph (an unknown pid is a build warning, so an error under ``-W``), each
  citation in a chapter is remembered for the reader's backlinks, and the terms in a
  chapter's 术语 table become links into the glossary;
  A figure from a notebook output gets an alt text (its caption ``图 N.K …``);
* ``doctree-resolved``: the reader's backlinks and the citations' tooltips;
* ``html-page-context``: no thebe scripts (the book has no live code; they would
  only add a script error);
* ``build-finished``: the local MathJax files.

The theme's 1.5 MB ``fontawesome.js`` is loaded ``async`` (a patched copy of the theme's
macros in ``book/_generated/_templates``), so that it no longer holds back every page.

Markdown cells tagged ``solution`` are wrapped in a container (myst-nb keeps the tags
of code cells only), so the study edition can fold both kinds with sphinx-togglebutton.
"""

from __future__ import annotations

import functools
import logging as std_logging
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.std import make_glossary_term
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import xinzhi
import xinzhi_pages as pages

logger = logging.getLogger(__name__)

EDITIONS = ("study", "instructor")
READER_PREFIX = "book/_generated/reader/"
CHAPTER_PREFIX = "notebooks/"
#: Nodes whose text is code, markup or already a link: citations inside stay as typed.
_SKIP = (
    nodes.literal_block,
    nodes.literal,
    nodes.raw,
    nodes.reference,
    nodes.title,
    nodes.comment,
    nodes.math,
    nodes.math_block,
    nodes.term,
    addnodes.pending_xref,
    addnodes.toctree,
)
#: MathJax 3 files a page with math needs: the combined TeX/CHTML component, its fonts,
#: the TeX extensions it may autoload, and the menu's accessibility modules.
_MATHJAX_PARTS = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "ui", "adaptors")


class backlinks(nodes.General, nodes.Element):
    """Placeholder for "where the chapters discuss this paragraph", filled when resolved."""


class pid_ref(nodes.inline):
    """The text of a citation link; knows its pid for the tooltip."""


@functools.lru_cache(maxsize=1)
def _corpus() -> xinzhi.Corpus:
    return xinzhi.load_corpus()


def _glossary() -> dict[str, pages.GlossaryEntry]:
    try:
        return {e.term: e for e in pages.read_glossary()}
    except pages.BookSourceError as exc:
        raise ExtensionError(str(exc)) from None


# --- configuration -------------------------------------------------------------------


def _quiet_jieba() -> None:
    """Sphinx's Chinese search uses the global jieba: silence it and keep its cache ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(std_logging.CRITICAL + 10)
    from xinzhi.segment import cache_dir

    jieba.dt.tmp_dir = str(cache_dir())


def _github_origin(root: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "config", "--get", "remote.origin.url"],
            capture_output=True, text=True, timeout=5, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.match(r"^(?:https://github\.com/|git@github\.com:)([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", out)
    return f"https://github.com/{m.group(1)}/{m.group(2)}" if m else None


def _configure_repository(config: Any) -> None:
    """Launch buttons need the repository's public URL: from ``XINZHI_REPOSITORY_URL``,
    else from a GitHub ``origin``; without one the book has no launch buttons."""
    theme = config.html_theme_options
    url = os.environ.get("XINZHI_REPOSITORY_URL", "").strip() or _github_origin(pages.ROOT)
    launch = dict(theme.get("launch_buttons") or {})
    if url:
        theme["repository_url"] = url.rstrip("/")
        theme["repository_branch"] = os.environ.get("XINZHI_REPOSITORY_BRANCH", "").strip() or theme.get(
            "repository_branch", "main"
        )
        theme["path_to_docs"] = ""
        hub = os.environ.get("XINZHI_JUPYTERHUB_URL", "").strip()
        if hub:
            launch["jupyterhub_url"] = hub
    else:
        for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "thebe"):
            launch.pop(key, None)
        theme.pop("repository_url", None)
        theme["use_repository_button"] = False
    theme["launch_buttons"] = launch


def _configure_mathjax(config: Any) -> None:
    try:
        import importlib

        importlib.import_module("sphinx-mathjax-offline")
    except ImportError:
        raise ConfigError(
            "the book serves MathJax itself (no CDN) from the package sphinx-mathjax-offline; "
            "install the project's dev extras: make install"
        ) from None
    config.mathjax_path = "mathjax/tex-chtml.js"


_FONTAWESOME_DEFER = "<script defer src=\"{{ pathto('_static/scripts/fontawesome.js', 1) }}"


def _templates(config: Any) -> None:
    """pydata-sphinx-theme loads a 1.5 MB fontawesome.js with ``defer`` on every page, which
    holds back DOMContentLoaded (and so the search) by a few hundred milliseconds.  Its
    icons also come from the theme's CSS web fonts; the script only adds custom icons, so
    load it ``async``.  Done on a copy of the theme's macros, and only if they still read
    as expected."""
    import pydata_sphinx_theme

    source = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "webpack-macros.html"
    try:
        text = source.read_text(encoding="utf-8")
    except OSError:
        return
    if text.count(_FONTAWESOME_DEFER) != 1:
        return
    folder = pages.GENERATED / "_templates"
    pages.write_if_changed(folder / "static" / "webpack-macros.html", text.replace(_FONTAWESOME_DEFER, _FONTAWESOME_DEFER.replace("defer", "async")))
    path = str(folder.relative_to(pages.ROOT))
    if path not in config.templates_path:
        config.templates_path = [path, *config.templates_path]


def on_config_inited(app: Sphinx, config: Any) -> None:
    edition = config.xinzhi_edition
    if edition not in EDITIONS:
        raise ConfigError(
            f"XINZHI_EDITION={edition!r} is not an edition; use one of {', '.join(EDITIONS)}"
        )
    if edition == "instructor":
        app.tags.add("instructor")
        config.html_title = f"{config.html_title}（教师版）"
        config.togglebutton_selector = ".toggle, .admonition.dropdown"
    else:
        app.tags.add("study")
        config.togglebutton_selector = ".tag_solution, .toggle, .admonition.dropdown"
    try:
        pages.generate()
    except pages.BookSourceError as exc:
        raise ExtensionError(str(exc)) from None
    config.html_search_options = {
        **(config.html_search_options or {}),
        "dict": str(pages.GENERATED / "search-userdict.txt"),
    }
    _quiet_jieba()
    _templates(config)
    _configure_repository(config)
    _configure_mathjax(config)


# --- myst-nb: fold Markdown solution cells too ------------------------------------------


def _patch_markdown_cells() -> None:
    from myst_nb.core.render import MditRenderMixin

    original = MditRenderMixin.render_nb_cell_markdown
    if getattr(original, "_xinzhi", False):
        return

    def render_nb_cell_markdown(self, token) -> None:
        tags = token.meta.get("metadata", {}).get("tags", []) or []
        if "solution" not in tags:
            return original(self, token)
        source = "".join(child.content or "" for child in token.children or [])
        if any(child.type == "heading" for child in token.children or []):
            logger.warning(
                "a Markdown cell tagged 'solution' has a heading, which cannot be folded; "
                "make the heading a bold line (%s)", source[:40].replace("\n", " "),
                location=(self.document["source"], getattr(token, "map", [0])[0] if token.map else None),
                type="xinzhi", subtype="solution",
            )
            return original(self, token)
        container = nodes.container(
            classes=["cell", "cell_markdown"] + [f"tag_{t.replace(' ', '_')}" for t in tags]
        )
        self.add_line_and_source_path(container, token)
        with self.current_node_context(container, append=True):
            original(self, token)

    render_nb_cell_markdown._xinzhi = True  # type: ignore[attr-defined]
    MditRenderMixin.render_nb_cell_markdown = render_nb_cell_markdown


# --- directives ----------------------------------------------------------------------


def _pid_xref(pid: str, text: str | None = None) -> addnodes.pending_xref:
    """A link to the reader paragraph ``pid``, resolved by Sphinx (a missing one warns)."""
    anchor = "p" + pid.replace(".", "-")
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=anchor, refexplicit=True, refwarn=True
    )
    ref += pid_ref("", text or f"〔{pid}〕", classes=["xinzhi-pid"], pid=pid)
    return ref


class ParagraphDirective(SphinxDirective):
    """``{xinzhi-paragraph} 3.5``: one reader paragraph, with its pid visible."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        corpus = _corpus()
        try:
            p = corpus[self.arguments[0]]
        except KeyError as exc:
            raise self.error(str(exc.args[0])) from None
        self.env.note_dependency(str(corpus.source))
        box = nodes.container(classes=["xinzhi-para"])
        box["names"].append(p.anchor)
        self.state.document.note_explicit_target(box, box)
        para = nodes.paragraph()
        para += nodes.reference("", f"〔{p.pid}〕", refid=p.anchor, classes=["xinzhi-pid", "xinzhi-pid-self"])
        para += nodes.Text(p.text)
        box += para
        box += backlinks(pid=p.pid)
        return [box]


class EssayMetaDirective(SphinxDirective):
    """``{xinzhi-essay-meta} 3``: the essay's source page, column and reading time."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        corpus = _corpus()
        try:
            essay = corpus.essay(int(self.arguments[0]))
        except (KeyError, ValueError) as exc:
            raise self.error(str(exc)) from None
        self.env.note_dependency(str(corpus.source))
        row = corpus.essays_table.set_index("essay").loc[essay.number]
        first, last = essay.paragraphs[0].pid, essay.paragraphs[-1].pid
        text = (
            f"目录题名：{essay.toc_title}；原书第 {essay.page} 页起；"
            f"{len(essay.paragraphs)} 段（〔{first}〕至〔{last}〕），"
            f"约 {int(row['han'])} 字，阅读约 {max(1, round(row['han'] / 400))} 分钟。"
        )
        para = nodes.paragraph(classes=["xinzhi-essay-meta"])
        para += nodes.Text(text)
        return [para]


def _table(header: list[str], rows: list[list[nodes.Node | str]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    thead = nodes.thead()
    group += thead
    row = nodes.row()
    for h in header:
        row += nodes.entry("", nodes.paragraph("", h))
    thead += row
    tbody = nodes.tbody()
    group += tbody
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            para = nodes.paragraph()
            para += nodes.Text(cell) if isinstance(cell, str) else cell
            row += nodes.entry("", para)
        tbody += row
    return table


def _doc_xref(docname: str, text: str | None = None) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + docname,
        refexplicit=text is not None, refwarn=True,
    )
    ref += nodes.inline("", text or docname, classes=["xref", "std", "std-doc"])
    return ref


class EssaysDirective(SphinxDirective):
    """``{xinzhi-essays}``: the eight essays, linked to their reader pages."""

    def run(self) -> list[nodes.Node]:
        corpus = _corpus()
        rows = []
        for e in corpus.essays:
            rows.append([
                str(e.number),
                _doc_xref(pages.reader_docname(e.number), e.title),
                str(e.page),
                f"〔{e.paragraphs[0].pid}〕–〔{e.paragraphs[-1].pid}〕",
            ])
        return [_table(["篇", "题名", "原书页码", "段落"], rows, ["xinzhi-essays"])]


class SourcesDirective(SphinxDirective):
    """``{xinzhi-sources}``: the eight essays as sources, as the table of contents gives them."""

    def run(self) -> list[nodes.Node]:
        corpus = _corpus()
        items = nodes.enumerated_list(classes=["xinzhi-sources"])
        for e in corpus.essays:
            para = nodes.paragraph()
            para += nodes.Text(f"《{e.title}》")
            if e.column:
                para += nodes.Text(f"，栏目“{e.column}”")
            para += nodes.Text(f"。见所据文集第 {e.page} 页起；本书")
            para += _doc_xref(pages.reader_docname(e.number), f"原文·{pages.essay_label(e.number)}")
            para += nodes.Text("。")
            items += nodes.list_item("", para)
        return [items]


class GlossaryDirective(SphinxDirective):
    """``{xinzhi-glossary}``: the terms of ``data/glossary.csv`` as a Sphinx glossary."""

    def run(self) -> list[nodes.Node]:
        path = pages.glossary_path()
        self.env.note_dependency(str(path))
        corpus = _corpus()
        entries = sorted(_glossary().values(), key=lambda e: e.sort_key)
        if not entries:
            return [nodes.paragraph("", "（术语表尚未收录词条。）")]
        chapters = {c.number: c for c in pages.read_chapters()}
        glossary = addnodes.glossary()
        glossary["sorted"] = False  # already sorted by pinyin
        dlist = nodes.definition_list(classes=["glossary", "xinzhi-glossary"])
        glossary += dlist
        for e in entries:
            item = nodes.definition_list_item()
            term = make_glossary_term(
                self.env, [nodes.Text(e.term)], None, str(path), e.line, None, self.state.document
            )
            item += term
            body = nodes.definition()
            head = nodes.paragraph(classes=["xinzhi-term-head"])
            head += nodes.inline("", e.pinyin, classes=["xinzhi-pinyin"])
            if e.english:
                head += nodes.Text("　")
                head += nodes.emphasis("", e.english, classes=["xinzhi-english"])
            body += head
            if e.definition:
                body += nodes.paragraph("", "", nodes.Text(e.definition))
            where = nodes.paragraph(classes=["xinzhi-term-pids"])
            pids = pages.term_pids(corpus, e.term)
            if pids:
                where += nodes.Text(f"原文中出现于 {len(pids)} 段：")
                for pid in pids:
                    where += _pid_xref(pid)
            else:
                where += nodes.Text("原文中未直接出现。")
            if e.chapter is not None:
                ch = chapters.get(e.chapter)
                where += nodes.Text("　首见：")
                if ch is None:
                    logger.warning(
                        "glossary term %r names chapter %s, which has no notebook; fix its "
                        "chapter column in %s", e.term, e.chapter, path,
                        location=(str(path), e.line), type="xinzhi", subtype="glossary",
                    )
                    where += nodes.Text(f"第 {e.chapter} 章")
                else:
                    where += _doc_xref(ch.docname)
            body += where
            item += body
            dlist += item
        return [glossary]


# --- reading: citations and glossary links ----------------------------------------------


def _cites(env: Any) -> dict[str, list[tuple[str, str, str]]]:
    if not hasattr(env, "xinzhi_cites"):
        env.xinzhi_cites = {}
    return env.xinzhi_cites


def _section_of(node: nodes.Node) -> tuple[str, str]:
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None or not parent["ids"]:
        return "", ""
    title = parent[0].astext() if len(parent) and isinstance(parent[0], nodes.title) else ""
    # The page's own top section: link to the page, not to an anchor.
    if isinstance(parent.parent, nodes.document):
        return "", title
    return parent["ids"][0], title


def _skipped(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SKIP):
            return True
        if isinstance(parent, nodes.container) and "xinzhi-para" in parent["classes"]:
            return True
        parent = parent.parent
    return False


def _link_citations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    corpus = _corpus()
    cites: list[tuple[str, str, str]] = []
    for text in list(doctree.findall(nodes.Text)):
        if "〔" not in text or _skipped(text):
            continue
        source = str(text)
        parts: list[nodes.Node] = []
        pos = 0
        for m in pages.PID_CITATION.finditer(source):
            pid = f"{int(m.group(1))}.{int(m.group(2))}"
            if pid not in corpus:
                try:
                    corpus[pid]
                except KeyError as exc:
                    reason = exc.args[0]
                logger.warning(
                    "the citation %s names no paragraph of the essays (%s); cite an existing "
                    "pid, see the reader", m.group(0), reason,
                    location=text.parent, type="xinzhi", subtype="pid",
                )
                continue
            parts.append(nodes.Text(source[pos:m.start()]))
            parts.append(_pid_xref(pid))
            pos = m.end()
            if docname.startswith(CHAPTER_PREFIX):
                section_id, title = _section_of(text)
                entry = (pid, section_id, title)
                if entry not in cites:
                    cites.append(entry)
        if not parts:
            continue
        parts.append(nodes.Text(source[pos:]))
        parent = text.parent
        index = parent.index(text)
        parent.remove(text)
        for offset, part in enumerate(p for p in parts if not (isinstance(p, nodes.Text) and not str(p))):
            parent.insert(index + offset, part)
    if cites:
        _cites(app.env)[docname] = cites


def _link_terms(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Terms in a chapter's 术语 table (first column) link to their glossary entry."""
    glossary = None
    for table in doctree.findall(nodes.table):
        thead = next(table.findall(nodes.thead), None)
        tbody = next(table.findall(nodes.tbody), None)
        if thead is None or tbody is None:
            continue
        first = next(thead.findall(nodes.entry), None)
        if first is None or first.astext().strip() != "术语":
            continue
        if glossary is None:
            glossary = _glossary()
            # Adding a term to the glossary must re-read the chapters that list it.
            app.env.note_dependency(str(pages.glossary_path()))
        for row in tbody.findall(nodes.row):
            entry = next(row.findall(nodes.entry), None)
            para = next(entry.findall(nodes.paragraph), None) if entry is not None else None
            if para is None:
                continue
            term = para.astext().strip()
            if term not in glossary:
                logger.warning(
                    "the term %r of this chapter's 术语 table is not in the glossary; add a row "
                    "for it to lib/xinzhi/data/glossary.csv (term,pinyin,english,definition,chapter)",
                    term, location=para, type="xinzhi", subtype="glossary",
                )
                continue
            ref = addnodes.pending_xref(
                "", refdomain="std", reftype="term", reftarget=term, refexplicit=True, refwarn=True
            )
            ref += nodes.inline("", term, classes=["xref", "std", "std-term"])
            para.children = []
            para += ref


_CAPTION = re.compile(r"^图\s*\d+\.\d+")


def _caption_after(image: nodes.image) -> str:
    """The chapter's own caption (a paragraph ``图 3.1　…`` right after the figure's cell)."""
    cell = image.parent
    while cell is not None and not (isinstance(cell, nodes.container) and "cell" in cell["classes"]):
        cell = cell.parent
    if cell is None or cell.parent is None:
        return ""
    siblings = cell.parent.children
    index = siblings.index(cell)
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    text = following.astext().strip() if isinstance(following, nodes.paragraph) else ""
    return text if _CAPTION.match(text) else ""


def _alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Figures from notebook outputs get an alt text: the cell's own
    (``metadata.mystnb.image.alt``), else the chapter's caption under the figure, else
    where the figure stands."""
    if not docname.startswith(CHAPTER_PREFIX):
        return
    page_title = ""
    top = next(doctree.findall(nodes.title), None)
    if top is not None:
        page_title = top.astext()
    for i, image in enumerate(doctree.findall(nodes.image), start=1):
        if image.get("alt"):
            continue
        caption = _caption_after(image)
        if caption:
            image["alt"] = caption if len(caption) <= 200 else caption[:199] + "…"
            continue
        _, section = _section_of(image)
        where = section if section and section != page_title else page_title
        image["alt"] = f"插图 {i}：{where}（{page_title}）" if where != page_title else f"插图 {i}：{page_title}"


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    _link_citations(app, doctree, docname)
    if docname.startswith(CHAPTER_PREFIX):
        _link_terms(app, doctree, docname)
        _alt_text(app, doctree, docname)


def on_env_purge_doc(app: Sphinx, env: Any, docname: str) -> None:
    _cites(env).pop(docname, None)


def on_env_merge_info(app: Sphinx, env: Any, docnames: list[str], other: Any) -> None:
    _cites(env).update(_cites(other))


def on_env_get_outdated(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    # The reader shows where chapters cite each paragraph: re-read it when a chapter changes.
    if any(d.startswith(CHAPTER_PREFIX) for d in added | changed | removed):
        return [d for d in env.found_docs if d.startswith(READER_PREFIX)]
    return []


# --- resolving: backlinks and tooltips ----------------------------------------------------


def _chapter_label(env: Any, docname: str) -> str:
    """``第 3 章`` for ``notebooks/03_…``; the page title for anything else."""
    m = re.match(r"^notebooks/(\d\d)_", docname)
    if m and int(m.group(1)) > 0:
        return f"第 {int(m.group(1))} 章"
    return env.titles[docname].astext() if docname in env.titles else docname


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    _drop_thebe_nodes(doctree)
    corpus = _corpus()
    for ref in doctree.findall(pid_ref):
        pid = ref.get("pid")
        if pid in corpus and isinstance(ref.parent, nodes.reference):
            text = corpus[pid].text
            ref.parent["reftitle"] = text[:60] + ("……" if len(text) > 60 else "")
    placeholders = list(doctree.findall(backlinks))
    if not placeholders:
        return
    env = app.env
    by_pid: dict[str, list[tuple[str, str, str]]] = {}
    for cited_in in sorted(_cites(env)):
        for pid, section_id, title in _cites(env)[cited_in]:
            by_pid.setdefault(pid, []).append((cited_in, section_id, title))
    for node in placeholders:
        places = by_pid.get(node["pid"], [])
        if not places:
            node.replace_self([])
            continue
        para = nodes.paragraph(classes=["xinzhi-backlinks"])
        para += nodes.Text("本段讨论见：")
        by_chapter: dict[str, list[tuple[str, str]]] = {}
        for cited_in, section_id, title in places:
            by_chapter.setdefault(cited_in, []).append((section_id, title))
        for i, (cited_in, sections) in enumerate(by_chapter.items()):
            if i:
                para += nodes.Text("；")
            uri = app.builder.get_relative_uri(docname, cited_in)
            para += nodes.reference("", _chapter_label(env, cited_in), refuri=uri, internal=True)
            named = [(sid, title) for sid, title in sections if sid and title]
            if named:
                para += nodes.Text("（")
                for j, (section_id, title) in enumerate(named):
                    if j:
                        para += nodes.Text("、")
                    para += nodes.reference("", title, refuri=f"{uri}#{section_id}", internal=True)
                para += nodes.Text("）")
        node.replace_self(para)


def _drop_thebe_nodes(doctree: nodes.document) -> None:
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


def on_build_finished(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    import importlib

    source = Path(importlib.import_module("sphinx-mathjax-offline").__file__).parent / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in _MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            if not dst.is_dir():
                shutil.copytree(src, dst)
        elif src.is_file() and not dst.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("xinzhi_edition", os.environ.get("XINZHI_EDITION", "study").strip() or "study", "env")
    app.add_node(backlinks)
    app.add_node(
        pid_ref,
        html=(lambda self, node: self.visit_inline(node), lambda self, node: self.depart_inline(node)),
        latex=(lambda self, node: None, lambda self, node: None),
        text=(lambda self, node: None, lambda self, node: None),
    )
    app.add_directive("xinzhi-paragraph", ParagraphDirective)
    app.add_directive("xinzhi-essay-meta", EssayMetaDirective)
    app.add_directive("xinzhi-essays", EssaysDirective)
    app.add_directive("xinzhi-sources", SourcesDirective)
    app.add_directive("xinzhi-glossary", GlossaryDirective)
    # Before sphinx_external_toc and sphinx_togglebutton read the config (priority 500).
    app.connect("config-inited", on_config_inited, priority=100)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("env-get-outdated", on_env_get_outdated)
    # After sphinx-thebe's own handler (priority 500), which adds its configuration.
    app.connect("doctree-resolved", on_doctree_resolved, priority=900)
    app.connect("html-page-context", on_html_page_context, priority=900)
    app.connect("build-finished", on_build_finished)
    _patch_markdown_cells()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 3}
