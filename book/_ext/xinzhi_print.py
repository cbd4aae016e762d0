"""The book as files (loaded by ``xinzhi_book``): the typeset PDF (Jupyter Book 1's LaTeX
builder, XeLaTeX and ctex) and, with ``xinzhi_epub``, the EPUB 3 e-book, built from the
same sources as the site.

* ``config-inited`` (priority 900, after sphinx-jupyterbook-latex): the LaTeX settings.
  The fonts are files from the Python packages the book needs anyway, named by path, so
  the PDF looks the same on every machine whatever fonts it has: Noto Serif SC and Noto
  Sans SC (OFL, bundled by ``pylopdf-fonts-zh-cn``, :func:`xinzhi.fonts.bundled_font_files`)
  for Chinese, Latin Modern (TeX's own) for Latin text, DejaVu Sans Mono (bundled by
  matplotlib) for code.  These Noto fonts have one weight, so bold is drawn by XeLaTeX
  (``AutoFakeBold``).
  sphinx-jupyterbook-latex keeps its structure (the toc's captions become parts, the home
  page the front matter); its own document class is replaced by Sphinx's ``manual``,
  because it needs LaTeX packages (``bbm``, ``pgfplots``) that only a full TeX Live has.
* ``doctree-read`` (PDF and EPUB only): a page cannot fold, so each chapter's solutions
  move to a section 参考解答 at its end, and where each stood a line points to it; in the
  PDF a DataFrame is a typeset table and every element a link may point to is a label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

import xinzhi
import xinzhi_epub

#: Sphinx builders that write files to be read without the site's scripts.
PRINT_BUILDERS = ("latex", "epub")
SOLUTIONS_TITLE = "参考解答"
#: What stands where a solution was (it links to the solution at the chapter's end).
SOLUTION_POINTER = "参考解答见本章末“参考解答”一节："
TEX_NAME = "xinzhi.tex"


def printing(app: Sphinx) -> bool:
    """True when the book is written as a PDF or an EPUB (no scripts, no folding)."""
    return getattr(app, "builder", None) is not None and app.builder.name in PRINT_BUILDERS


# --- fonts and LaTeX settings --------------------------------------------------------


def font_files() -> dict[str, Path]:
    """The font files the PDF uses: ``serif`` and ``sans`` (Chinese), ``mono`` (code) and
    ``symbols`` (the few signs Latin Modern lacks, :data:`SYMBOLS`)."""
    import matplotlib

    from xinzhi.fonts import bundled_font_files

    found = bundled_font_files()
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for kind, name in (("mono", "DejaVuSansMono.ttf"), ("symbols", "DejaVuSans.ttf")):
        if (folder / name).is_file():
            found[kind] = folder / name
    missing = [kind for kind in ("serif", "sans", "mono", "symbols") if kind not in found]
    if missing:
        raise ExtensionError(
            f"the PDF needs the fonts of pylopdf-fonts-zh-cn and matplotlib, missing: "
            f"{', '.join(missing)}; run `make install` (pip install -e '.[dev]')"
        )
    return found


def _fontspec(command: str, path: Path, options: str = "") -> str:
    return rf"\{command}{{{path.name}}}[Path={path.parent.as_posix()}/{',' + options if options else ''}]"


def _faces(regular: Path, italic: str) -> str:
    """fontspec's options naming a DejaVu family's bold and italic files."""
    stem, suffix = regular.stem, regular.suffix
    return (f"BoldFont={stem}-Bold{suffix},ItalicFont={stem}-{italic}{suffix},"
            f"BoldItalicFont={stem}-Bold{italic}{suffix}")


#: Signs that Latin Modern and the Noto fonts lack, drawn from DejaVu Sans: ``check()``
#: prints the colour emoji ✅ and ❌, which no TeX font has, so the PDF shows DejaVu's
#: ballot boxes ☑ and ☒ (the corpus has neither); the others are themselves.
SYMBOLS = {"✅": "☑", "❌": "☒", "☑": "☑", "☒": "☒", "≈": "≈"}
#: DejaVu Sans Mono's advance width (1233/2048 em) and the size it is set in.
MONO_ADVANCE = 1233 / 2048
MONO_SCALE = 0.9


def font_preamble(files: dict[str, Path]) -> str:
    """ctex without its own fonts, then each Chinese family and the code font by file.
    Latin text keeps fontspec's Latin Modern (in every TeX installation, with real bold
    and italics): in the Noto CJK fonts the hyphen's glyph also serves U+2011, and a PDF
    reader copies it as that character."""
    bold = "AutoFakeBold=2.5,AutoFakeSlant=0.15"
    mono = files["mono"]
    faces = _faces(mono, "Oblique")
    return "\n".join([
        r"\usepackage[UTF8,fontset=none,heading=true,linespread=1.25]{ctex}",
        # The PDF's text is the source's text: a CJK font draws several characters with
        # one glyph (… and ⋯, - and U+2011), and copying or searching would otherwise
        # give whichever the font lists first.
        r"\XeTeXgenerateactualtext=1",
        _fontspec("setCJKmainfont", files["serif"], bold),
        _fontspec("setCJKsansfont", files["sans"], bold),
        # In code one Chinese character is as wide as two Latin ones; a hair narrower, so
        # that xeCJK pads it rather than warn that it cannot (its rounding).
        _fontspec("setCJKmonofont", files["sans"], f"{bold},Scale={2 * MONO_ADVANCE * MONO_SCALE * 0.999:.6f}"),
        _fontspec("setmonofont", mono, f"{faces},Scale={MONO_SCALE}"),
        r"\usepackage{newunicodechar}",
        _fontspec("newfontfamily\\xinzhisymbols", files["symbols"], _faces(files["symbols"], "Oblique")),
        *[rf'\newunicodechar{{{char}}}{{{{\xinzhisymbols\symbol{{"{ord(shown):04X}}}}}}}'
          for char, shown in SYMBOLS.items()],
    ])


#: After Sphinx's own packages: the code cells' frames (the environments
#: sphinx-jupyterbook-latex's nodes write, defined by its class), page headings and links.
PREAMBLE = r"""
\newenvironment{sphinxVerbatimInput}{}{}
\newenvironment{sphinxVerbatimOutput}{}{}
\ctexset{chapter/name={第,章}, appendix/name={附录}}
\hypersetup{pdfencoding=auto, bookmarksnumbered=true}
\setlength{\emergencystretch}{3em}
\raggedbottom
"""


def configure_latex(config: Any) -> None:
    """Sphinx's LaTeX settings for this book (``config-inited``)."""
    files = font_files()
    title, author = config.html_title, config.author
    config.latex_engine = "xelatex"
    config.latex_theme = "manual"
    config.latex_documents = [(config.root_doc, TEX_NAME, title, author, "manual")]
    config.latex_use_xindy = False
    config.latex_domain_indices = False
    config.latex_show_urls = "no"
    config.latex_elements = {
        "papersize": "a4paper",
        "pointsize": "11pt",
        "babel": "",
        "polyglossia": "",
        "fontenc": font_preamble(files),
        "fontpkg": "",
        "cmappkg": "",
        "fncychap": "",
        "fvset": r"\fvset{fontsize=\small,formatcom=\xeCJKVerbAddon}",
        "geometry": r"\usepackage[a4paper,hmargin=2.5cm,vmargin=2.5cm,headheight=15pt]{geometry}",
        # The chapters number their own sections (## 3　...): LaTeX numbers only the parts.
        "secnumdepth": r"\setcounter{secnumdepth}{-1}",
        "sphinxsetup": "verbatimforcewraps=true, verbatimmaxoverfull=0, verbatimmaxunderfull=1",
        "preamble": PREAMBLE,
        "makeindex": "",
        "printindex": "",
        "extraclassoptions": "openany,oneside",
        "releasename": "版本",
    }
    config.version = config.release = xinzhi.__version__


