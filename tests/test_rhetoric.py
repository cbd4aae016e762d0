"""xinzhi.rhetoric: each pattern checked against the text itself, not against its own output."""

from __future__ import annotations

import re

import pytest

import xinzhi
from xinzhi import analysis, rhetoric


@pytest.fixture(scope="module")
def sents(corpus):
    return analysis.sentences(corpus)


def sentence_text(sents, sid: str) -> str:
    return sents.set_index("sid").text[sid]


# --- enumerations ----------------------------------------------------------------

def test_enumerations_skip_ordinals_that_are_not_markers(corpus):
    en = rhetoric.enumerations(corpus)
    ordinal = en[en.scheme == "第一/第二"]
    for row in ordinal.itertuples():
        text = corpus[row.pid].text
        assert row.count == len(re.findall(r"第[一二三四五六七八九十]+[，：、]", text))
    # 第一次工业革命 (4.4), 第一资源 (5.12), 第一项 (8.8): none is a marker
    for pid, phrase in [("4.4", "第一次工业革命"), ("8.8", "第一项"), ("5.12", "第一资源")]:
        assert phrase in corpus[pid].text
    assert "4.4" not in set(ordinal.pid) and "8.8" not in set(ordinal.pid)
    assert ordinal.set_index("pid").loc["5.12", "count"] == 1


def test_enumerations_find_yishi_to_sishi_in_essay_5(corpus):
    en = rhetoric.enumerations(corpus)
    yishi = en[(en.scheme == "一是/二是") & en.pid.str.startswith("5.")]
    assert any(m[:4] == ("一是", "二是", "三是", "四是") for m in yishi.markers)
    numerals = "一二三四五六七八九"
    for row in en[en.scheme == "一是/二是"].itertuples():
        assert row.markers == tuple(f"{n}是" for n in numerals[: row.count])
        assert all(corpus[row.pid].text.count(m) >= 1 for m in row.markers)


# --- shifts ----------------------------------------------------------------------

def test_shifts_split_the_chain_of_3_2(corpus):
    sh = rhetoric.shifts(corpus)
    mine = set(zip(sh[sh.pid == "3.2"].source, sh[sh.pid == "3.2"].target))
    links = re.findall(r"由([^，。由]+?)向([^，。]+?)转变", corpus["3.2"].text)
    assert len(links) == 8
    assert set(links) <= mine
    assert ("粗放型", "集约型") in mine


def test_shift_spans_are_verbatim(corpus, sents):
    sh = rhetoric.shifts(corpus)
    assert list(sh.columns)[:5] == ["pid", "sid", "source", "target", "text"]
    for row in sh.itertuples():
        assert row.text in sentence_text(sents, row.sid)
        assert row.text.startswith(("由", "从")) and row.source in row.text and row.target in row.text
    assert {"3.1", "3.3", "3.6", "8.4"} <= set(sh.pid)


# --- paired demands --------------------------------------------------------------

def test_paired_demands(corpus, sents):
    pd_ = rhetoric.paired_demands(corpus)
    assert list(pd_.columns) == ["pid", "sid", "pattern", "first", "second"]
    assert corpus["1.2"].text.count("既要") == (pd_.pid == "1.2").sum() == 2
    for row in pd_.itertuples():
        text = sentence_text(sents, row.sid)
        k1, k2 = row.pattern.split("…")
        assert k1 + row.first in text and k2 + row.second in text
    assert {"既是…也是", "既是…更是", "不仅…而且", "既…也"} <= set(pd_.pattern)


# --- quotations ------------------------------------------------------------------

def test_quotations_cover_every_quotation_mark(corpus, sents):
    q = rhetoric.quotations(corpus)
    assert list(q.columns) == ["pid", "sid", "quote", "speaker", "kind"]
    assert len(q) == sum(p.text.count("“") for p in corpus)
    for row in q.itertuples():
        assert f"“{row.quote}”" in sentence_text(sents, row.sid)
    assert set(q.kind) == {"quotation", "term"}


def test_deng_xiaoping_quote(corpus):
    q = rhetoric.quotations(corpus)
    row = q[q.quote == "科学技术是第一生产力"]
    assert len(row) == 1
    row = row.iloc[0]
    assert row.speaker == "邓小平" and row.kind == "quotation"
    assert "邓小平" in corpus[row.pid].text and row.pid.startswith("5.")


