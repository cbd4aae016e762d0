"""xinzhi.analysis: each helper checked against the text itself, not against its own output."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xinzhi
from xinzhi import analysis, segment


@pytest.fixture(scope="module")
def sents(corpus):
    return analysis.sentences(corpus)


def sentence_text(sents, sid: str) -> str:
    return sents.set_index("sid").text[sid]


# --- KWIC ------------------------------------------------------------------------

@pytest.mark.parametrize("term", ["卡脖子", "新质生产力", "由粗放型", "2035 年", "“", "生产关系"])
def test_kwic_finds_every_occurrence_in_context(corpus, term):
    hits = analysis.kwic(corpus, term, width=6)
    assert list(hits.columns) == ["pid", "left", "term", "right"]
    assert len(hits) == sum(p.text.count(term) for p in corpus)
    for row in hits.itertuples():
        text = corpus[row.pid].text
        assert row.left + row.term + row.right in text
        assert len(row.left) <= 6 and len(row.right) <= 6
    # corpus order: pids never go back
    order = [corpus.pids.index(pid) for pid in hits.pid]
    assert order == sorted(order)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_kwic_counts_any_substring(corpus, data):
    p = data.draw(st.sampled_from(list(corpus)))
    start = data.draw(st.integers(0, len(p.text) - 1))
    term = p.text[start:start + data.draw(st.integers(1, 6))]
    hits = analysis.kwic(corpus, term, width=3)
    assert len(hits) == sum(q.text.count(term) for q in corpus) >= 1
    assert p.pid in set(hits.pid)


def test_kwic_essay_filter_and_empty_result(corpus):
    hits = analysis.kwic(corpus, "卡脖子", essay=8)
    assert set(hits.pid) == {"8.9"} and len(hits) == corpus["8.9"].text.count("卡脖子")
    none = analysis.kwic(corpus, "量子计算机")
    assert none.empty and list(none.columns) == ["pid", "left", "term", "right"]


@pytest.mark.parametrize("term", ["", None, 3, ["卡脖子"]])
def test_kwic_rejects_a_bad_term(corpus, term):
    with pytest.raises(ValueError, match="non-empty string"):
        analysis.kwic(corpus, term)


# --- sentences -------------------------------------------------------------------

def test_sentences_rejoin_to_paragraphs(corpus, sents):
    for p in corpus:
        mine = sents[sents.pid == p.pid]
        assert "".join(mine.text) == p.text
        assert mine.n.tolist() == list(range(1, len(mine) + 1))
        assert mine.sid.tolist() == [f"{p.pid}.{n}" for n in mine.n]
        assert [p.text[s:s + len(t)] for s, t in zip(mine.start, mine.text)] == mine.text.tolist()


def test_sentences_end_at_final_punctuation_only(sents):
    for text in sents.text:
        body = text.rstrip("”’")
        # every sentence but a paragraph's lead-in line ends in 。！？
        assert body[-1] in "。！？：…", text
        # an inner stop is only allowed inside a quotation
        inner = body.rstrip("。！？")
        depth = 0
        for ch in inner:
            depth += (ch == "“") - (ch == "”")
            if ch in "。！？":
                assert depth > 0, text


def test_split_sentences_keeps_quoted_stops_and_closing_quotes():
    text = "会议强调，“甲。乙！”丙？丁"
    assert analysis.split_sentences(text) == ["会议强调，“甲。乙！”", "丙？", "丁"]
    assert analysis.split_sentences("") == []


# --- frequencies and keywords ----------------------------------------------------

@pytest.mark.parametrize("token", ["新质生产力", "生产关系", "卡脖子"])
def test_term_frequencies_match_the_token_table(corpus, token):
    expected = corpus.tokens.token.value_counts()[token]
    overall = analysis.term_frequencies(corpus).set_index("token")
    assert overall.loc[token, "count"] == expected
    by_essay = analysis.term_frequencies(corpus, by="essay")
    assert by_essay[by_essay.token == token]["count"].sum() == expected


def test_term_frequencies_shape_order_and_share(corpus):
    tf = analysis.term_frequencies(corpus, by="essay", top=5)
    assert list(tf.columns) == ["essay", "token", "count", "share"]
    assert tf.groupby("essay").size().tolist() == [5] * 8
    for _, g in tf.groupby("essay"):
        keys = list(zip(-g["count"], g.token))
        assert keys == sorted(keys)
    full = analysis.term_frequencies(corpus, by="section")
    assert list(full.columns) == ["essay", "section_no", "section", "token", "count", "share"]
    assert full.groupby(["essay", "section_no"]).share.sum().round(9).eq(1).all()
    assert not full.token.isin(segment.stopwords()).any()
    assert (full.token.str.len() >= 2).all()


def test_term_frequencies_without_filter_counts_stopwords(corpus):
    tf = analysis.term_frequencies(corpus, content_only=False, min_len=1).set_index("token")
    assert tf.loc["的", "count"] == (corpus.tokens.token == "的").sum()


def test_keywords_come_from_the_essay_and_descend(corpus):
    text = corpus.essays[1].text
    for method in ("tfidf", "textrank"):
        kw = analysis.keywords(corpus, essay=2, top=10, method=method)
        assert list(kw.columns) == ["essay", "rank", "keyword", "weight"]
        assert kw.essay.eq(2).all() and kw["rank"].tolist() == list(range(1, 11))
        assert all(k in text for k in kw.keyword)
        assert kw.weight.is_monotonic_decreasing
    every = analysis.keywords(corpus, top=3)
    assert every.groupby("essay").size().to_dict() == {e: 3 for e in range(1, 9)}


def test_tfidf_keywords_equal_jieba_extractor(corpus):
    extractor = segment.keyword_extractor(corpus)
    for e in (corpus.essays[1], corpus.essays[7]):
        expected = extractor.extract_tags(e.text, topK=None, withWeight=True)
        expected = sorted(expected, key=lambda kw: (-kw[1], kw[0]))[:15]
        got = analysis.keywords(corpus, essay=e.number, top=15)
        assert got.keyword.tolist() == [k for k, _ in expected]
        assert got.weight.tolist() == pytest.approx([w for _, w in expected])


# --- co-occurrence, similarity, distinctive terms ---------------------------------

def test_cooccurrence_counts_sentences_holding_both(corpus, sents):
    pairs = analysis.cooccurrence(corpus, min_count=1)
    assert list(pairs.columns) == ["a", "b", "count"]
    assert (pairs.a < pairs.b).all()
    keys = list(zip(-pairs["count"], pairs.a, pairs.b))
    assert keys == sorted(keys)
    both = Counter()
    for text in sents.text:
        words = set(segment.content_tokens(text))
        for a, b in [("新质生产力", "科技创新"), ("生产关系", "生产力")]:
            both[a, b] += a in words and b in words
    table = pairs.set_index(["a", "b"])["count"]
    assert table["新质生产力", "科技创新"] == both["新质生产力", "科技创新"]
    assert table["生产关系", "生产力"] == both["生产关系", "生产力"]


def test_cooccurrence_terms_and_limits(corpus):
    terms = ["新质生产力", "科技创新", "高质量发展", "生产关系"]
    pairs = analysis.cooccurrence(corpus, terms=terms, min_count=3)
    assert set(pairs.a) | set(pairs.b) <= set(terms)
    assert (pairs["count"] >= 3).all()
    assert len(analysis.cooccurrence(corpus, top=7)) == 7


def test_cooccurrence_graph_mirrors_the_frame(corpus):
    pairs = analysis.cooccurrence(corpus, top=40)
    graph = analysis.cooccurrence_graph(corpus, top=40)
    edges = {(*sorted((a, b)), d["weight"]) for a, b, d in graph.edges(data=True)}
    assert edges == set(pairs.itertuples(index=False, name=None))
    freq = corpus.tokens.token.value_counts()
    assert all(d["count"] == freq[n] for n, d in graph.nodes(data=True))


@pytest.mark.parametrize("method", ["tfidf", "count"])
def test_similarity_is_symmetric_with_unit_diagonal(corpus, method):
    sim = analysis.similarity(corpus, method=method)
    assert sim.index.tolist() == sim.columns.tolist() == list(range(1, 9))
    assert sim.index.name == sim.columns.name == "essay"
    assert (sim.to_numpy() == sim.to_numpy().T).all()
    assert all(sim.loc[i, i] == 1.0 for i in range(1, 9))
    off = sim.to_numpy()[~np.eye(8, dtype=bool)]
    assert ((off > 0) & (off < 1)).all()


def test_distinctive_terms_lean_towards_their_essay(corpus):
    dt = analysis.distinctive_terms(corpus, top=5, min_count=3)
    assert list(dt.columns) == ["essay", "token", "count", "rest_count", "score"]
    assert dt.groupby("essay").size().le(5).all() and (dt["count"] >= 3).all()
    freq = analysis.term_frequencies(corpus).set_index("token")["count"]
    assert (dt["count"] + dt.rest_count == dt.token.map(freq)).all()
    sizes = analysis.term_frequencies(corpus, by="essay").groupby("essay")["count"].sum()
    for essay, g in dt.groupby("essay"):
        assert g.score.is_monotonic_decreasing
        best = g.iloc[0]
        rest = sizes.sum() - sizes[essay]
        assert best["count"] / sizes[essay] > best.rest_count / rest


# --- enumerations ----------------------------------------------------------------

def test_enumerations_skip_ordinals_that_are_not_markers(corpus):
    en = analysis.enumerations(corpus)
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
    en = analysis.enumerations(corpus)
    yishi = en[(en.scheme == "一是/二是") & en.pid.str.startswith("5.")]
    assert any(m[:4] == ("一是", "二是", "三是", "四是") for m in yishi.markers)
    numerals = "一二三四五六七八九"
    for row in en[en.scheme == "一是/二是"].itertuples():
        assert row.markers == tuple(f"{n}是" for n in numerals[: row.count])
        assert all(corpus[row.pid].text.count(m) >= 1 for m in row.markers)


# --- shifts ----------------------------------------------------------------------

def test_shifts_split_the_chain_of_3_2(corpus):
    sh = analysis.shifts(corpus)
    mine = set(zip(sh[sh.pid == "3.2"].source, sh[sh.pid == "3.2"].target))
    links = re.findall(r"由([^，。由]+?)向([^，。]+?)转变", corpus["3.2"].text)
    assert len(links) == 8
    assert set(links) <= mine
    assert ("粗放型", "集约型") in mine


def test_shift_spans_are_verbatim(corpus, sents):
    sh = analysis.shifts(corpus)
    assert list(sh.columns)[:5] == ["pid", "sid", "source", "target", "text"]
    for row in sh.itertuples():
        assert row.text in sentence_text(sents, row.sid)
        assert row.text.startswith(("由", "从")) and row.source in row.text and row.target in row.text
    assert {"3.1", "3.3", "3.6", "8.4"} <= set(sh.pid)


# --- paired demands --------------------------------------------------------------

def test_paired_demands(corpus, sents):
    pd_ = analysis.paired_demands(corpus)
    assert list(pd_.columns) == ["pid", "sid", "pattern", "first", "second"]
    assert corpus["1.2"].text.count("既要") == (pd_.pid == "1.2").sum() == 2
    for row in pd_.itertuples():
        text = sentence_text(sents, row.sid)
        k1, k2 = row.pattern.split("…")
        assert k1 + row.first in text and k2 + row.second in text
    assert {"既是…也是", "既是…更是", "不仅…而且", "既…也"} <= set(pd_.pattern)


# --- quotations ------------------------------------------------------------------

def test_quotations_cover_every_quotation_mark(corpus, sents):
    q = analysis.quotations(corpus)
    assert list(q.columns) == ["pid", "sid", "quote", "speaker", "kind"]
    assert len(q) == sum(p.text.count("“") for p in corpus)
    for row in q.itertuples():
        assert f"“{row.quote}”" in sentence_text(sents, row.sid)
    assert set(q.kind) == {"quotation", "term"}


def test_deng_xiaoping_quote(corpus):
    q = analysis.quotations(corpus)
    row = q[q.quote == "科学技术是第一生产力"]
    assert len(row) == 1
    row = row.iloc[0]
    assert row.speaker == "邓小平" and row.kind == "quotation"
    assert "邓小平" in corpus[row.pid].text and row.pid.startswith("5.")


def test_marx_engels_quote_in_essay_8(corpus):
    q = analysis.quotations(corpus)
    rows = q[q.speaker == "马克思、恩格斯"]
    assert len(rows) == 1 and rows.pid.iloc[0].startswith("8.")
    assert rows.quote.iloc[0].startswith("资产阶级")
    # the next sentence quotes them again without naming them
    follow = q[(q.pid == rows.pid.iloc[0]) & (q.quote == "自然力的征服，机器的采用")]
    assert follow.speaker.iloc[0] is None and follow.kind.iloc[0] == "quotation"


def test_speaker_is_the_nearest_name_before_the_quote(corpus):
    q = analysis.quotations(corpus).set_index("quote")
    # 以习近平同志为核心的党中央重申了“…”: the subject is 党中央, named last
    assert "党中央重申了“解放和发展社会生产力" in corpus["5.6"].text
    assert q.loc["解放和发展社会生产力是社会主义的本质要求", "speaker"] == "党中央"
    # “新质生产力”是习近平总书记……首次提出: a name after the quote is no speaker
    assert "“新质生产力”是习近平总书记" in corpus["8.1"].text
    assert q.loc["新质生产力", "speaker"] is None


def test_scare_quotes_are_terms(corpus):
    q = analysis.quotations(corpus)
    for term in ["卡脖子", "新质", "揭榜挂帅"]:
        assert set(q[q.quote == term].kind) == {"term"}
    assert q[q.speaker.notna()].kind.eq("quotation").all()
    assert set(q.speaker.dropna()) <= set(analysis.SPEAKERS)


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
    nums = analysis.numbers(corpus)
    row = nums[nums.text == text]
    assert len(row) == sum(p.text.count(text) for p in corpus) >= 1
    assert row.kind.iloc[0] == kind and row.value.iloc[0] == value and row.unit.iloc[0] == unit


def test_numbers_are_verbatim_and_cover_every_figure(corpus, sents):
    nums = analysis.numbers(corpus)
    for row in nums.itertuples():
        assert row.text in sentence_text(sents, row.sid)
    # every Arabic figure in the corpus lies inside some reported span
    digits = sum(len(re.findall(r"\d+", p.text)) for p in corpus)
    assert sum(len(re.findall(r"\d+", t)) for t in nums.text) == digits
    assert not nums[nums.kind == "rank"].text.str.contains("第一").any()


# --- parallelism -----------------------------------------------------------------

def test_parallelism_finds_the_chain_and_lists(corpus, sents):
    par = analysis.parallelism(corpus)
    assert list(par.columns)[:5] == ["pid", "sid", "opener", "run", "clauses"]
    chain = par[(par.pid == "3.2") & (par.kind == "frame")].iloc[0]
    assert chain.run == 7 and all(c.startswith("由") and c.endswith("转变") for c in chain.clauses)
    assert ("新产业", "新模式", "新动能") in set(par[par.pid == "1.1"].clauses)
    for row in par.itertuples():
        assert row.run == len(row.clauses) >= 3
        assert all(c in sentence_text(sents, row.sid) for c in row.clauses)


def test_parallelism_across_paragraphs_of_a_section(corpus):
    par = analysis.parallelism(corpus, scope="section")
    row = par[par.pid == "4.7"].iloc[0]
    assert row.run == 5 and row.opener == "从…看"
    assert all(corpus[f"4.{n}"].text.startswith(c) for n, c in zip(range(7, 12), row.clauses))
    assert len(analysis.parallelism(corpus, min_run=6)) < len(analysis.parallelism(corpus))


# --- argument checks -------------------------------------------------------------

@pytest.mark.parametrize("essay", [0, 9, -1, "3", 2.0, True])
@pytest.mark.parametrize("func", [analysis.keywords, analysis.sentences,
                                  lambda c, essay: analysis.kwic(c, "创新", essay=essay)])
def test_bad_essay_numbers_name_the_range(corpus, func, essay):
    with pytest.raises(ValueError, match="from 1 to 8"):
        func(corpus, essay=essay)


@pytest.mark.parametrize("call, words", [
    (lambda c: analysis.keywords(c, method="bm25"), ["'tfidf'", "'textrank'"]),
    (lambda c: analysis.similarity(c, method="jaccard"), ["'tfidf'", "'count'"]),
    (lambda c: analysis.term_frequencies(c, by="paragraph"), ["'essay'", "'section'"]),
    (lambda c: analysis.term_frequencies(c, top=0), ["top", ">= 1"]),
    (lambda c: analysis.keywords(c, top="5"), ["top"]),
    (lambda c: analysis.kwic(c, "创新", width=-1), ["width"]),
    (lambda c: analysis.cooccurrence(c, terms="创新"), ["list of token strings"]),
    (lambda c: analysis.cooccurrence(c, min_count=0), ["min_count"]),
    (lambda c: analysis.distinctive_terms(c, prior=0), ["prior"]),
    (lambda c: analysis.parallelism(c, min_run=1), ["min_run"]),
    (lambda c: analysis.parallelism(c, scope="essay"), ["'sentence'", "'section'"]),
])
def test_bad_arguments_get_helpful_errors(corpus, call, words):
    with pytest.raises(ValueError) as info:
        call(corpus)
    assert all(w in str(info.value) for w in words), str(info.value)