def on_config_inited(app: Sphinx, config: Any) -> None:
    configure_latex(config)
    xinzhi_epub.configure_epub(config)


# --- solutions at the end of each chapter --------------------------------------------


def _is_solution(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and "tag_solution" in node.get("classes", [])


def _exercise_title(node: nodes.Node) -> nodes.title | None:
    section = node.parent
    while section is not None and not isinstance(section, nodes.section):
        section = section.parent
    return section[0] if section is not None and isinstance(section[0], nodes.title) else None


def move_solutions(doctree: nodes.document, docname: str) -> int:
    """Move every solution of this chapter to a section 参考解答 at its end, grouped by
    exercise (its heading's text, linked back); return how many moved."""
    found = [n for n in doctree.findall(_is_solution) if not any(_is_solution(a) for a in _ancestors(n))]
    if not found:
        return 0
    chapter = next(iter(doctree.findall(nodes.section)), None)
    if chapter is None:
        return 0
    end = nodes.section(ids=["xinzhi-solutions"], names=[SOLUTIONS_TITLE])
    end += nodes.title("", SOLUTIONS_TITLE)
    groups: dict[int, tuple[nodes.title | None, list[nodes.Node]]] = {}
    for node in found:
        title = _exercise_title(node)
        groups.setdefault(id(title), (title, []))[1].append(node)
    for i, (title, members) in enumerate(groups.values(), start=1):
        target = f"xinzhi-solution-{i}"
        label = title.astext() if title is not None else SOLUTIONS_TITLE
        heading = nodes.paragraph(classes=["xinzhi-solution-head"])
        heading += nodes.target("", "", ids=[target])
        section_ids = title.parent.get("ids", []) if title is not None else []
        strong = nodes.strong("", label)
        heading += nodes.reference("", "", strong, refid=section_ids[0]) if section_ids else strong
        end += heading
        pointer = nodes.paragraph(classes=["xinzhi-solution-pointer"])
        pointer += nodes.Text(SOLUTION_POINTER)
        pointer += nodes.reference("", label, refid=target)
        members[0].replace_self(pointer)
        for node in members[1:]:
            node.parent.remove(node)
        for node in members:
            end += node
    chapter += end
    return len(found)


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _table_rows(section) -> list[list[tuple[str, bool]]]:
    """The rows of a ``<thead>`` or ``<tbody>`` as (text, is_header) cells, spans spread."""
    rows = []
    for tr in section.find_all("tr") if section is not None else []:
        row = []
        for cell in tr.find_all(["th", "td"]):
            span = int(cell.get("colspan", 1) or 1)
            row += [(cell.get_text(" ", strip=True), cell.name == "th")] + [("", True)] * (span - 1)
        rows.append(row)
    return rows


def dataframe_table(markup: str) -> list[nodes.Node] | None:
    """A pandas DataFrame's HTML as a docutils table (small type), for the PDF; None if
    ``markup`` holds no DataFrame.  The note pandas adds under a shortened table
    (``60 rows × 3 columns``) follows it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    found = soup.find("table", class_="dataframe")
    if found is None:
        return None
    head, body = _table_rows(found.find("thead")), _table_rows(found.find("tbody"))
    width = max((len(r) for r in head + body), default=0)
    if not body or not width:  # an empty DataFrame: its plain text says so
        return None
    table = nodes.table(classes=["xinzhi-dataframe"])
    spec: list[nodes.Node] = []
    if all(len(text) <= 16 for row in head + body for text, _ in row):
        # Short cells only: columns as wide as their content (tabulary, which balances
        # wrapping columns, has none to balance and warns).
        table["classes"].append("longtable")
        spec.append(addnodes.tabular_col_spec(spec="{" + "l" * width + "}"))
    group = nodes.tgroup(cols=width)
    table += group
    for _ in range(width):
        group += nodes.colspec(colwidth=1)
    for rows, part in ((head, nodes.thead()), (body, nodes.tbody())):
        if not rows:
            continue
        group += part
        for cells in rows:
            row = nodes.row()
            for text, header in cells + [("", False)] * (width - len(cells)):
                entry = nodes.entry()
                entry += nodes.paragraph("", "", nodes.strong("", text) if header and text else nodes.Text(text))
                row += entry
            part += row
    out: list[nodes.Node] = [nodes.raw("", r"\begingroup\footnotesize", format="latex"), *spec, table,
                             nodes.raw("", r"\endgroup", format="latex")]
    shape = found.find_next_sibling("p")
    if shape is not None and "×" in shape.get_text():
        out.append(nodes.paragraph("", shape.get_text(strip=True), classes=["xinzhi-dataframe-shape"]))
    return out


def tables_from_dataframes(doctree: nodes.document) -> int:
    """Give every notebook output that shows a DataFrame a typeset table: a ``text/latex``
    entry in its mime bundle, which myst-nb prefers to the plain text for LaTeX (the
    plain text breaks its columns across lines on a page).  Returns how many."""
    added = 0
    for bundle in list(doctree.findall(nodes.container)):
        if bundle.get("nb_element") != "mime_bundle":
            continue
        kinds = {child.get("mime_type"): child for child in bundle.children if isinstance(child, nodes.Element)}
        if "text/html" not in kinds or "text/latex" in kinds:
            continue
        table = dataframe_table(kinds["text/html"].astext())
        if table:
            bundle += nodes.container("", *table, mime_type="text/latex")
            added += 1
    return added


def label_targets(doctree: nodes.document) -> None:
    """LaTeX labels only sections and targets: give every other element with ids (a
    reader paragraph ``p3-5``, say) a target, so a pid citation links to it in the PDF."""
    for node in list(doctree.findall(nodes.Element)):
        if node.get("ids") and isinstance(node, (nodes.container, nodes.paragraph)):
            node.insert(0, nodes.target("", "", ids=list(node["ids"])))
            node["ids"] = []


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    if not printing(app):
        return
    if app.env.docname.startswith("notebooks/"):
        move_solutions(doctree, app.env.docname)
    if app.builder.name == "latex":
        tables_from_dataframes(doctree)
        label_targets(doctree)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("xinzhi_epub")
    app.connect("config-inited", on_config_inited, priority=900)
    app.connect("doctree-read", on_doctree_read, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
