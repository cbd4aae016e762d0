"""xinzhi.analysis: each helper checked against the text itself, not against its own output."""

from __future__ import annotations

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


# --- argument checks -------------------------------------------------------------

@pytest.mark.parametrize("essay", [0, 9, -1, "3", 2.0, True])
@pytest.mark.parametrize("func", [analysis.keywords, analysis.sentences,
                                  lambda c, essay: analysis.kwic(c, "创新", essay=essay)])
def test_bad_essay_numbers_name_the_range(corpus, func, essay):
    with pytest.raises(ValueError, match="numbered 1 to 8") as caught:
        func(corpus, essay=essay)
    assert isinstance(caught.value, xinzhi.EssayError)


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
])
def test_bad_arguments_get_helpful_errors(corpus, call, words):
    with pytest.raises(ValueError) as info:
        call(corpus)
    assert isinstance(info.value, xinzhi.ArgumentError)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_the_rhetorical_patterns_are_still_found_where_old_handouts_look():
    from xinzhi import rhetoric

    assert analysis.enumerations is rhetoric.enumerations
    assert analysis.CLAUSE_END == rhetoric.CLAUSE_END
    with pytest.raises(AttributeError):
        analysis.no_such_function  # noqa: B018
