"""Sphinx extension for the book 新质生产力研读 (loaded by ``book/_config.yml``).

What it does, in build order:

* ``config-inited``: writes the generated pages (reader, syllabus, the search
  dictionary; see ``xinzhi_pages``), picks the edition (``XINZHI_EDITION``: ``study``,
  the default, folds solutions; ``instructor`` shows them open and adds the teacher's
  notes), fills the repository and launch-button settings from the environment;
* directives ``xinzhi-paragraph`` (a reader paragraph with its pid, anchor ``p3-5`` and
  backlinks), ``xinzhi-solution`` (a folded Markdown solution) and ``xinzhi-glossary``,
  filled from ``xinzhi`` at build time (the essays table, the sources list, the essays'
  head lines and the API page are generated as MyST by ``xinzhi_pages``);
* ``doctree-read``: every ``〔3.5〕`` in a page becomes a cross-reference to the reader
  paragraph (an unknown pid is a build warning, so an error under ``-W``), each
  citation in a chapter is remembered for the reader's backlinks, and the terms in a
  chapter's 术语 table become links into the glossary;
  A figure from a notebook output gets an alt text (its caption ``图 N.K …``);
* ``doctree-resolved``: the reader's backlinks and the citations' tooltips;
* ``build-finished``: the study site's downloads without the teacher's keys.

The other concerns are extensions of their own, set up from here: ``xinzhi_theme`` (the
themes' templates and interface as the book adjusts them), ``xinzhi_light`` (light pages),
``xinzhi_practice`` (answer boxes, notes, 我的进度) and ``xinzhi_search`` (search
snippets, the light search page).  English prose (a chapter's Abstract, the glossary's
English terms) is marked ``lang="en"``.

Markdown cells tagged ``solution`` are wrapped in a container in ``source-read`` (myst-nb
keeps the tags of code cells only; ``xinzhi_edition.fold_solution``), so the study edition
can fold both kinds with sphinx-togglebutton.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
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
import xinzhi_edition as edition
import xinzhi_theme as theme
import xinzhi_pages as pages
from xinzhi.conventions import CITATION, format_pid
from xinzhi.conventions import anchor as pid_anchor

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
    from xinzhi.segment import quiet_jieba

    quiet_jieba()


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
        # A printed page of the study edition keeps its folded solutions folded (and
        # sphinx-togglebutton hides the fold's label in print): the page is a handout.
        config.togglebutton_open_on_print = False
    try:
        pages.generate()
    except pages.BookSourceError as exc:
        raise ExtensionError(str(exc)) from None
    config.html_search_options = {
        **(config.html_search_options or {}),
        "dict": str(pages.GENERATED / "search-userdict.txt"),
    }
    _quiet_jieba()
    theme.configure(config)
    _configure_repository(config)


# --- directives ----------------------------------------------------------------------


def _pid_xref(pid: str, text: str | None = None) -> addnodes.pending_xref:
    """A link to the reader paragraph ``pid``, resolved by Sphinx (a missing one warns)."""
    anchor = pid_anchor(pid)
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


class SolutionDirective(SphinxDirective):
    """``{xinzhi-solution}``: a Markdown solution cell (``xinzhi_edition.fold_solution``),
    in a container with the classes myst-nb gives a code cell tagged ``solution``."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["cell", "cell_markdown", "tag_solution"])
        self.set_source_info(box)
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


def _doc_xref(docname: str, text: str | None = None) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + docname,
        refexplicit=text is not None, refwarn=True,
    )
    ref += nodes.inline("", text or docname, classes=["xref", "std", "std-doc"])
    return ref


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
                head += nodes.emphasis("", e.english, classes=["xinzhi-english", "language-en"])
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
        for m in CITATION.finditer(source):
            pid = format_pid(int(m.group(1)), int(m.group(2)))
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


_LATIN_LETTER = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ACCENTED = re.compile(r"[\u00c0-\u024f]")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _mark_english(doctree: nodes.document) -> None:
    """A heading or paragraph written in English (a chapter's Abstract, an English gloss in
    a table) gets ``lang="en"`` (docutils writes the class ``language-en`` as that
    attribute), so that a screen reader reads it with an English voice (WCAG 3.1.2).
    English: a few words of Latin letters, at most a Chinese term or two among them (ten
    letters or more to a Han character), and no accented letters (pinyin carries tone
    marks and stays Chinese).  Inline code and formulas do not count as words; code
    blocks, outputs and math are not prose and are left alone."""
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.title)))):
        if any(c.startswith("language-") for c in node["classes"]):
            continue
        prose = " ".join(
            n.astext() for n in node.findall(nodes.Text)
            if not isinstance(n.parent, (nodes.literal, nodes.math))
        )
        words = len(_WORD.findall(prose))
        if words < (1 if isinstance(node, nodes.title) else 3) or _ACCENTED.search(prose):
            continue
        if len(_LATIN_LETTER.findall(prose)) < 10 * len(_HAN.findall(prose)) + 1:
            continue
        parent, code = node.parent, False
        while parent is not None and not code:
            code = isinstance(parent, (nodes.literal_block, nodes.raw, nodes.math_block)) or (
                isinstance(parent, nodes.container) and {"cell_output", "cell_input"} & set(parent["classes"])
            )
            parent = parent.parent
        if not code:
            node["classes"].append("language-en")


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    _mark_english(doctree)
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
    theme.drop_thebe_nodes(doctree)
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


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """The chapter notebooks as this edition shows them (the teacher's keys only in the
    instructor edition): myst-nb parses the notebook text that Sphinx hands out here."""
    if docname.startswith("notebooks/"):
        try:
            source[0] = edition.edition_notebook(source[0], app.config.xinzhi_edition)
        except pages.BookSourceError as exc:
            logger.warning("%s", exc, location=docname, type="xinzhi", subtype="solution")


def on_build_finished_sources(app: Sphinx, exc: Exception | None) -> None:
    """The study site's downloads (``_sources``, copied from disk) hold no teacher's keys."""
    if exc is None and app.builder.format == "html" and app.config.xinzhi_edition != "instructor":
        edition.study_sources(Path(app.outdir))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("xinzhi_edition", os.environ.get("XINZHI_EDITION", "study").strip() or "study", "env")
    app.add_node(backlinks)
    app.add_node(
        pid_ref,
        html=(lambda self, node: self.visit_inline(node), lambda self, node: self.depart_inline(node)),
        latex=(lambda self, node: None, lambda self, node: None),
        text=(lambda self, node: None, lambda self, node: None),
    )
    app.setup_extension("xinzhi_theme")
    app.setup_extension("xinzhi_light")
    app.setup_extension("xinzhi_practice")
    app.setup_extension("xinzhi_search")
    app.setup_extension("xinzhi_print")
    app.add_directive("xinzhi-paragraph", ParagraphDirective)
    app.add_directive(edition.SOLUTION_DIRECTIVE, SolutionDirective)
    app.add_directive("xinzhi-glossary", GlossaryDirective)
    # Before sphinx_external_toc and sphinx_togglebutton read the config (priority 500).
    app.connect("config-inited", on_config_inited, priority=100)
    app.connect("source-read", on_source_read)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("env-get-outdated", on_env_get_outdated)
    # After sphinx-thebe's own handler (priority 500), which adds its configuration.
    app.connect("doctree-resolved", on_doctree_resolved, priority=900)
    app.connect("build-finished", on_build_finished_sources)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 4}
