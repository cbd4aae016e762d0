"""Practice in the built book (xinzhi_practice, xinzhi-practice.js), in Debian's chromium.

Exercises of every kind answered right, wrong and blank in the page, with the verdict
``check()`` gives in Python, word for word; progress across a reload; notes; the page
我的进度; export, then import into a fresh browser; the book opened from a folder; a
phone; the keyboard; and no request that leaves the site.  Screenshots of an answered
exercise and of 我的进度 at phone width go to ``test-artifacts/``.
"""

from __future__ import annotations

import json

import pytest

import xinzhi
import xinzhi_pages
from xinzhi import practice
from xinzhi.exercises import MESSAGES
from xinzhi.keys import answer_key, exercise_ids

from _browser import ARTIFACTS, Visit, folder_page, launch, outside_folder, serve

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def browser():
    with launch() as running:
        yield running


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as served:
        yield served


def _chapter_doc(eid: str) -> str:
    number = int(eid.split(".")[0])
    chapter = next(c for c in xinzhi_pages.read_chapters() if c.number == number)
    return chapter.docname + ".html"


def _one_of_each_kind() -> dict[str, str]:
    found: dict[str, str] = {}
    for eid in exercise_ids():
        if not eid.startswith("demo."):
            found.setdefault(answer_key(eid)["kind"], eid)
    return found


def _page_form(key: dict, example):
    """An accept or reject example as the page takes it (see tests/test_practice.py)."""
    if key["kind"] == "mapping":
        return {str(k): (None if v is None else (repr(v) if isinstance(v, float) else str(v))) for k, v in example.items()}
    if isinstance(example, list) and key["kind"] == "pid":
        return f"{example[0]}.{example[1]}"
    if isinstance(example, list):
        return "、".join(str(i[0] if isinstance(i, list) else i) for i in example)
    return repr(example) if isinstance(example, float) else str(example)


def _answer(page, eid: str, answer) -> list[str]:
    """Type ``answer`` into the box of ``eid``, press 检查, return the verdict's lines."""
    form = page.locator(f"form.xinzhi-practice[data-exercise='{eid}']")
    kind = form.get_attribute("data-kind")
    if kind == "choice":
        if answer:
            form.locator(f"input[value='{answer}']").check()
    elif kind == "mapping":
        for name, value in answer.items():
            form.locator(f"input[data-key='{name}']").fill(value or "")
    else:
        form.locator("input[type=text], textarea").fill(answer)
    form.get_by_role("button", name="检查").click()
    verdict = form.locator(".xinzhi-verdict p")
    verdict.first.wait_for()
    return verdict.all_inner_texts()


def _expected(eid: str, answer) -> list[str]:
    lines = list(xinzhi.check(eid, practice.from_page(answer)).lines)
    return [MESSAGES["blank_page"] if line == MESSAGES["blank"] else line for line in lines]


def test_every_kind_answers_right_wrong_and_blank_with_the_words_of_check(server, browser):
    site, base = server
    visit = Visit(browser, base)
    try:
        compared = 0
        for kind, eid in sorted(_one_of_each_kind().items()):
            key = answer_key(eid)
            page = visit.open(_chapter_doc(eid))
            right = _page_form(key, key["examples"]["accept"][0])
            wrong = _page_form(key, key["examples"]["reject"][0])
            blank = {name: None for name in key["answer"]} if kind == "mapping" else ""
            if kind == "choice":  # a radio button, once chosen, cannot be unchosen: blank first
                order = [("blank", blank), ("right", right), ("wrong", wrong)]
            else:
                order = [("right", right), ("wrong", wrong), ("blank", blank)]
            for verdict, answer in order:
                got = _answer(page, eid, answer)
                assert got == _expected(eid, answer), f"{eid} ({kind}) {verdict}: {answer!r}"
                assert xinzhi.check(eid, practice.from_page(answer)).kind == verdict
                compared += 1
        assert compared == 3 * 8
        page = visit.open(_chapter_doc("2.1"))
        _answer(page, "2.1", answer_key("2.1")["answer"])
        page.locator("#xinzhi-practice-2-1").scroll_into_view_if_needed()
        visit.check("practice-answered")
    finally:
        visit.close()