def test_marx_engels_quote_in_essay_8(corpus):
    q = rhetoric.quotations(corpus)
    rows = q[q.speaker == "马克思、恩格斯"]
    assert len(rows) == 1 and rows.pid.iloc[0].startswith("8.")
    assert rows.quote.iloc[0].startswith("资产阶级")
    # the next sentence quotes them again without naming them
    follow = q[(q.pid == rows.pid.iloc[0]) & (q.quote == "自然力的征服，机器的采用")]
    assert follow.speaker.iloc[0] is None and follow.kind.iloc[0] == "quotation"


def test_speaker_is_the_nearest_name_before_the_quote(corpus):
    q = rhetoric.quotations(corpus).set_index("quote")
    # 以习近平同志为核心的党中央重申了“…”: the subject is 党中央, named last
    assert "党中央重申了“解放和发展社会生产力" in corpus["5.6"].text
    assert q.loc["解放和发展社会生产力是社会主义的本质要求", "speaker"] == "党中央"
    # “新质生产力”是习近平总书记……首次提出: a name after the quote is no speaker
    assert "“新质生产力”是习近平总书记" in corpus["8.1"].text
    assert q.loc["新质生产力", "speaker"] is None


def test_scare_quotes_are_terms(corpus):
    q = rhetoric.quotations(corpus)
    for term in ["卡脖子", "新质", "揭榜挂帅"]:
        assert set(q[q.quote == term].kind) == {"term"}
    assert q[q.speaker.notna()].kind.eq("quotation").all()
    assert set(q.speaker.dropna()) <= set(rhetoric.SPEAKERS)


# --- numbers ---------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, value, unit", [
    ("120 万亿元", "amount", 120.0, "万亿元"),
    ("18%", "percent", 18.0, "%"),
    ("2035 年", "year", 2035.0, "年"),
    ("2050 年", "year", 2050.0, "年"),
    ("第10位", "rank", 10.0, "位"),
    ("2023年12月11日至12日", "date", 2023.0, "年月日"),
    ("19世纪", "date", 19.0, "世纪"),
])
def test_numbers_kinds_and_values(corpus, text, kind, value, unit):
    nums = rhetoric.numbers(corpus)
    row = nums[nums.text == text]
    assert len(row) == sum(p.text.count(text) for p in corpus) >= 1
    assert row.kind.iloc[0] == kind and row.value.iloc[0] == value and row.unit.iloc[0] == unit


def test_numbers_are_verbatim_and_cover_every_figure(corpus, sents):
    nums = rhetoric.numbers(corpus)
    for row in nums.itertuples():
        assert row.text in sentence_text(sents, row.sid)
    # every Arabic figure in the corpus lies inside some reported span
    digits = sum(len(re.findall(r"\d+", p.text)) for p in corpus)
    assert sum(len(re.findall(r"\d+", t)) for t in nums.text) == digits
    assert not nums[nums.kind == "rank"].text.str.contains("第一").any()


# --- parallelism -----------------------------------------------------------------

def test_parallelism_finds_the_chain_and_lists(corpus, sents):
    par = rhetoric.parallelism(corpus)
    assert list(par.columns)[:5] == ["pid", "sid", "opener", "run", "clauses"]
    chain = par[(par.pid == "3.2") & (par.kind == "frame")].iloc[0]
    assert chain.run == 7 and all(c.startswith("由") and c.endswith("转变") for c in chain.clauses)
    assert ("新产业", "新模式", "新动能") in set(par[par.pid == "1.1"].clauses)
    for row in par.itertuples():
        assert row.run == len(row.clauses) >= 3
        assert all(c in sentence_text(sents, row.sid) for c in row.clauses)


def test_parallelism_across_paragraphs_of_a_section(corpus):
    par = rhetoric.parallelism(corpus, scope="section")
    row = par[par.pid == "4.7"].iloc[0]
    assert row.run == 5 and row.opener == "从…看"
    assert all(corpus[f"4.{n}"].text.startswith(c) for n, c in zip(range(7, 12), row.clauses))
    assert len(rhetoric.parallelism(corpus, min_run=6)) < len(rhetoric.parallelism(corpus))


@pytest.mark.parametrize("call, words", [
    (lambda c: rhetoric.parallelism(c, min_run=1), ["min_run"]),
    (lambda c: rhetoric.parallelism(c, scope="essay"), ["'sentence'", "'section'"]),
])
def test_bad_arguments_get_helpful_errors(corpus, call, words):
    with pytest.raises(ValueError) as info:
        call(corpus)
    assert isinstance(info.value, xinzhi.ArgumentError)
    assert all(w in str(info.value) for w in words), str(info.value)
