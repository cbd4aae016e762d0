"""The Jupyter Book: it builds with every warning an error, and what it shows is right.

One build of the study edition per test session (``built_site``, shared with
``tests/test_browser.py``) and one of the instructor edition, both fresh, into a
temporary folder; every check reads the built HTML.  The student handouts are made here
too, with the session's wheel (``tests/_envs.py``), and run in a brand-new environment.
"""

from __future__ import annotations

import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

import xinzhi
from xinzhi.conventions import read_notebook

from _book import BOOK, ROOT, TEST_HUB, TEST_REPOSITORY, glossary_rows, page, soup, toc_docnames  # noqa: F401

import _envs as envs
import editions
import xinzhi_edition
import xinzhi_pages as pages





def article(doc: BeautifulSoup):
    return doc.find("article") or doc


# --- the build ------------------------------------------------------------------------


def test_every_page_of_the_table_of_contents_is_built(site):
    missing = [d for d in toc_docnames() if not page(site, d).is_file()]
    assert not missing, f"pages in book/_toc.yml that were not built: {missing}"
    assert (site / "index.html").is_file()


def test_every_chapter_notebook_is_in_the_table_of_contents(chapters):
    listed = set(toc_docnames())
    assert [c.docname for c in chapters if c.docname not in listed] == []


def test_the_site_is_chinese(site):
    for docname in ("book/intro", "notebooks/" + editions.chapter_notebooks()[0].stem):
        html = page(site, docname).read_text(encoding="utf-8")
        assert re.search(r'<html[^>]*\blang="zh-CN"', html), f"{docname}: html lang is not zh-CN"
    chapter = page(site, "notebooks/" + editions.chapter_notebooks()[0].stem).read_text(encoding="utf-8")
    for chinese in ('title="链接到此标题"', 'aria-label="下载此页面"', 'title="显示或隐藏全书目录"', "上一页"):
        assert chinese in chapter, f"interface string missing in Chinese: {chinese}"
    for english in ("Link to this heading", "Toggle primary sidebar", "Download this page"):
        assert english not in chapter, f"interface string left in English: {english}"
    search = soup(site / "search.html")
    placeholder = search.find("input", attrs={"name": "q"})
    assert placeholder is not None and "搜索" in (placeholder.get("placeholder") or "")
    assert "搜索" in search.title.get_text()