def test_progress_survives_a_reload_and_shows_on_the_progress_page(server, browser):
    site, base = server
    visit = Visit(browser, base)
    try:
        page = visit.open(_chapter_doc("2.1"))
        _answer(page, "2.1", "全要素生产率大幅提升")
        _answer(page, "2.3", "6.4")
        page.locator("#xinzhi-notes-text-2-7").fill("先界定对象，再找数据。")
        page.locator("#xinzhi-notes-text-2-7").blur()
        page.reload(wait_until="networkidle")
        assert page.locator("#xinzhi-answer-2-1").input_value() == "全要素生产率大幅提升"
        assert page.locator("#xinzhi-practice-2-1 .xinzhi-verdict").inner_text().startswith(MESSAGES["right"])
        assert page.locator("#xinzhi-notes-text-2-7").input_value() == "先界定对象，再找数据。"
        tally = page.locator(".xinzhi-chapter-progress [role=status]").inner_text()
        assert "已作答 2 道，答对 1 道" in tally and "写了笔记 1 道" in tally, tally
        page = visit.open("book/progress.html")
        states = dict(zip(page.locator("tbody tr[data-exercise]").evaluate_all("rs => rs.map(r => r.dataset.exercise)"),
                          page.locator("tbody .xinzhi-state").all_inner_texts()))
        assert states["2.1"] == "答对" and states["2.3"] == "还不对" and states["2.7"] == "有笔记"
        assert states["2.2"] == "未作答"
        chapters = xinzhi_pages.read_chapters()
        assert set(states) == {e.eid for c in chapters for e in c.exercises}
        visit.check("progress-page")
    finally:
        visit.close()


def test_export_then_import_into_a_fresh_browser(server, browser, tmp_path):
    site, base = server
    first = Visit(browser, base)
    try:
        page = first.open(_chapter_doc("3.1"))
        eid = next(e for e in exercise_ids() if e.startswith("3."))
        right = _page_form(answer_key(eid), answer_key(eid)["examples"]["accept"][0])
        _answer(page, eid, right)
        page = first.open("book/progress.html")
        with page.expect_download() as info:
            page.get_by_role("button", name="导出答案与笔记（JSON）").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.suffix == ".json"
        with page.expect_download() as info:
            page.get_by_role("button", name="导出为 Markdown").click()
        readable = tmp_path / info.value.suggested_filename
        info.value.save_as(readable)
        first.check("progress-export")
    finally:
        first.close()
    export = practice.read_export(path)
    assert export["book_version"] == xinzhi.__version__ and export["exported"]
    assert [(r.exercise, r.verdict.kind, r.page_verdict) for r in practice.grade_export(export)] == [(eid, "right", "right")]
    body = lambda text: text.split("\n", 3)[3]  # noqa: E731 - after the title and the time
    assert f"练习 {eid}" in export["markdown"] and body(export["markdown"]) == body(readable.read_text(encoding="utf-8"))

    fresh = Visit(browser, base)
    try:
        page = fresh.open("book/progress.html")
        assert page.locator(f"tr[data-exercise='{eid}'] .xinzhi-state").inner_text() == "未作答"
        broken = tmp_path / "broken.json"
        broken.write_text("{not json", encoding="utf-8")
        page.locator(".xinzhi-import-file").set_input_files(str(broken))
        page.get_by_text("导入失败").wait_for()
        odd = tmp_path / "odd.json"  # JSON of the right format, one record not an object
        odd.write_text(json.dumps({"format": "xinzhi-answers", "version": 1, "answers": {eid: None}, "notes": {}}))
        page.locator(".xinzhi-import-file").set_input_files(str(odd))
        page.get_by_text(f"练习 {eid} 的记录不完整").wait_for()
        assert page.locator(f"tr[data-exercise='{eid}'] .xinzhi-state").inner_text() == "未作答"
        page.locator(".xinzhi-import-file").set_input_files(str(path))
        page.get_by_text("已导入：答案 1 条").wait_for()
        assert page.locator(f"tr[data-exercise='{eid}'] .xinzhi-state").inner_text() == "答对"
        page = fresh.open(_chapter_doc(eid))
        assert page.locator(f"form[data-exercise='{eid}'] .xinzhi-verdict").inner_text().startswith(MESSAGES["right"])
        fresh.check("progress-imported")
    finally:
        fresh.close()


