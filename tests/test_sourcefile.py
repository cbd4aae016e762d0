"""The essays file's parser (xinzhi.sourcefile): essay boundaries from the table of
contents, page-break repair, every character kept, and a clear error for every kind of
bad input, never a partial corpus."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import xinzhi
from xinzhi.corpus import default_corpus_path
from xinzhi.sourcefile import PARAGRAPH_END

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_961bfa78dd09bc79.txt"


@pytest.fixture(scope="module")
def raw_text() -> str:
    return SEED.read_text(encoding="utf-8")


def toc_entries(raw_text: str) -> list[tuple[int, str, int]]:
    """The table of contents read independently of the loader."""
    entries = re.findall(r"^(\d+)\.\.\.(.+?) \.+\t(\d+)$", raw_text, flags=re.M)
    return [(int(n), title, int(page)) for n, title, page in entries]


# --- the seed ----------------------------------------------------------------------

def test_eight_essays_bounded_by_the_table_of_contents(corpus, raw_text):
    toc = toc_entries(raw_text)
    assert len(toc) == 8
    assert [e.number for e in corpus.essays] == [n for n, _, _ in toc]
    assert [e.toc_title for e in corpus.essays] == [t for _, t, _ in toc]
    assert [e.page for e in corpus.essays] == [p for _, _, p in toc]


def test_column_label_is_split_from_the_title(corpus):
    first = corpus.essays[0]
    assert first.column == "理论宣传研究"
    assert first.toc_title == f"【{first.column}】{first.title}"
    assert all(e.column is None and e.title == e.toc_title for e in corpus.essays[1:])


def test_essay_seven_is_an_essay_although_its_heading_is_level_two(corpus, raw_text):
    assert "## 用新质生产力赋能高质量发展" in raw_text.split("\n")
    assert corpus.essays[6].title == "用新质生产力赋能高质量发展"
    assert corpus.essays[6].paragraphs[0].text.startswith("生产力发展是人类社会进步的根本动力")


def test_section_titles_are_clean_of_markup(corpus, raw_text):
    bold = re.findall(r"^#+ \*\*(.+)\*\*$", raw_text, flags=re.M)
    titles = {s.title for e in corpus.essays for s in e.sections}
    assert bold and set(bold) <= titles
    assert not any("*" in t or t.startswith("#") for t in titles)


def test_every_heading_is_an_essay_or_a_section(corpus, raw_text):
    headings = re.findall(r"^#+ (.+)$", raw_text, flags=re.M)[1:]  # [0] is 目 录
    cleaned = [h.strip("*") for h in headings]
    known = [e.title for e in corpus.essays] + [
        s.title for e in corpus.essays for s in e.sections if not s.is_lead
    ]
    assert sorted(cleaned) == sorted(known)


def test_paragraph_ids_count_from_one_within_each_essay(corpus):
    for essay in corpus.essays:
        assert [p.n for p in essay.paragraphs] == list(range(1, len(essay.paragraphs) + 1))
        assert all(p.pid == f"{essay.number}.{p.n}" for p in essay.paragraphs)
    assert corpus.pids == [f"{p.essay}.{p.n}" for p in corpus]


def test_page_breaks_are_repaired(corpus, raw_text):
    body = raw_text.split("\n")[13:]
    unfinished = [ln for ln in body if ln.strip() and not ln.startswith("#")
                  and ln.rstrip()[-1] not in PARAGRAPH_END]
    assert len(unfinished) >= 25  # DESIGN.md: about thirty splits
    for line in unfinished:
        hosts = [p for p in corpus if line in p.text]
        assert len(hosts) == 1, line
        assert not hosts[0].text.endswith(line)  # it continues inside the paragraph
    for p in corpus:
        assert p.text[-1] in PARAGRAPH_END
        assert "\n" not in p.text


def test_a_line_ending_in_a_colon_is_a_paragraph_of_its_own(corpus):
    lead_ins = [p for p in corpus if p.text.endswith("：")]
    assert len(lead_ins) == 2
    for p in lead_ins:
        following = corpus[f"{p.essay}.{p.n + 1}"]
        assert following.text.startswith(("其一", "首先"))


def test_no_character_of_the_body_is_lost_added_or_reordered(corpus, raw_text):
    """Concatenating the paragraphs gives the body text minus headings and line breaks."""
    lines = raw_text.split("\n")
    first_heading = next(i for i, ln in enumerate(lines) if ln.startswith("# "))
    body = "".join(ln for ln in lines[first_heading:] if ln.strip() and not ln.startswith("#"))
    assert "".join(p.text for p in corpus) == body


def test_spaces_between_digits_and_units_are_kept(corpus):
    assert "突破 120 万亿元" in corpus["8.4"].text
    assert "18% 左右" in corpus["8.4"].text
    assert "120万亿元" in xinzhi.normalize_text(corpus["8.4"].text)


def test_source_typos_are_kept(corpus):
    assert "先先进生产力质态" in corpus["3.7"].text
    assert "激发企业创新的愿意" in corpus["5.18"].text


# --- lookup ----------------------------------------------------------------------------

def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        xinzhi.load_corpus(missing)


def expect_corpus_error(path, *needles, **kwargs):
    with pytest.raises(xinzhi.CorpusError) as info:
        xinzhi.load_corpus(path, **kwargs)
    message = str(info.value)
    for needle in needles:
        assert needle in message, message
    assert isinstance(info.value, ValueError)
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    expect_corpus_error(path, "empty")


def test_directory(tmp_path):
    expect_corpus_error(tmp_path, "directory")


def test_gbk_file_names_its_encoding_and_loads_with_it(tmp_path, raw_text, corpus):
    path = tmp_path / "gbk.txt"
    path.write_bytes(raw_text.encode("gbk"))
    expect_corpus_error(path, "GBK", "encoding='gbk'")
    again = xinzhi.load_corpus(path, encoding="gbk")
    assert [p.text for p in again] == [p.text for p in corpus]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_utf16_file_names_its_encoding(tmp_path, raw_text, codec):
    path = tmp_path / "u16.txt"
    path.write_bytes(raw_text.encode(codec))
    expect_corpus_error(path, "UTF-16", "encoding=")


def test_unknown_encoding_name(tmp_path):
    expect_corpus_error(SEED, "not an encoding", encoding="klingon")


def test_random_bytes(tmp_path):
    path = tmp_path / "random.bin"
    path.write_bytes(bytes(range(256)) * 40 + os.urandom(2000))
    expect_corpus_error(path)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.93])
def test_truncated_file(tmp_path, raw_text, fraction):
    path = tmp_path / "truncated.txt"
    path.write_text(raw_text[: int(len(raw_text) * fraction)], encoding="utf-8")
    expect_corpus_error(path, "truncated")


def test_file_cut_at_a_paragraph_end_misses_essays(tmp_path, raw_text):
    cut = raw_text.index("# 准确把握新质生产力内涵")
    path = tmp_path / "seven.txt"
    path.write_text(raw_text[:cut], encoding="utf-8")
    expect_corpus_error(path, "8 '准确把握新质生产力内涵 着力推动经济高质量发展'")


def test_headings_that_disagree_with_the_toc(tmp_path, raw_text):
    path = tmp_path / "renamed.txt"
    path.write_text(raw_text.replace("# 新质生产力的形成逻辑与影响", "# 另一个题目"), encoding="utf-8")
    expect_corpus_error(path, "table of contents", "新质生产力的形成逻辑与影响")


def test_essays_out_of_order(tmp_path, raw_text):
    path = tmp_path / "swapped.txt"
    text = raw_text.replace("# 新质生产力：发展过程中的生产关系改革", "# TEMP")
    text = text.replace("# 新质生产力：高质量发展的强劲推动力支撑力", "# 新质生产力：发展过程中的生产关系改革")
    text = text.replace("# TEMP", "# 新质生产力：高质量发展的强劲推动力支撑力")
    path.write_text(text, encoding="utf-8")
    expect_corpus_error(path, "disagree")


def test_no_table_of_contents(tmp_path, raw_text):
    path = tmp_path / "notoc.txt"
    body = raw_text[raw_text.index("# 关于新质生产力的哲学思考"):]
    path.write_text(body, encoding="utf-8")
    expect_corpus_error(path, "no table of contents")


def test_plain_text_that_is_not_the_corpus(tmp_path):
    path = tmp_path / "other.txt"
    path.write_text("Hello.\nThis is not the essays file.\n", encoding="utf-8")
    expect_corpus_error(path, "no table of contents")


def test_bom_and_windows_line_endings_load_like_the_clean_file(tmp_path, raw_text, corpus):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + raw_text.replace("\n", "\r\n").encode("utf-8"))
    again = xinzhi.load_corpus(path)
    assert [(p.pid, p.section, p.text) for p in again] == [
        (p.pid, p.section, p.text) for p in corpus
    ]
    assert again.digest == corpus.digest  # same text, so the same token cache
