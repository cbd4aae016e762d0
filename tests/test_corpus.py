"""The corpus loader: faithful text, pids, pandas views and clear errors on bad input."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import xinzhi
from xinzhi.corpus import PARAGRAPH_END, default_corpus_path, parse_pid

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_961bfa78dd09bc79.txt"
SEED_SHA256 = "74687e7773ad4451edfe647aff37eeda83efa10f2221c12da0d2841c5a23ed16"


@pytest.fixture(scope="module")
def raw_text() -> str:
    return SEED.read_text(encoding="utf-8")


def toc_entries(raw_text: str) -> list[tuple[int, str, int]]:
    """The table of contents read independently of the loader."""
    entries = re.findall(r"^(\d+)\.\.\.(.+?) \.+\t(\d+)$", raw_text, flags=re.M)
    return [(int(n), title, int(page)) for n, title, page in entries]


# --- the seed ----------------------------------------------------------------------

def test_seed_is_byte_identical_to_the_projects_source():
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_default_path_is_the_projects_own_copy():
    assert default_corpus_path().resolve() == SEED.resolve()


def test_load_corpus_works_from_any_directory(tmp_path):
    code = "import xinzhi; c = xinzhi.load_corpus(); print(len(c.essays), len(c))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    corpus = xinzhi.load_corpus()
    assert out.stdout.split() == [str(len(corpus.essays)), str(len(corpus))]
    assert out.stderr == ""


# --- structure -----------------------------------------------------------------------

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

@pytest.mark.parametrize("pid", ["3.5", "〔3.5〕", " 3.5 ", "3．5"])
def test_lookup_accepts_the_forms_a_reader_writes(corpus, pid):
    assert corpus[pid] is corpus.paragraph("3.5")
    assert corpus[pid].anchor == "p3-5"


@pytest.mark.parametrize("pid,needle", [("9.1", "numbered 1 to 8"), ("3.99", "3.1 to 3.7"),
                                        ("abc", "E.N"), ("3", "E.N")])
def test_unknown_pid_says_what_is_valid(corpus, pid, needle):
    with pytest.raises(KeyError, match=re.escape(needle)):
        corpus[pid]
    assert pid not in corpus


def test_parse_pid_rejects_non_strings():
    with pytest.raises(KeyError):
        parse_pid(None)


def test_essay_lookup(corpus):
    assert corpus.essay(8).number == 8
    for bad in (0, 9, "1", True):
        with pytest.raises(KeyError, match="numbered 1 to 8"):
            corpus.essay(bad)


# --- pandas views ---------------------------------------------------------------------

def test_paragraphs_frame(corpus):
    df = corpus.paragraphs
    assert {"pid", "essay", "section", "n", "text", "chars"} <= set(df.columns)
    assert df.pid.tolist() == corpus.pids
    assert (df.chars == df.text.str.len()).all()
    assert df.loc[df.pid == "1.1", "section"].item() == xinzhi.LEAD_SECTION
    assert df.loc[df.pid == "1.2", "section"].item() == "把握新质生产力的辩证法维度"
    assert df.section.notna().all()


def test_essays_table(corpus):
    t = corpus.essays_table
    assert t.essay.tolist() == list(range(1, 9))
    assert t.paragraphs.sum() == len(corpus)
    assert t.chars.sum() == corpus.paragraphs.chars.sum()
    assert (t.han <= t.chars).all()
    # reading time is from Han characters, not space-separated words
    assert (t.minutes - t.han / 400).abs().max() <= 0.05


def test_sections_table(corpus):
    s = corpus.sections
    assert s.paragraphs.sum() == len(corpus)
    assert set(s.essay) == set(range(1, 9))


def test_count_han_ignores_latin_digits_and_punctuation():
    assert xinzhi.count_han("2035 年，AI 与新质生产力。") == 7


# --- bad input: clear errors, never a partial corpus -------------------------------------

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


def test_an_installed_package_carries_the_essays(tmp_path):
    """A non-editable install (a wheel's contents) loads the corpus with no arguments."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", "--target", str(target), str(ROOT)],
                   check=True, capture_output=True)
    code = "import xinzhi; c = xinzhi.load_corpus(); print(c.source.parent.name, len(c))"
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["data", str(len(xinzhi.load_corpus()))]
