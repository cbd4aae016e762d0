"""Statistics of the eight essays' vocabulary: frequencies, keywords, KWIC, sentences,
co-occurrence, similarity and distinctive terms (the rhetorical patterns are in
:mod:`xinzhi.rhetoric`).

Every function takes a :class:`xinzhi.Corpus` and returns a pandas DataFrame with
named columns (:func:`cooccurrence_graph` returns a ``networkx.Graph``).  Tokens come
from :attr:`xinzhi.Corpus.tokens` (the project's own jieba tokenizer, cached), never
from the global jieba.  A *content token* has at least two characters and is not
punctuation, a stopword or a bare figure (``2023``: see :func:`xinzhi.rhetoric.numbers`).

>>> corpus = load_corpus()
>>> kwic(corpus, "卡脖子").pid.tolist()[:2]
['2.2', '5.14']
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections import Counter
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pandas as pd

from . import segment
from .errors import ArgumentError, require_choice, require_count
from .corpus import load_corpus  # noqa: F401  (the doctests use it)

if TYPE_CHECKING:
    import networkx as nx

    from .corpus import Corpus, Paragraph

__all__ = [
    "term_frequencies",
    "keywords",
    "kwic",
    "sentences",
    "split_sentences",
    "cooccurrence",
    "cooccurrence_graph",
    "similarity",
    "distinctive_terms",
]

#: Sentence-final punctuation; a sentence ends after a run of these (and any closing
#: quotation marks right after them).
SENTENCE_END = "。！？"
OPEN_QUOTES = "“‘「『"
CLOSE_QUOTES = "”’」』"


# --- argument checks -----------------------------------------------------------------

def _check_essay(corpus: "Corpus", essay: int | None) -> int | None:
    """``essay`` itself, or None for all essays; the corpus's own EssayError if none."""
    return None if essay is None else corpus.essay(essay).number


def _paragraphs(corpus: "Corpus", essay: int | None = None) -> Iterator["Paragraph"]:
    essay = _check_essay(corpus, essay)
    for e in corpus.essays:
        if essay is None or e.number == essay:
            yield from e.paragraphs


def _content(tokens: pd.DataFrame, min_len: int = 2) -> pd.DataFrame:
    # Bare figures (2023, 12) are dates and amounts, not vocabulary: numbers() has them.
    keep = ~tokens.is_punct & ~tokens.is_stopword & (tokens.token.str.len() >= min_len)
    return tokens[keep & ~tokens.token.str.fullmatch(r"[\d.%\s-]*")]


# --- frequencies and keywords --------------------------------------------------------

_BY = {None: [], "essay": ["essay"], "section": ["essay", "section_no", "section"]}


def term_frequencies(corpus: "Corpus", *, by: str | None = None, top: int | None = None,
                     min_len: int = 2, content_only: bool = True) -> pd.DataFrame:
    """Token counts, overall or per essay or section.

    Columns ``token, count, share``, preceded by ``essay`` (``by="essay"``) or
    ``essay, section_no, section`` (``by="section"``).  ``share`` is the count over all
    counted tokens of the group.  ``content_only`` keeps content tokens only (no
    stopwords, punctuation or bare figures); ``min_len`` drops shorter tokens; ``top`` keeps that many rows per group.  Sorted
    by group, then count descending, then token.

    >>> term_frequencies(load_corpus(), top=1).token.tolist()
    ['发展']
    """
    require_choice("by", by, _BY)
    require_count("top", top, optional=True)
    require_count("min_len", min_len)
    tokens = corpus.tokens
    if content_only:
        tokens = _content(tokens, min_len)
    else:
        tokens = tokens[tokens.token.str.len() >= min_len]
    keys = _BY[by]
    if by == "section":
        tokens = tokens.merge(corpus.paragraphs[["pid", "section_no", "section"]], on="pid")
    counts = tokens.groupby(keys + ["token"], sort=False).size().rename("count").reset_index()
    totals = counts.groupby(keys)["count"].transform("sum") if keys else counts["count"].sum()
    counts["share"] = counts["count"] / totals
    order = keys + ["count", "token"]
    counts = counts.sort_values(order, ascending=[True] * len(keys) + [False, True])
    if top is not None:
        counts = counts.groupby(keys).head(top) if keys else counts.head(top)
    return counts.reset_index(drop=True)


_METHODS = ("tfidf", "textrank")
#: TextRank keeps these parts of speech; jieba's default plus ``nz``, the domain
#: dictionary's tag, so that terms such as 新质生产力 can rank.
TEXTRANK_POS = ("ns", "n", "vn", "v", "nz")
_IDF: "weakref.WeakKeyDictionary[Corpus, tuple[dict[str, float], float]]" = (
    weakref.WeakKeyDictionary())


