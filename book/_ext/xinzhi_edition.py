"""What one edition shows of a chapter: the notebook text that ``source-read`` hands the
parser (solutions folded, the teacher's keys in or out) and the page sources the study
site offers for download.  Plain functions of their inputs (no Sphinx here), used by
``xinzhi_book`` and ``xinzhi_practice``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import xinzhi_pages as pages
from xinzhi.conventions import cell_source, cell_tags

SOLUTION_TAG = "solution"
#: The directive (``xinzhi_book.SolutionDirective``) that gives a Markdown solution cell
#: the classes myst-nb gives a code cell tagged ``solution``, so sphinx-togglebutton
#: (``.tag_solution``) folds both kinds alike.
SOLUTION_DIRECTIVE = "xinzhi-solution"
_COLON_FENCE = re.compile(r"^ {0,3}(:{3,})", re.M)


def fold_solution(source: str) -> str:
    """A Markdown solution cell's source inside the ``{xinzhi-solution}`` directive,
    fenced with more colons than any colon fence inside it.  A heading cannot stand
    inside it (docutils allows no section in a container): :class:`pages.BookSourceError`
    says to make it a bold line.

    >>> print(fold_solution("**参考要点**\\n- 甲"))
    :::{xinzhi-solution}
    **参考要点**
    - 甲
    :::
    """
    from markdown_it import MarkdownIt

    if any(t.type == "heading_open" for t in MarkdownIt("commonmark").parse(source)):
        raise pages.BookSourceError(
            "a Markdown cell tagged 'solution' has a heading, which cannot be folded; make "
            "the heading a bold line (" + source.strip()[:40].replace("\n", " ") + ")"
        )
    longest = max((len(m.group(1)) for m in _COLON_FENCE.finditer(source)), default=2)
    fence = ":" * max(3, longest + 1)
    return f"{fence}{{{SOLUTION_DIRECTIVE}}}\n{source.rstrip()}\n{fence}"


def source_notebook(text: str) -> dict | None:
    """The notebook that Sphinx's ``source-read`` hands over as JSON text, or None if the
    text is no notebook with a list of cells (a Markdown page, say).

    >>> source_notebook('{"cells": []}'), source_notebook("# 标题")
    ({'cells': []}, None)
    """
    try:
        # The text source-read hands over, not a file: the notebook reader has read (and
        # judged) the file already when the book collected its chapters.
        nb = json.loads(text)  # noqa: conventions
    except ValueError:
        return None
    return nb if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else None


def edition_notebook(text: str, edition: str) -> str:
    """The notebook JSON ``text`` as ``edition`` shows it: Markdown ``solution`` cells in
    a container that folds (:func:`fold_solution`); the study edition drops the
    ``instructor`` cells (myst-nb's own ``remove-cell`` tag), the instructor edition
    shows each in an admonition.  Other notebooks come back unchanged.

    >>> nb = {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["instructor"]},
    ...                  "source": "### 要点\\n- 甲"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    >>> json.loads(edition_notebook(json.dumps(nb), "study"))["cells"][0]["metadata"]["tags"]
    ['instructor', 'remove-cell']
    >>> print(json.loads(edition_notebook(json.dumps(nb), "instructor"))["cells"][0]["source"])
    ::::{admonition} 教师用：讨论题参考要点
    :class: note xinzhi-instructor
    <BLANKLINE>
    **要点**
    - 甲
    ::::
    """
    nb = source_notebook(text)
    if nb is None:
        return text
    cells = nb["cells"]
    changed = False
    for cell in cells:
        tags = cell_tags(cell)
        if SOLUTION_TAG in tags and cell.get("cell_type") == "markdown":
            cell["source"] = fold_solution(cell_source(cell))
            changed = True
        if pages.INSTRUCTOR_TAG not in tags:
            continue
        changed = True
        if edition == "instructor":
            body = pages.solution_markdown("markdown", cell_source(cell))
            cell["source"] = "\n".join(
                [f"::::{{admonition}} {pages.INSTRUCTOR_TITLE}", ":class: note xinzhi-instructor", "", *body, "::::"]
            )
        else:
            cell.setdefault("metadata", {})["tags"] = [*tags, "remove-cell"]
    return json.dumps(nb, ensure_ascii=False) if changed else text



# --- what the study site offers for download -------------------------------------------

#: The opening fence of an instructor-only block in MyST: ``::::{only} instructor``.
_ONLY_INSTRUCTOR = re.compile(r"^(`{3,}|:{3,})\{only\}\s+instructor\s*$")


def drop_instructor_blocks(text: str) -> str:
    r"""MyST ``text`` without its ``{only} instructor`` blocks (closed as MyST closes a
    fence: the same character, at least as many times, alone on a line).

    >>> print(drop_instructor_blocks("甲\n::::{only} instructor\n:::{note}\n键\n:::\n::::\n乙\n"))
    甲
    乙
    <BLANKLINE>
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        if fence is None:
            m = _ONLY_INSTRUCTOR.match(line.strip())
            if m:
                fence = m.group(1)
            else:
                out.append(line)
        elif re.fullmatch(re.escape(fence[0]) + "{%d,}" % len(fence), line.strip()):
            fence = None
    if fence is not None:
        raise pages.BookSourceError(f"a {fence}{{only}} instructor block is never closed; close it with {fence}")
    return "".join(out)


def study_notebook(text: str) -> str:
    """A chapter notebook (JSON ``text``) as the study site offers it for download: without
    its ``instructor`` cells, written as nbformat writes it.  Unchanged if it has none."""
    nb = json.loads(text)  # noqa: conventions (a _sources copy's text, rewritten in place)
    cells = nb.get("cells", [])
    kept = [c for c in cells if pages.INSTRUCTOR_TAG not in cell_tags(c)]
    if len(kept) == len(cells):
        return text
    nb["cells"] = kept
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def study_sources(outdir: Path) -> list[Path]:
    """Rewrite the page sources a built study site offers for download (``_sources``,
    which Sphinx copies from disk, not from what ``source-read`` handed the parser): the
    notebooks lose their ``instructor`` cells, the Markdown pages their ``{only}
    instructor`` blocks (the syllabus's teacher's notes and rubrics).  Returns the files
    rewritten."""
    changed = []
    for path in sorted((outdir / "_sources").rglob("*")):
        if not path.is_file():
            continue
        if ".ipynb" in path.suffixes:
            rewrite = study_notebook
        elif ".md" in path.suffixes:
            rewrite = drop_instructor_blocks
        else:
            continue
        old = path.read_text(encoding="utf-8")
        new = rewrite(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
