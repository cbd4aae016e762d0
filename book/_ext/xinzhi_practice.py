"""Practice in the web page (loaded by ``xinzhi_book``): an answer box under every
checkable exercise, a notes box under every discussion exercise, each chapter's tally and
the page 我的进度 — in the study and the instructor editions, with no kernel and no server.

* ``source-read``: after a chapter's exercise code cell (``check("N.K", answer)``) comes a
  Markdown cell ``{xinzhi-practice} N.K``; after a discussion exercise (a 练习 heading
  with no check) ``{xinzhi-notes} N.K``; after the ``## 练习`` heading
  ``{xinzhi-chapter-progress}``.  The notebook files and their downloads are unchanged.
* The directives write HTML forms (``hidden`` until the page's script makes them work);
  other builders get nothing from them.
* ``html-page-context``: a page with practice loads ``xinzhi-check.js`` (the checker,
  parity-tested against :func:`xinzhi.check`), ``xinzhi-practice.js`` (the boxes,
  progress, notes, export and import; kept in the browser's localStorage) and one inline
  script with the rules and the keys of that page's exercises (:mod:`xinzhi.practice`).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

import xinzhi
import xinzhi_edition as edition
import xinzhi_pages as pages
from xinzhi_print import printing
from xinzhi import practice
from xinzhi.conventions import CITATION, anchor, cell_source, cell_tags, format_pid
from xinzhi.errors import XinzhiError
from xinzhi.keys import answer_key, exercise_ids, keys_path

PROGRESS_DOC = "book/progress"
_CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d+\.\d+)["']""")
_EXERCISES_HEADING = re.compile(r"^##\s+练习\s*$", re.M)
_STEMS = "甲乙丙丁戊己庚辛壬癸"

#: What each kind of box asks for, under its legend.
HELP = {
    "choice": "选择一个选项，再按“检查”。",
    "text": "写下你的答案（一个词语或短语）。",
    "number": "写一个数，例如 12 或 3.5；可以带单位。",
    "pid": "写一个段落编号，例如 3.5。",
    "pids": "写出段落编号，例如 3.5、5.18；顺序不限。",
    "set": "写出各项，用顿号“、”或逗号隔开；顺序不限。",
    "sequence": "按顺序写出各项，用顿号“、”或逗号隔开。",
    "mapping": "在每一项后面填写你的答案。",
}


def _slug(exercise_id: str) -> str:
    return exercise_id.replace(".", "-")