def _idf(corpus: "Corpus") -> tuple[dict[str, float], float]:
    """:func:`xinzhi.segment.idf_table` over the paragraphs, and its median, read off
    the cached token table instead of segmenting the text again."""
    if corpus not in _IDF:
        tokens = corpus.tokens
        content = tokens[~tokens.is_punct & ~tokens.is_stopword]
        df = content.drop_duplicates(["pid", "token"]).token.value_counts()
        n = len(corpus)
        idf = {tok: segment.smoothed_idf(k, n) for tok, k in df.items()}
        _IDF[corpus] = idf, sorted(idf.values())[len(idf) // 2]
    return _IDF[corpus]


def _tfidf_tags(corpus: "Corpus", essay: int) -> list[tuple[str, float]]:
    """What ``segment.keyword_extractor(corpus).extract_tags(essay_text, topK=None,
    withWeight=True)`` returns, computed from :attr:`Corpus.tokens` (the same
    tokenizer, IDF and filters: tokens shorter than 2 after strip and stopwords go),
    so that no segmenting is needed; ``tests/test_analysis.py`` checks they agree."""
    idf, median = _idf(corpus)
    stop = segment.stopwords()
    freq: dict[str, float] = {}
    for word in corpus.tokens.token[corpus.tokens.essay == essay]:
        if len(word.strip()) >= 2 and word.lower() not in stop:
            freq[word] = freq.get(word, 0.0) + 1.0
    total = sum(freq.values())
    return [(w, n * (idf.get(w, median) / total)) for w, n in freq.items()]


def keywords(corpus: "Corpus", *, essay: int | None = None, top: int = 10,
             method: str = "tfidf") -> pd.DataFrame:
    """The ``top`` keywords of each essay (or of one essay).

    ``method="tfidf"``: jieba's TF-IDF as :func:`xinzhi.segment.keyword_extractor`
    sets it up (IDF over this corpus's paragraphs, the project's stopwords), computed
    from the cached token table; ``"textrank"``: jieba's TextRank over nouns, verbs
    and domain terms (:data:`TEXTRANK_POS`).  Columns ``essay, rank, keyword,
    weight``; rank 1 is the heaviest, ties broken by keyword.

    >>> keywords(load_corpus(), essay=2, top=3).keyword.tolist()
    ['发展', '生产关系', '科研']
    """
    essay = _check_essay(corpus, essay)
    require_count("top", top)
    require_choice("method", method, _METHODS)
    rows = []
    for e in corpus.essays:
        if essay is not None and e.number != essay:
            continue
        if method == "tfidf":
            pairs = _tfidf_tags(corpus, e.number)
        else:
            pairs = segment.textrank_extractor().textrank(
                e.text, topK=None, withWeight=True, allowPOS=TEXTRANK_POS)
        pairs = sorted(pairs, key=lambda kw: (-kw[1], kw[0]))[:top]
        rows += [(e.number, i, k, float(w)) for i, (k, w) in enumerate(pairs, 1)]
    return pd.DataFrame(rows, columns=["essay", "rank", "keyword", "weight"])


# --- KWIC and sentences --------------------------------------------------------------

def kwic(corpus: "Corpus", term: str, *, width: int = 15,
         essay: int | None = None) -> pd.DataFrame:
    """Key word in context: every occurrence of ``term`` in the raw text.

    One row per (non-overlapping) occurrence, in corpus order; ``left`` and ``right``
    are up to ``width`` characters of the paragraph either side.  Any substring works
    (卡脖子, 由粗放型); the text keeps the extraction's spaces (``2035 年``).

    >>> kwic(load_corpus(), "卡脖子", width=4).iloc[0].tolist()
    ['2.2', '是突破“', '卡脖子', '”关键技']
    """
    if not isinstance(term, str) or not term:
        raise ArgumentError(f"term must be a non-empty string to search for, e.g. '卡脖子'; "
                         f"got {term!r}")
    require_count("width", width, minimum=0)
    rows = []
    for p in _paragraphs(corpus, essay):
        for m in re.finditer(re.escape(term), p.text):
            left = p.text[max(0, m.start() - width):m.start()]
            rows.append((p.pid, left, term, p.text[m.end():m.end() + width]))
    return pd.DataFrame(rows, columns=["pid", "left", "term", "right"])


def split_sentences(text: str) -> list[str]:
    """Split ``text`` after each run of 。！？ (closing quotes stay with the sentence).

    A stop inside a quotation does not end the sentence that quotes it, so a quoted
    passage stays in one sentence with its speaker.  ``"".join`` gives ``text`` back.

    >>> split_sentences("他说：“甲。乙。”丙！丁")
    ['他说：“甲。乙。”', '丙！', '丁']
    """
    out, start, depth, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        depth += (ch in OPEN_QUOTES) - (ch in CLOSE_QUOTES and depth > 0)
        i += 1
        if ch not in SENTENCE_END:
            continue
        while i < len(text) and text[i] in SENTENCE_END:
            i += 1
        while i < len(text) and text[i] in CLOSE_QUOTES and depth > 0:
            depth, i = depth - 1, i + 1
        if depth == 0:
            out.append(text[start:i])
            start = i
    if start < len(text):
        out.append(text[start:])
    return out


def sentences(corpus: "Corpus", *, essay: int | None = None) -> pd.DataFrame:
    """One row per sentence (see :func:`split_sentences`).

    Columns ``sid, pid, essay, n, text, start``: ``sid`` is ``"E.N.S"``, ``n`` the
    sentence's number S within its paragraph (from 1), ``start`` its character offset
    in the paragraph.  A paragraph's sentences joined give its text back exactly.

    >>> sentences(load_corpus(), essay=3).sid.tolist()[:3]
    ['3.1.1', '3.1.2', '3.1.3']
    """
    rows = []
    for p in _paragraphs(corpus, essay):
        start = 0
        for s, text in enumerate(split_sentences(p.text), 1):
            rows.append((f"{p.pid}.{s}", p.pid, p.essay, s, text, start))
            start += len(text)
    return pd.DataFrame(rows, columns=["sid", "pid", "essay", "n", "text", "start"])


# --- co-occurrence and similarity ----------------------------------------------------

def _sentence_tokens(corpus: "Corpus") -> pd.DataFrame:
    """Content tokens with the sid of the sentence each starts in."""
    sents = sentences(corpus)[["pid", "sid", "start"]].sort_values("start")
    tokens = _content(corpus.tokens).sort_values("start")
    return pd.merge_asof(tokens, sents, on="start", by="pid")


def cooccurrence(corpus: "Corpus", *, terms: list[str] | None = None, min_count: int = 2,
                 top: int | None = None) -> pd.DataFrame:
    """Pairs of content tokens that occur in the same sentence.

    ``count`` is the number of sentences holding both (a sentence counts once per
    pair).  ``terms`` keeps only pairs of those tokens.  Columns ``a, b, count`` with
    ``a < b``; sorted by count descending, then ``a``, ``b``.

    >>> pairs = cooccurrence(load_corpus(), terms=["新质生产力", "科技创新", "高质量发展"])
    >>> pairs.to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'a': '新质生产力', 'b': '科技创新', 'count': 21},
     {'a': '新质生产力', 'b': '高质量发展', 'count': 16},
     {'a': '科技创新', 'b': '高质量发展', 'count': 4}]
    """
    if terms is not None and (isinstance(terms, str)
                              or not all(isinstance(t, str) for t in terms)):
        raise ArgumentError(f"terms must be a list of token strings, e.g. ['新质生产力', '创新'], "
                         f"not {terms!r}")
    require_count("min_count", min_count)
    require_count("top", top, optional=True)
    tokens = _sentence_tokens(corpus)
    if terms is not None:
        tokens = tokens[tokens.token.isin(set(terms))]
    by_sentence: dict[str, set[str]] = {}
    for sid, token in zip(tokens.sid, tokens.token):
        by_sentence.setdefault(sid, set()).add(token)
    pairs: Counter[tuple[str, str]] = Counter()
    for words in by_sentence.values():
        pairs.update(itertools.combinations(sorted(words), 2))
    rows = sorted(((a, b, n) for (a, b), n in pairs.items() if n >= min_count),
                  key=lambda r: (-r[2], r[0], r[1]))
    return pd.DataFrame(rows[:top] if top else rows, columns=["a", "b", "count"])


def cooccurrence_graph(corpus: "Corpus", **kwargs) -> "nx.Graph":
    """:func:`cooccurrence` as a graph: one edge per row (attribute ``weight``), each
    node with ``count``, the token's frequency in the corpus.  Takes the same keywords.

    >>> g = cooccurrence_graph(load_corpus(), top=5)
    >>> g.number_of_edges(), g.has_node("新质生产力")
    (5, True)
    """
    import networkx as nx

    pairs = cooccurrence(corpus, **kwargs)
    freq = _content(corpus.tokens).token.value_counts()
    graph = nx.Graph()
    for token in sorted(set(pairs.a) | set(pairs.b)):
        graph.add_node(token, count=int(freq.get(token, 0)))
    for a, b, n in pairs.itertuples(index=False):
        graph.add_edge(a, b, weight=int(n))
    return graph


def _essay_counts(corpus: "Corpus") -> pd.DataFrame:
    """Essay-by-token count matrix of content tokens (essays 1..8 as rows)."""
    tokens = _content(corpus.tokens)
    counts = pd.crosstab(tokens.essay, tokens.token)
    return counts.reindex(range(1, len(corpus.essays) + 1), fill_value=0)


def similarity(corpus: "Corpus", *, method: str = "tfidf") -> pd.DataFrame:
    """Cosine similarity between the essays, an 8×8 frame indexed by essay number.

    ``method="tfidf"`` weighs each content token's count by a smoothed IDF over the
    eight essays, ``log((1 + 8) / (1 + df)) + 1``, so words every essay uses count for
    less; ``"count"`` uses raw counts.  Symmetric, with 1.0 on the diagonal.

    >>> s = similarity(load_corpus())
    >>> s.shape, float(s.loc[3, 3]), bool((s == s.T).all().all())
    ((8, 8), 1.0, True)
    """
    require_choice("method", method, ("tfidf", "count"))
    counts = _essay_counts(corpus).astype(float)
    if method == "tfidf":
        df = (counts > 0).sum()
        counts = counts * segment.smoothed_idf(df, len(counts))
    vectors = counts.to_numpy()
    norms = (vectors ** 2).sum(axis=1) ** 0.5
    vectors = vectors / norms[:, None]
    sim = vectors @ vectors.T
    sim = (sim + sim.T) / 2
    for i in range(len(sim)):
        sim[i, i] = 1.0
    index = pd.Index(counts.index, name="essay")
    return pd.DataFrame(sim, index=index, columns=index.copy())


def distinctive_terms(corpus: "Corpus", *, top: int = 10, min_count: int = 2,
                      prior: float = 100.0) -> pd.DataFrame:
    """What each essay stresses more than the other seven.

    The score is the z-score of the log-odds ratio with an informative Dirichlet prior
    (Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 16-22): for token w, essay
    counts y_i (of n_i) against the rest y_j (of n_j), and a prior
    α_w = ``prior`` × (w's share of the whole corpus), α_0 = ``prior``,
    δ = log((y_i+α_w)/(n_i+α_0-y_i-α_w)) - log((y_j+α_w)/(n_j+α_0-y_j-α_w)),
    score = δ / sqrt(1/(y_i+α_w) + 1/(y_j+α_w)).  The prior shrinks rare words, so a
    word used twice in one essay and nowhere else does not beat a word the essay
    leans on.  Content tokens with at least ``min_count`` uses in the essay; columns
    ``essay, token, count, rest_count, score``, ``top`` rows per essay.

    >>> distinctive_terms(load_corpus(), top=1).query("essay == 2").token.tolist()
    ['生产关系']
    """
    require_count("top", top)
    require_count("min_count", min_count)
    if isinstance(prior, bool) or not isinstance(prior, (int, float)) or not prior > 0:
        raise ArgumentError(f"prior must be a positive number (the prior's total weight), "
                         f"not {prior!r}")
    counts = _essay_counts(corpus)
    total = counts.sum()
    alpha = prior * total / total.sum()
    frames = []
    for essay, y_i in counts.iterrows():
        y_j = total - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        odds_i = (y_i + alpha) / (n_i + prior - y_i - alpha)
        odds_j = (y_j + alpha) / (n_j + prior - y_j - alpha)
        delta = np.log(odds_i) - np.log(odds_j)
        score = delta / (1 / (y_i + alpha) + 1 / (y_j + alpha)) ** 0.5
        frame = pd.DataFrame({"essay": essay, "token": counts.columns, "count": y_i.to_numpy(),
                              "rest_count": y_j.to_numpy(), "score": score.to_numpy()})
        frame = frame[frame["count"] >= min_count]
        frames.append(frame.sort_values(["score", "token"], ascending=[False, True]).head(top))
    return pd.concat(frames, ignore_index=True)


# Handouts printed before the rhetorical patterns moved to xinzhi.rhetoric call
# analysis.enumerations(...) and the like: they keep working, quietly.
_MOVED_TO_RHETORIC = frozenset({"enumerations", "shifts", "paired_demands", "quotations",
                                "numbers", "parallelism", "ENUMERATION_SCHEMES",
                                "PAIRED_PATTERNS", "NUMBER_PATTERNS", "SPEAKERS",
                                "SPEECH_VERBS", "CLAUSE_END"})


def __getattr__(name: str):
    if name in _MOVED_TO_RHETORIC:
        from . import rhetoric

        return getattr(rhetoric, name)
    raise AttributeError(f"module 'xinzhi.analysis' has no attribute {name!r}")