def test_every_internal_link_and_anchor_resolves(site):
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            doc = soup(path)
            ids[path] = {el["id"] for el in doc.find_all(id=True)} | {
                a["name"] for a in doc.find_all("a", attrs={"name": True})
            }
        return ids[path]

    broken = []
    for html in site.rglob("*.html"):
        if "_static" in html.parts or "_sources" in html.parts:
            continue
        for a in soup(html).find_all("a", href=True):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:", "//")):
                continue
            target = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            if not target.exists():
                broken.append(f"{html.relative_to(site)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors(target):
                broken.append(f"{html.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:30])


# --- the reader ------------------------------------------------------------------------


def test_the_reader_shows_every_paragraph_with_its_pid_and_anchor(site, corpus):
    for essay in corpus.essays:
        doc = soup(page(site, pages.reader_docname(essay.number)))
        for p in essay.paragraphs:
            box = doc.find(id=p.anchor)
            assert box is not None, f"no anchor {p.anchor} in the reader"
            text = box.find("p").get_text()
            assert text == f"〔{p.pid}〕{p.text}", f"reader paragraph {p.pid} differs from the corpus"
        assert essay.title in doc.find("h1").get_text()


def test_every_citation_in_a_chapter_links_to_its_reader_paragraph(site, chapters):
    for chapter in chapters:
        doc = soup(page(site, chapter.docname))
        links = {}
        for a in article(doc).find_all("a", href=True):
            m = re.fullmatch(r"〔(\d+\.\d+)〕", a.get_text())
            if m:
                links.setdefault(m.group(1), set()).add(unquote(a["href"]).split("/")[-1])
        for pid in chapter.cited:
            essay, n = pid.split(".")
            assert f"essay{essay}.html#p{essay}-{n}" in links.get(pid, set()), (
                f"{chapter.path.name}: 〔{pid}〕 is not a link to the reader"
            )


def test_reader_paragraphs_link_back_to_the_chapters_that_cite_them(site, chapters, corpus):
    citing: dict[str, set[str]] = {}
    for chapter in chapters:
        for pid in chapter.cited:
            citing.setdefault(pid, set()).add(chapter.path.stem + ".html")
    assert citing, "no chapter cites any paragraph"
    for essay in corpus.essays:
        doc = soup(page(site, pages.reader_docname(essay.number)))
        for p in essay.paragraphs:
            back = doc.find(id=p.anchor).find(class_="xinzhi-backlinks")
            found = {unquote(a["href"]).split("/")[-1].split("#")[0] for a in back.find_all("a")} if back else set()
            assert found == citing.get(p.pid, set()), f"backlinks of 〔{p.pid}〕"


# --- the glossary ----------------------------------------------------------------------



def test_the_glossary_lists_every_term_with_pinyin_english_and_where_it_occurs(site, corpus):
    doc = soup(page(site, "book/glossary"))
    rows = glossary_rows()
    for permalink in doc.select("dt a.headerlink"):
        permalink.decompose()
    terms = {dt.get_text().strip(): dt for dt in doc.find_all("dt")}
    assert set(terms) == {r["term"].strip() for r in rows}
    for row in rows:
        dd = terms[row["term"].strip()].find_next_sibling("dd")
        text = dd.get_text()
        assert row["pinyin"].strip() in text and row["english"].strip() in text
        shown = [a.get_text().strip("〔〕") for a in dd.select(".xinzhi-term-pids a") if a.get_text().startswith("〔")]
        assert shown == [p.pid for p in corpus if row["term"].strip() in p.text], row["term"]


def test_the_terms_of_each_chapter_link_to_the_glossary(site, chapters):
    checked = 0
    for chapter in chapters:
        doc = soup(page(site, chapter.docname))
        for table in article(doc).find_all("table"):
            head = table.find("th")
            if head is None or head.get_text().strip() != "术语":
                continue
            for row in table.find("tbody").find_all("tr"):
                cell = row.find("td")
                link = cell.find("a")
                assert link is not None and "glossary.html#term-" in link["href"], (
                    f"{chapter.path.name}: term {cell.get_text().strip()!r} does not link to the glossary"
                )
                checked += 1
    assert checked, "no chapter has a 术语 table"


# --- search ----------------------------------------------------------------------------


def search_index(site: Path) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


@pytest.mark.parametrize("term", ["新质生产力", "全要素生产率", "卡脖子", "新型举国体制"])
def test_the_search_index_holds_domain_terms_whole(site, term):
    index = search_index(site)
    names = set()
    # Sphinx files a word under titleterms for a page whose title has it, else under terms.
    for kind in ("terms", "titleterms"):
        docs = index[kind].get(term, [])
        names |= {index["docnames"][i] for i in ([docs] if isinstance(docs, int) else docs)}
    assert names, f"{term} is not one search term (is jieba using the user dictionary?)"
    corpus = xinzhi.load_corpus()
    expected = {pages.reader_docname(p.essay) for p in corpus if term in p.text}
    assert expected <= names, f"reader pages missing from the index of {term}"


# --- editions --------------------------------------------------------------------------


def solution_cells(site: Path, docname: str):
    return article(soup(page(site, docname))).select(".tag_solution")


def test_solutions_fold_in_the_study_edition(site, chapters):
    total = 0
    for chapter in chapters:
        nb = read_notebook(chapter.path)
        expected = sum(1 for c in nb.cells if "solution" in c.metadata.get("tags", []))
        assert len(solution_cells(site, chapter.docname)) == expected, chapter.path.name
        total += expected
        html = page(site, chapter.docname).read_text(encoding="utf-8")
        selector = re.search(r"var togglebuttonSelector = '([^']*)'", html).group(1)
        assert ".tag_solution" in selector.split(", ")
    assert total, "no solution cells in any chapter"


def test_the_instructor_edition_shows_solutions_and_the_teachers_notes(site, instructor_site, chapters):
    chapter = chapters[0].docname
    html = page(instructor_site, chapter).read_text(encoding="utf-8")
    selector = re.search(r"var togglebuttonSelector = '([^']*)'", html).group(1)
    assert ".tag_solution" not in selector
    assert "教师版" in soup(page(instructor_site, chapter)).title.get_text()
    assert "教师备课笔记" in page(instructor_site, "book/_generated/syllabus").read_text(encoding="utf-8")
    assert "教师备课笔记" not in page(site, "book/_generated/syllabus").read_text(encoding="utf-8")


def _instructor_snippets(path: Path) -> list[str]:
    """Runs of Chinese from a chapter's instructor cells that stand in no other cell."""
    nb = read_notebook(path)
    others = "\n".join(c.source for c in nb.cells if "instructor" not in c.metadata.get("tags", []))
    runs = []
    for cell in nb.cells:
        if "instructor" in cell.metadata.get("tags", []):
            runs += [r for r in re.findall(r"[\u4e00-\u9fff，]{14,}", cell.source) if r not in others]
    return runs


def test_the_keys_to_the_discussion_questions_are_in_the_instructor_edition_only(site, instructor_site, chapters):
    for ch in chapters:
        snippets = _instructor_snippets(ch.path)
        assert ch.has_key and snippets, f"{ch.path.name}: no teacher's key after the 讨论题"
        study = article(soup(page(site, ch.docname))).get_text()
        teacher = article(soup(page(instructor_site, ch.docname))).get_text()
        assert not [s for s in snippets if s in study], f"{ch.path.name}: the key shows in the study edition"
        assert all(s in teacher for s in snippets), f"{ch.path.name}: the key is missing from the instructor edition"
        assert "教师用：讨论题参考要点" in teacher and "教师用：讨论题参考要点" not in study


def _downloaded(site: Path, chapter) -> nbformat.NotebookNode:
    return read_notebook(site / "_sources" / "notebooks" / chapter.path.name)


def test_the_study_sites_notebook_downloads_hold_no_key(site, instructor_site, chapters):
    for ch in chapters:
        original = read_notebook(ch.path)
        study, teacher = _downloaded(site, ch), _downloaded(instructor_site, ch)
        assert [c.id for c in study.cells] == [
            c.id for c in original.cells if "instructor" not in c.metadata.get("tags", [])
        ], ch.path.name
        assert not [s for s in _instructor_snippets(ch.path) if s in json.dumps(study, ensure_ascii=False)]
        assert [c.id for c in teacher.cells] == [c.id for c in original.cells], ch.path.name


def test_the_study_sites_page_sources_hold_no_teachers_notes(site, instructor_site):
    study = (site / "_sources" / "book" / "_generated" / "syllabus.md").read_text(encoding="utf-8")
    teacher = (instructor_site / "_sources" / "book" / "_generated" / "syllabus.md").read_text(encoding="utf-8")
    for marker in ("{only} instructor", "教师备课笔记", "写作任务评分标准"):
        assert marker not in study and marker in teacher
    assert study.count("**导读问题**") == teacher.count("**导读问题**") == 8
    assert "{only} instructor" not in (site / "_sources" / "book" / "teachers.md").read_text(encoding="utf-8")


def test_instructor_blocks_are_dropped_as_myst_closes_them():
    text = "甲\n```{only} instructor\n键\n```\n乙\n:::::{only} instructor\n::::{note}\n::::\n:::::\n丙\n"
    assert xinzhi_edition.drop_instructor_blocks(text) == "甲\n乙\n丙\n"
    with pytest.raises(pages.BookSourceError, match="never closed"):
        xinzhi_edition.drop_instructor_blocks("::::{only} instructor\n:::\n")


def _discussion_items(path: Path) -> int:
    """Numbered or bulleted items under the chapter's ## 讨论题, counted independently."""
    count, inside = 0, False
    for cell in read_notebook(path).cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "markdown" or "instructor" in tags or "solution" in tags:
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                inside = line.lstrip("#").strip().startswith("讨论题")
            elif inside and re.match(r"^\s{0,3}(?:[-*+]|\d+[.)、])\s+", line):
                count += 1
    return count


def _syllabus_list(section, label: str) -> list[str]:
    """The items of the list that follows the bold lead-in ``label`` in a session's section."""
    lead = next(p for p in section.find_all("p", recursive=False)
                if p.get_text().startswith(label) and p.get_text().strip().endswith("："))
    return [li.get_text(" ", strip=True) for li in lead.find_next_sibling(["ol", "ul"]).find_all("li", recursive=False)]


@pytest.mark.parametrize("edition", ["study", "instructor"])
def test_the_syllabus_lists_each_chapters_questions_and_pre_reading_questions(edition, site, instructor_site, chapters):
    built = site if edition == "study" else instructor_site
    doc = article(soup(page(built, "book/_generated/syllabus")))
    sections = {s.chapter: sec for s, sec in zip(pages.read_sessions(), doc.find_all("section")[0].find_all("section", recursive=False))}
    assert len(sections) == 8
    for ch in chapters:
        assert len(ch.questions) == _discussion_items(ch.path) > 0, ch.path.name
        if ch.number == 0:
            continue
        section = sections[ch.number]
        assert ch.title in section.find("p").get_text()
        assert len(_syllabus_list(section, "讨论题")) == _discussion_items(ch.path), ch.path.name
        shown = _syllabus_list(section, "导读问题")
        assert len(shown) == len(ch.prereading) >= 3, f"{ch.path.name}: fewer than three 导读问题"
        for question, item in zip(ch.prereading, shown):
            plain = re.sub(r"[*`]", "", question)[:20]
            assert item.replace(" ", "").startswith(plain.replace(" ", "")), f"{ch.path.name}: {plain}"
        exercises = _syllabus_list(section, "练习")
        assert [e.split()[1] for e in exercises] == [e.eid for e in ch.exercises], ch.path.name


def test_every_writing_task_has_a_rubric_for_teachers_only(site, instructor_site):
    sessions = pages.read_sessions()
    for s in sessions:
        assert 3 <= len(s.rubric) <= 5, f"session {s.number}"
        assert len({c["criterion"] for c in s.rubric}) == len(s.rubric)
        for criterion in s.rubric:
            assert list(criterion["levels"]) == list(pages.RUBRIC_LEVELS)
            assert len(set(criterion["levels"].values())) == len(pages.RUBRIC_LEVELS), criterion["criterion"]
    doc = article(soup(page(instructor_site, "book/_generated/syllabus")))
    tables = [t for t in doc.find_all("table") if t.find("th") and t.find("th").get_text(strip=True) == "评分项"]
    assert len(tables) == len(sessions)
    for s, table in zip(sessions, tables):
        header = [th.get_text(strip=True) for th in table.find_all("th")]
        assert header == ["评分项", *pages.RUBRIC_LEVELS]
        rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
        assert [r[0] for r in rows] == [c["criterion"] for c in s.rubric], f"session {s.number}"
        assert all(len(r) == 1 + len(pages.RUBRIC_LEVELS) and all(r) for r in rows)
    teacher = page(instructor_site, "book/_generated/syllabus").read_text(encoding="utf-8")
    study = page(site, "book/_generated/syllabus").read_text(encoding="utf-8")
    assert teacher.count("写作任务评分标准") == len(sessions) == 8
    assert "写作任务评分标准" not in study
    assert all(c["levels"]["待改进"] in teacher for s in sessions for c in s.rubric)


def test_a_rubric_without_every_level_is_refused(tmp_path):
    data = json.loads((BOOK / "teaching" / "sessions.json").read_text(encoding="utf-8"))
    del data["sessions"][2]["rubric"][1]["levels"]["合格"]
    bad = tmp_path / "sessions.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(pages.BookSourceError, match="session 3"):
        pages.read_sessions(bad)


def test_discussion_questions_without_a_key_stop_the_build(tmp_path):
    source = sorted((ROOT / "notebooks").glob("03_*.ipynb"))[0]
    nb = read_notebook(source)
    nb.cells = [c for c in nb.cells if "instructor" not in c.metadata.get("tags", [])]
    nbformat.write(nb, tmp_path / source.name)
    with pytest.raises(pages.BookSourceError, match="without the teacher's key"):
        pages.read_chapters(tmp_path)


def _chapter_03_with(tmp_path: Path, change) -> Path:
    source = sorted((ROOT / "notebooks").glob("03_*.ipynb"))[0]
    nb = read_notebook(source)
    change(nb, next(i for i, c in enumerate(nb.cells) if "instructor" in c.metadata.get("tags", [])))
    nbformat.write(nb, tmp_path / source.name)
    return tmp_path / source.name


def test_a_teachers_key_out_of_place_or_incomplete_stops_the_build(tmp_path):
    def move(nb, i):
        nb.cells.insert(3, nb.cells.pop(i))

    def unlabel(nb, i):
        nb.cells[i].source = nb.cells[i].source.replace(pages.KEY_LEAD, "**参考要点**")

    def drop_last(nb, i):
        nb.cells[i].source = nb.cells[i].source.split("**6.")[0]

    for change, message in [(move, "right after the 讨论题"), (unlabel, "must begin with"),
                            (drop_last, "no entry for 讨论题 6")]:
        with pytest.raises(pages.BookSourceError, match=message):
            pages.read_chapter(_chapter_03_with(tmp_path, change))


def test_launch_buttons_and_the_notebook_download(site, chapters):
    chapter = chapters[-1]
    doc = soup(page(site, chapter.docname))
    hrefs = [unquote(a["href"]) for a in doc.find_all("a", href=True)]
    rel = f"notebooks/{chapter.path.name}"
    assert f"https://mybinder.org/v2/gh/example-org/xinzhi-book/main?urlpath=lab/tree/{rel}" in hrefs
    assert f"https://colab.research.google.com/github/example-org/xinzhi-book/blob/main/{rel}" in hrefs
    assert any(h.startswith(TEST_HUB + "/hub/user-redirect/git-pull?") and rel in h for h in hrefs)
    download = [h for h in hrefs if h.endswith(f"_sources/{rel}")]
    assert download, "no .ipynb download link"
    assert (page(site, chapter.docname).parent / download[0]).resolve().is_file()


# --- offline, size, accessibility ----------------------------------------------------------------


def test_pages_load_nothing_from_other_sites(site):
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""")
    for html in site.rglob("*.html"):
        doc = soup(html)
        for tag in doc.find_all(["script", "link", "img", "iframe", "source", "video", "audio"]):
            url = tag.get("src") or (tag.get("href") if tag.name == "link" else None)
            assert not url or not re.match(r"^(?:https?:)?//", url), f"{html.relative_to(site)} loads {url}"
    for css in site.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?(?:https?:)?//", css.read_text(errors="replace")), css
    chapter_html = next((site / "notebooks").glob("*.html")).read_text(encoding="utf-8")
    assert not external.search(chapter_html.split("<body")[0]), "the page head loads from another site"


def test_site_and_page_sizes(site):
    sizes = {p: p.stat().st_size for p in site.rglob("*") if p.is_file()}
    total = sum(sizes.values())
    assert total <= 30 * 2**20, f"the site is {total / 2**20:.1f} MB (goal ≤ 30 MB)"
    big = {str(p.relative_to(site)): s for p, s in sizes.items() if p.suffix == ".html" and s > 2 * 2**20}
    assert not big, f"pages over 2 MB: {big}"


def test_images_have_alt_text_and_headings_are_in_order(site):
    for docname in toc_docnames():
        doc = article(soup(page(site, docname)))
        for img in doc.find_all("img"):
            alt, src = (img.get("alt") or "").strip(), img.get("src") or ""
            # docutils falls back to the file's path: that is no description.
            assert alt and alt != src and not re.search(r"\.(png|jpe?g|svg|gif)$", alt), (
                f"{docname}: an image without alt text ({src})"
            )
        levels = [int(h.name[1]) for h in doc.find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1, f"{docname}: the page does not open with one h1"
        assert levels.count(1) == 1, f"{docname}: more than one h1"
        for a, b in zip(levels, levels[1:]):
            assert b <= a + 1, f"{docname}: heading h{a} is followed by h{b}"


# --- the generated pages' sources -----------------------------------------------------------


def test_pid_ranges_group_consecutive_paragraphs():
    assert xinzhi.pid_ranges(["4.2", "3.7", "4.1", "3.6", "4.4"]) == [("3.6", "3.7"), ("4.1", "4.2"), ("4.4", "4.4")]
    assert xinzhi.format_pid_ranges(["1.1", "1.2", "1.4"]) == "〔1.1〕–〔1.2〕、〔1.4〕"


def test_the_search_dictionary_drops_comments_and_keeps_order():
    text = pages.search_userdict(["# header", "", "新质生产力 nz", "科技创新 50000 nz  # wins", "  "])
    assert text == "新质生产力 nz\n科技创新 50000 nz\n"


def test_reading_lists_expand_from_the_corpus(corpus):
    assert pages.expand_reading(corpus, ["7"]) == [p.pid for p in corpus.essay(7).paragraphs]
    assert pages.expand_reading(corpus, ["5.9-5.10", "5.10", "2.1"]) == ["5.9", "5.10", "2.1"]
    for bad in (["9"], ["3.8"], ["5.3-4.1"], ["5.4-5.2"]):
        with pytest.raises(pages.BookSourceError, match="reading"):
            pages.expand_reading(corpus, bad)


def test_a_chapter_is_read_for_the_syllabus(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[
        new_markdown_cell("# 第9章 试验\n\n**学习目标**\n\n- 目标一〔3.5〕\n- 目标二\n\n**预计用时**：约 20 分钟。"),
        new_markdown_cell("### 练习 9.1\u3000数段落", metadata={"tags": ["exercise"]}),
        new_code_cell("answer = 81", metadata={"tags": ["solution"]}),
        new_markdown_cell("要点〔8.1〕", metadata={"tags": ["solution"]}),
        new_markdown_cell("## 讨论题\n\n1. 问题一〔4.1〕\n2. 问题二\n   续行\n\n## 小结\n\n- 不是问题"),
    ])
    path = tmp_path / "09_试验.ipynb"
    nbformat.write(nb, path)
    ch = pages.read_chapter(path)
    assert (ch.number, ch.title) == (9, "第9章 试验")
    assert ch.objectives == ["目标一〔3.5〕", "目标二"]
    assert ch.questions == ["问题一〔4.1〕", "问题二续行"]
    assert [(e.eid, e.title, len(e.solutions)) for e in ch.exercises] == [("9.1", "数段落", 2)]
    assert ch.cited == ["3.5", "8.1", "4.1"]
    assert ch.minutes == "约 20 分钟"


def test_the_syllabus_has_eight_sessions_with_readings_computed_from_the_corpus(site, chapters, corpus):
    sessions = pages.read_sessions()
    assert [s.number for s in sessions] == list(range(1, 9))
    assert sorted(s.chapter for s in sessions) == list(range(1, 9))
    doc = article(soup(page(site, "book/_generated/syllabus")))
    headings = [h.get_text() for h in doc.find_all("h2")]
    assert len(headings) == 8
    by_number = {c.number: c for c in chapters}
    text = doc.get_text()
    for s in sessions:
        ch = by_number.get(s.chapter)
        assert ch is not None, f"session {s.number}: chapter {s.chapter} has no notebook"
        assigned = pages.expand_reading(corpus, s.reading)
        assert assigned, f"session {s.number} reads nothing"
        for line in pages.readings(corpus, assigned):
            assert line in text, f"session {s.number}: reading {line!r} not in the syllabus"
        for e in ch.exercises:
            assert f"练习 {e.eid}" in text


# --- student handouts ------------------------------------------------------------------


@pytest.fixture(scope="session")
def student_zip(tmp_path_factory) -> Path:
    wheel = envs.built_dist(tmp_path_factory)["wheel"]
    return editions.student_edition(tmp_path_factory.mktemp("student") / "handouts.zip", wheel=wheel)


HIDDEN_FROM_STUDENTS = {"solution", "instructor"}


def _hidden(cell) -> bool:
    return bool(HIDDEN_FROM_STUDENTS & set(cell.metadata.get("tags", [])))


def distinctive_solution_lines(nb) -> list[str]:
    """Lines of solution and instructor cells that appear in no other cell of the notebook."""
    others = "\n".join(c.source for c in nb.cells if not _hidden(c))
    lines = []
    for cell in nb.cells:
        if _hidden(cell):
            for line in cell.source.splitlines():
                line = line.strip()
                if len(line) >= 6 and line not in others:
                    lines.append(line)
    return lines


def test_student_handouts_hold_no_solution(student_zip):
    with zipfile.ZipFile(student_zip) as zf:
        names = [n for n in zf.namelist() if n.endswith(".ipynb")]
        assert [Path(n).name for n in names] == [p.name for p in editions.chapter_notebooks()]
        for name in names:
            original = read_notebook(ROOT / "notebooks" / Path(name).name)
            text = zf.read(name).decode("utf-8")
            handout = nbformat.reads(text, as_version=4)  # noqa: conventions (a zip member, not a file)
            assert not [c for c in handout.cells if _hidden(c)]
            for cell in handout.cells:
                if cell.cell_type == "code" and "exercise" in cell.metadata.get("tags", []):
                    assert cell.outputs == [], f"{name}: an exercise cell keeps its output"
            for line in distinctive_solution_lines(original):
                assert line not in text, f"{name}: solution text survives: {line!r}"


def test_strip_solutions_keeps_everything_else():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook(cells=[
        new_markdown_cell("### 练习 1.1", metadata={"tags": ["exercise"]}),
        new_code_cell("answer = ...", metadata={"tags": ["exercise"]}, outputs=[new_output("stream", text="尚未作答")]),
        new_code_cell("answer = 81", metadata={"tags": ["solution"]}),
        new_markdown_cell("**参考要点**", metadata={"tags": ["solution"]}),
        new_code_cell("corpus", execution_count=3, outputs=[new_output("stream", text="<Corpus>")]),
    ])
    out = editions.strip_solutions(nb)
    assert [c.source for c in out.cells] == ["### 练习 1.1", "answer = ...", "corpus"]
    assert out.cells[1].outputs == [] and out.cells[2].outputs[0].text == "<Corpus>"
    assert out.cells[2].execution_count is None
    assert len(nb.cells) == 5, "the original notebook was changed"


def test_the_handout_zip_carries_the_wheel_and_says_how_to_use_it(student_zip):
    with zipfile.ZipFile(student_zip) as zf:
        names = zf.namelist()
        wheels = [n for n in names if n.endswith(".whl")]
        assert len(wheels) == 1, f"the zip must hold exactly one wheel: {wheels}"
        assert wheels[0].startswith("xinzhi-student/xinzhi_study-") and wheels[0].count("/") == 1
        readme = zf.read("xinzhi-student/README.txt").decode("utf-8")
    wheel = Path(wheels[0]).name
    assert f"pip install {wheel} jupyterlab" in readme  # on one's own computer
    assert "JupyterHub" in readme and "Colab" in readme
    assert readme.count(wheel) >= 3, "each of the three ways names the wheel to upload or install"
    for gone in ("make install", "git clone", "仓库", ".venv"):
        assert gone not in readme, f"the README still assumes the repository: {gone!r}"


def test_student_handouts_run_top_to_bottom_in_a_new_environment(student_zip, tmp_path):
    """Unzipped outside the repository, the wheel installed as the README says (own
    computer), every handout runs in a brand-new environment (two at a time)."""
    with zipfile.ZipFile(student_zip) as zf:
        zf.extractall(tmp_path / "handouts")
    folder = tmp_path / "handouts" / "xinzhi-student"
    assert not folder.resolve().is_relative_to(ROOT)
    (wheel,) = folder.glob("*.whl")
    env = envs.new_env(tmp_path / "env")
    assert not env.imports("xinzhi")
    env.run("-m", "pip", "install", "--quiet", wheel.name, "jupyterlab", cwd=folder)
    notebooks = sorted(folder.glob("*.ipynb"))
    assert [p.name for p in notebooks] == [p.name for p in editions.chapter_notebooks()]

    def run(path: Path) -> list[str]:
        try:
            nb, probe = env.run_notebook(path)
        except Exception as exc:  # nbclient raises CellExecutionError and kernel errors
            return [f"{path.name} does not run without its solutions: {exc}"]
        problems = [f"{path.name}: {p}" for p in envs.output_problems(nb)]
        if not Path(probe["xinzhi"]).resolve().is_relative_to(env.site_packages.resolve()):
            problems.append(f"{path.name} imported xinzhi from {probe['xinzhi']}")
        return problems

    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [p for found in pool.map(run, notebooks) for p in found]
    assert problems == []


# --- the API page -------------------------------------------------------------------------

def test_the_api_page_lists_every_public_helper_with_the_chapters_that_use_it(site, chapters):
    import importlib

    import xinzhi_api

    doc = soup(page(site, "book/_generated/api"))
    text = article(doc).get_text()
    for module_name in xinzhi_api.API_MODULES:
        module = importlib.import_module(module_name)
        assert module_name in text
        for name in module.__all__:
            if name.startswith("__"):  # __version__: not a helper
                continue
            assert name in text, f"{module_name}.{name} is missing from the API page"
    kwic_rows = [row for row in doc.select("tr") if row.select_one("td code") is not None
                 and row.select_one("td code").get_text().startswith("kwic(")]
    users = {a["href"] for row in kwic_rows for a in row.select("a.reference")}
    chapter_03 = next(c for c in chapters if c.number == 3)
    assert any(chapter_03.path.stem in unquote(href) for href in users), users


@pytest.mark.parametrize("edition", ["study", "instructor"])
def test_every_exercise_has_its_box_in_the_page(request, edition):
    """One answer box per checkable exercise, one notes box per discussion exercise, each
    chapter's tally, in both editions; the page 我的进度 lists them all; the notebook
    downloads stay as they are."""
    from xinzhi.keys import exercise_ids

    site = request.getfixturevalue("site" if edition == "study" else "instructor_site")
    checkable = set(exercise_ids())
    listed = set()
    for chapter in pages.read_chapters():
        html = soup(page(site, chapter.docname))
        boxes = [f["data-exercise"] for f in html.select("form.xinzhi-practice")]
        notes = [f["data-exercise"] for f in html.select("form.xinzhi-notes")]
        ids = [e.eid for e in chapter.exercises]
        assert boxes == [i for i in ids if i in checkable], chapter.docname
        assert notes == [i for i in ids if i not in checkable], chapter.docname
        assert len(html.select(".xinzhi-chapter-progress")) == 1
        keys = html.find("script", string=re.compile(r"^window\.XINZHI_PRACTICE = "))
        assert keys is not None and set(boxes) <= set(re.findall(r'"(\d+\.\d+)":\{"id"', keys.string))
        for form in html.select("form.xinzhi-practice"):
            assert form.has_attr("hidden") and form.select_one("button").get_text() == "检查"
        listed |= set(ids)
        source = site / "_sources" / (chapter.docname + ".ipynb")
        if source.exists():
            assert "xinzhi-practice" not in source.read_text(encoding="utf-8")
    progress = soup(page(site, "book/progress"))
    assert {row["data-exercise"] for row in progress.select("tr[data-exercise]")} == listed


def test_every_edition_is_listed_with_its_command_and_output(site):
    """关于本书 and the teacher's guide show the editions' one table; README's publisher
    section names the same commands and outputs; each command is a Makefile target."""
    import xinzhi_pages

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    publisher = readme.split("## For a publisher", 1)[1].split("\n## ", 1)[0]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for docname in ("book/about", "book/teachers"):
        text = " ".join(soup(page(site, docname)).get_text(" ").split())
        for edition in xinzhi_pages.PUBLISHED:
            assert edition.command in text and edition.output in text, (docname, edition.name)
    for edition in xinzhi_pages.PUBLISHED:
        assert f"`{edition.command}`" in publisher and f"`{edition.output}`" in publisher, edition.name
        assert re.search(rf"^{edition.command.split()[1]}:", makefile, re.M), edition.command