def _md_cell(source: str, name: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": name, "metadata": {}, "source": source}


def _mapping_order(names: list[str], question: str) -> list[str]:
    """The keys of a mapping exercise in the order a reader meets them: numbers by value,
    甲乙丙…, otherwise by first mention in the question."""
    if all(n.isdigit() for n in names):
        return sorted(names, key=int)
    if all(n in _STEMS for n in names):
        return sorted(names, key=_STEMS.index)
    return sorted(names, key=lambda n: (question.find(n) if n in question else len(question), names.index(n)))


def practice_notebook(text: str) -> str:
    """The chapter notebook JSON ``text`` with the practice cells inserted (see the module
    docstring); anything else comes back unchanged."""
    nb = edition.source_notebook(text)
    if nb is None:
        return text
    cells = nb["cells"]
    checkable = set(exercise_ids())
    checked = {m for c in cells if c.get("cell_type") == "code" for m in _CHECK_CALL.findall(cell_source(c))}
    out: list[dict] = []
    questions: dict[str, str] = {}
    ids: list[str] = []
    summary_at: int | None = None
    for cell in cells:
        out.append(cell)
        source, tags = cell_source(cell), cell_tags(cell)
        if cell.get("cell_type") == "markdown" and "solution" not in tags:
            if summary_at is None and _EXERCISES_HEADING.search(source):
                summary_at = len(out)
            for line in source.splitlines():
                m = pages.EXERCISE_HEADING.match(line)
                if m:
                    questions[m.group(1)] = source
                    ids.append(m.group(1))
                    if m.group(1) not in checked:
                        out.append(_md_cell(f":::{{xinzhi-notes}} {m.group(1)}\n:::", f"xinzhi-notes-{_slug(m.group(1))}"))
        if cell.get("cell_type") == "code" and "exercise" in tags:
            for eid in _CHECK_CALL.findall(source):
                if eid in checkable:
                    order = ""
                    if answer_key(eid)["kind"] == "mapping":
                        names = _mapping_order(list(answer_key(eid)["answer"]), questions.get(eid, ""))
                        order = "\n:order: " + json.dumps(names, ensure_ascii=False)
                    out.append(_md_cell(f":::{{xinzhi-practice}} {eid}{order}\n:::", f"xinzhi-practice-{_slug(eid)}"))
    if not ids:
        return text
    first = next(i for i, c in enumerate(out) if c.get("cell_type") == "markdown"
                 and any(pages.EXERCISE_HEADING.match(line) for line in cell_source(c).splitlines()))
    at = summary_at if summary_at is not None else first
    out.insert(at, _md_cell(f":::{{xinzhi-chapter-progress}}\n{' '.join(ids)}\n:::", "xinzhi-chapter-progress"))
    nb["cells"] = out
    return json.dumps(nb, ensure_ascii=False)


# --- the boxes ---------------------------------------------------------------------------
def _raw(markup: str) -> nodes.raw:
    return nodes.raw("", markup, format="html")


def _widget(eid: str, kind: str, key: dict, order: list[str] | None) -> str:
    slug = _slug(eid)
    field = f"xinzhi-answer-{slug}"
    help_id = f"xinzhi-help-{slug}"
    if kind == "choice":
        letters = key.get("options") or "".join(sorted(set(key["answer"]) if isinstance(key["answer"], list) else key["answer"]))
        radios = "".join(
            f'<label class="xinzhi-choice"><input type="radio" name="{field}" value="{c}"> {c}</label>'
            for c in letters
        )
        return f'<div class="xinzhi-choices" role="radiogroup" aria-labelledby="xinzhi-legend-{slug}" aria-describedby="{help_id}">{radios}</div>'
    if kind == "mapping":
        rows = "".join(
            f'<div class="xinzhi-pair"><label for="{field}-{n}">{html.escape(name)}</label>'
            f'<input type="text" id="{field}-{n}" data-key="{html.escape(name)}" autocomplete="off" lang="zh-CN"></div>'
            for n, name in enumerate(order or list(key["answer"]))
        )
        return f'<div class="xinzhi-pairs" aria-describedby="{help_id}">{rows}</div>'
    label = f'<label for="{field}">你的答案</label>'
    if kind in ("set", "sequence", "pids"):
        return label + f'<textarea id="{field}" rows="2" autocomplete="off" lang="zh-CN" aria-describedby="{help_id}"></textarea>'
    mode = ' inputmode="decimal"' if kind in ("number", "pid") else ""
    return label + f'<input type="text" id="{field}"{mode} autocomplete="off" lang="zh-CN" aria-describedby="{help_id}">'


class PracticeDirective(SphinxDirective):
    """``{xinzhi-practice} N.K``: the answer box of a checkable exercise."""

    required_arguments = 1
    option_spec = {"order": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        eid = self.arguments[0]
        try:
            key = answer_key(eid)
        except XinzhiError as exc:
            raise self.error(f"no answer key for exercise {eid}: {exc}") from None
        order = json.loads(self.options["order"]) if "order" in self.options else None
        self.env.note_dependency(str(keys_path()))
        _note_practice(self.env, self.env.docname, eid)
        slug, kind = _slug(eid), key["kind"]
        markup = (
            f'<form class="xinzhi-practice" id="xinzhi-practice-{slug}" data-exercise="{eid}" data-kind="{kind}" hidden>'
            f'<fieldset><legend id="xinzhi-legend-{slug}">在网页上作答：练习 {eid}</legend>'
            f'<p class="xinzhi-practice-help" id="xinzhi-help-{slug}">{HELP[kind]}</p>'
            f"{_widget(eid, kind, key, order)}"
            '<div class="xinzhi-practice-actions"><button type="submit" class="btn xinzhi-check">检查</button></div>'
            '<div class="xinzhi-verdict" role="status" aria-live="polite"></div>'
            "</fieldset></form>"
        )
        return [_raw(markup)]


class NotesDirective(SphinxDirective):
    """``{xinzhi-notes} N.K``: a notes box for a discussion exercise."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        eid = self.arguments[0]
        slug = _slug(eid)
        _note_practice(self.env, self.env.docname, None)
        markup = (
            f'<form class="xinzhi-notes" id="xinzhi-notes-{slug}" data-exercise="{eid}" hidden>'
            f'<label for="xinzhi-notes-text-{slug}">我的笔记：练习 {eid}（自动保存在本浏览器中）</label>'
            f'<textarea id="xinzhi-notes-text-{slug}" rows="5" lang="zh-CN"></textarea>'
            '<p class="xinzhi-notes-status" role="status" aria-live="polite"></p></form>'
        )
        return [_raw(markup)]


class ChapterProgressDirective(SphinxDirective):
    """``{xinzhi-chapter-progress}`` with the chapter's exercise ids as content: the tally
    of done and right, filled in by the page's script."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        ids = " ".join(self.content).split()
        checkable = set(exercise_ids())
        link = relative_uri(self.env.docname + ".html", PROGRESS_DOC + ".html")
        markup = (
            f'<div class="xinzhi-chapter-progress" data-exercises="{" ".join(i for i in ids if i in checkable)}" '
            f'data-notes="{" ".join(i for i in ids if i not in checkable)}" hidden>'
            '<p role="status"></p>'
            f'<p><a href="{html.escape(link)}">我的进度</a>：全书每道练习的状态，导出与导入。</p></div>'
        )
        return [_raw(markup)]


STATES = {"right": "答对", "wrong": "还不对", "none": "未作答", "notes": "有笔记", "no-notes": "无笔记"}


def _linked_title(docname: str, title: str) -> str:
    """An exercise title in HTML, each 〔E.N〕 in it a link to the reader, as elsewhere."""
    out, at = [], 0
    for m in CITATION.finditer(title):
        pid = format_pid(int(m.group(1)), int(m.group(2)))
        href = relative_uri(docname + ".html", pages.reader_docname(int(m.group(1))) + ".html") + "#" + anchor(pid)
        out += [html.escape(title[at:m.start()]), f'<a class="reference internal xinzhi-pid" href="{html.escape(href)}">{m.group(0)}</a>']
        at = m.end()
    return "".join(out) + html.escape(title[at:])


class ProgressDirective(SphinxDirective):
    """``{xinzhi-progress}``: every exercise of the book with its state (filled in by the
    page's script from this browser's record), and the export, import and reset."""

    def run(self) -> list[nodes.Node]:
        if printing(self.env.app):
            return checklist(pages.read_chapters(), set(exercise_ids()))
        _note_practice(self.env, self.env.docname, None)
        checkable = set(exercise_ids())
        rows = []
        for chapter in pages.read_chapters():
            self.env.note_dependency(str(chapter.path))
            link = relative_uri(self.env.docname + ".html", chapter.docname + ".html")
            rows.append(f'<tr class="xinzhi-progress-chapter"><th colspan="4" scope="colgroup">'
                        f'<a href="{html.escape(link)}">{html.escape(chapter.title)}</a></th></tr>')
            for ex in chapter.exercises:
                auto = ex.eid in checkable
                target = f"{link}#xinzhi-{'practice' if auto else 'notes'}-{_slug(ex.eid)}"
                rows.append(
                    f'<tr data-exercise="{ex.eid}" data-chapter="{chapter.number}" data-kind="{"check" if auto else "notes"}">'
                    f'<td><a href="{html.escape(target)}">{ex.eid}</a></td><td>{_linked_title(self.env.docname, ex.title)}</td>'
                    f'<td>{"自动检查" if auto else "讨论题"}</td>'
                    f'<td class="xinzhi-state">{STATES["none"] if auto else STATES["no-notes"]}</td></tr>'
                )
        checks = sum(1 for row in rows if 'data-kind="check"' in row)
        notes = sum(1 for row in rows if 'data-kind="notes"' in row)
        # The summary as the script writes it for an empty record, so that the page does
        # not move when the script fills it in (xinzhi-practice.js, refresh()).
        summary = (f"全书自动检查的练习 {checks} 道：已作答 0 道，答对 0 道；"
                   f"讨论题 {notes} 道，写了笔记 0 道。")
        markup = (
            '<div class="xinzhi-progress" hidden>'
            f'<p class="xinzhi-progress-summary" role="status">{summary}</p>'
            '<div class="xinzhi-progress-actions">'
            '<button type="button" class="btn xinzhi-export" data-format="json">导出答案与笔记（JSON）</button>'
            '<button type="button" class="btn xinzhi-export" data-format="markdown">导出为 Markdown</button>'
            '<label class="btn xinzhi-import">导入……<input type="file" accept=".json,application/json" class="xinzhi-import-file"></label>'
            '<button type="button" class="btn xinzhi-reset">全部清除</button></div>'
            '<p class="xinzhi-progress-message" role="status" aria-live="polite"></p>'
            '<div class="pst-scrollable-table-container"><table class="table xinzhi-progress-table">'
            "<caption>全书练习的状态（记录保存在本浏览器中）</caption>"
            '<thead><tr><th scope="col">练习</th><th scope="col">题目</th><th scope="col">类型</th><th scope="col">状态</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div></div>"
            "<noscript><p>这一页要用浏览器的 JavaScript 记录进度；请打开 JavaScript。</p></noscript>"
        )
        return [_raw(markup)]


def checklist(chapters: list[pages.Chapter], checkable: set[str]) -> list[nodes.Node]:
    """The progress page on paper (PDF, EPUB): per chapter, a table of its exercises
    with an empty column to tick."""
    out: list[nodes.Node] = []
    for chapter in chapters:
        if not chapter.exercises:
            continue
        table = nodes.table(classes=["xinzhi-checklist"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (2, 10, 3, 2):
            group += nodes.colspec(colwidth=width)
        head, body = nodes.thead(), nodes.tbody()
        group += head
        group += body
        for cells, part in [(("练习", "题目", "类型", "完成"), head)] + [
            ((ex.eid, ex.title, "自动检查" if ex.eid in checkable else "讨论题", ""), body)
            for ex in chapter.exercises
        ]:
            row = nodes.row()
            for text in cells:
                entry = nodes.entry()
                entry += nodes.paragraph("", text)
                row += entry
            part += row
        out += [nodes.rubric("", chapter.title), table]
    return out


# --- which pages load the scripts --------------------------------------------------------
def _practice(env: Any) -> dict[str, list[str]]:
    """docname -> the exercise ids of its answer boxes (a page with notes or the progress
    table only: an empty list)."""
    if not hasattr(env, "xinzhi_practice"):
        env.xinzhi_practice = {}
    return env.xinzhi_practice


def _note_practice(env: Any, docname: str, eid: str | None) -> None:
    ids = _practice(env).setdefault(docname, [])
    if eid is not None and eid not in ids:
        ids.append(eid)


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname.startswith("notebooks/") and not printing(app):
        source[0] = practice_notebook(source[0])


def on_env_purge_doc(app: Sphinx, env: Any, docname: str) -> None:
    _practice(env).pop(docname, None)


def on_env_merge_info(app: Sphinx, env: Any, docnames: list[str], other: Any) -> None:
    _practice(env).update(_practice(other))


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    ids = _practice(app.env).get(pagename)
    if ids is None:
        return
    data = {
        "book": app.config.html_title,
        "version": xinzhi.__version__,
        "rules": practice.page_rules(),
        "keys": {eid: practice.page_key(eid) for eid in ids},
    }
    body = "window.XINZHI_PRACTICE = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/") + ";"
    app.add_js_file(None, body=body)
    # Scripts run after the page is drawn (xinzhi_light): this mark, set at once, lets the
    # style sheet show the forms from the first paint, so nothing moves when they start.
    app.add_js_file(None, body='document.documentElement.classList.add("xinzhi-js");', priority=1)
    if ids:
        app.add_js_file("xinzhi-check.js")
    app.add_js_file("xinzhi-practice.js")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("xinzhi-practice", PracticeDirective)
    app.add_directive("xinzhi-notes", NotesDirective)
    app.add_directive("xinzhi-chapter-progress", ChapterProgressDirective)
    app.add_directive("xinzhi-progress", ProgressDirective)
    app.connect("source-read", on_source_read, priority=600)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("html-page-context", on_html_page_context)
    return {"version": xinzhi.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