def test_practice_works_from_a_folder(server, browser):
    site, _ = server
    with folder_page(browser) as (page, requests, errors):
        page.goto((site / _chapter_doc("2.1")).as_uri())
        assert _answer(page, "2.1", "全要素生产率") == _expected("2.1", "全要素生产率")
        page.reload()
        assert page.locator("#xinzhi-answer-2-1").input_value() == "全要素生产率"
    assert not outside_folder(requests)
    assert not errors


def test_practice_on_a_phone_and_from_the_keyboard(server, browser):
    site, base = server
    visit = Visit(browser, base, **PHONE)
    try:
        page = visit.open(_chapter_doc("2.1"))
        box = page.locator("#xinzhi-answer-2-1")
        box.focus()
        page.keyboard.type("全要素生产率大幅提升")
        page.keyboard.press("Enter")  # submits the form, as 检查 does
        verdict = page.locator("#xinzhi-practice-2-1 .xinzhi-verdict")
        verdict.locator("p").first.wait_for()
        assert verdict.inner_text().startswith(MESSAGES["right"])
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "检查"
        width = page.evaluate("document.querySelector('#xinzhi-practice-2-1').getBoundingClientRect().width")
        assert width <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("#xinzhi-practice-2-1").scroll_into_view_if_needed()
        visit.check("practice-phone")
        page = visit.open("book/progress.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("tr[data-exercise='2.1'] .xinzhi-state").inner_text() == "答对"
        visit.check("progress-phone")
    finally:
        visit.close()


def test_the_added_script_and_style_stay_small(site):
    """The bytes practice adds to a chapter page (scripts, the inline keys) — a budget, and
    the figure for the closing notes."""
    static = site / "_static"
    scripts = sum((static / name).stat().st_size for name in ("xinzhi-check.js", "xinzhi-practice.js"))
    html = (site / _chapter_doc("2.1")).read_text(encoding="utf-8")
    start = html.index("window.XINZHI_PRACTICE")
    inline = len(html[start:html.index("</script>", start)].encode("utf-8"))
    markup = sum(len(m.encode("utf-8")) for m in _forms(html))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "practice-bytes.json").write_text(json.dumps(
        {"scripts": scripts, "inline_keys_chapter_2": inline, "forms_chapter_2": markup}, indent=2) + "\n")
    assert scripts <= 40_000 and inline <= 30_000


def _forms(html: str) -> list[str]:
    out, at = [], 0
    while (start := html.find('<form class="xinzhi-', at)) != -1:
        end = html.index("</form>", start) + len("</form>")
        out.append(html[start:end])
        at = end
    return out


def test_progress_survives_a_restart_of_the_browser(server, browser, tmp_path):
    """A browser profile on disk, closed and started again: the answers are still there."""
    from _browser import CHROMIUM, CHROMIUM_FLAGS

    site, base = server
    profile = tmp_path / "profile"
    url = f"{base}/{_chapter_doc('2.1')}"
    for attempt in ("before", "after"):
        context = browser.browser_type.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            page = context.new_page()
            page.goto(url, wait_until="networkidle")
            if attempt == "before":
                _answer(page, "2.1", "全要素生产率大幅提升")
            else:
                assert page.locator("#xinzhi-answer-2-1").input_value() == "全要素生产率大幅提升"
                assert "答对 1 道" in page.locator(".xinzhi-chapter-progress [role=status]").inner_text()
        finally:
            context.close()
