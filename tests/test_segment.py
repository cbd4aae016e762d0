"""Segmentation: domain terms stay whole, tokenize is lossless, jieba stays quiet and local."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xinzhi
from xinzhi import segment

DATA = Path(segment.__file__).parent / "data"

# Places where a dictionary term's characters occur but the term itself does not: the
# substring straddles two words.  Each is read in context; nothing else may split a term.
NOT_THE_TERM = {
    ("新业态", "7.5"),  # 开放性的创新业态体系: 创新 + 业态
    ("新模式", "8.11"),  # 封闭创新模式 / 开放创新模式: 创新 + 模式
}


def boundaries(tokens: list[str]) -> set[int]:
    edges, pos = {0}, 0
    for tok in tokens:
        pos += len(tok)
        edges.add(pos)
    return edges


def test_key_concepts_are_single_tokens():
    for term in ["新质生产力", "全要素生产率", "战略性新兴产业", "新型举国体制", "揭榜挂帅",
                 "两弹一星", "卡脖子", "高质量发展", "中国式现代化", "供给侧结构性改革"]:
        assert segment.tokenize(term) == [term]


def test_every_dictionary_term_occurs_in_the_corpus(corpus):
    text = "\n".join(p.text for p in corpus)
    absent = [t for t, _ in segment.domain_terms() if t not in text]
    assert absent == []


def test_no_dictionary_term_is_ever_split(corpus):
    """No token boundary falls inside an occurrence of a term, except where two
    dictionary terms overlap (one of them must yield) or the substring is not the term."""
    terms = [t for t, _ in segment.domain_terms()]
    split = []
    for p in corpus:
        edges = boundaries(segment.tokenize(p.text))
        whole = [
            (m.start(), m.end())
            for t in terms
            for m in re.finditer(re.escape(t), p.text)
            if not any(m.start() < e < m.end() for e in edges)
        ]
        for term in terms:
            if (term, p.pid) in NOT_THE_TERM:
                continue
            for m in re.finditer(re.escape(term), p.text):
                if not any(m.start() < e < m.end() for e in edges):
                    continue
                overlapped = any(s < m.end() and m.start() < e and (s, e) != m.span()
                                 and not (m.start() <= s and e <= m.end())
                                 for s, e in whole)
                if not overlapped:
                    split.append((term, p.pid, p.text[max(0, m.start() - 4):m.end() + 4]))
    assert split == []


def test_the_exceptions_are_real(corpus):
    for term, pid in NOT_THE_TERM:
        assert term in corpus[pid].text


def test_tokenize_is_lossless_on_the_corpus(corpus):
    for p in corpus:
        assert "".join(segment.tokenize(p.text)) == p.text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("新质生产力的，。 \t\n2035年AIa-%“”全要素率卡脖子")) | st.characters(),
               max_size=60))
def test_tokenize_is_lossless_on_any_text(text):
    assert "".join(segment.tokenize(text)) == text


def test_tokenize_rejects_non_text():
    with pytest.raises(TypeError, match="takes a str"):
        segment.tokenize(b"bytes")
    assert segment.tokenize("") == []


def test_filtering_is_a_separate_explicit_step():
    text = "发展新质生产力的关键在于创新。"
    tokens = segment.tokenize(text)
    assert "的" in tokens and "。" in tokens
    kept = segment.content_tokens(text)
    assert "的" not in kept and "。" not in kept and "新质生产力" in kept


def test_stopwords_ship_with_attribution_and_licence():
    text = (DATA / "stopwords.txt").read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "Source:" in header and "Licence:" in header
    # content words of this prose are never stopwords
    assert not {"生产力", "发展", "创新", "新质生产力"} & segment.stopwords()


def test_the_global_jieba_tokenizer_is_never_touched():
    code = (
        "import jieba, xinzhi\n"
        "xinzhi.tokenize('新质生产力')\n"
        "print(jieba.dt.initialized, '新质生产力' in jieba.dt.FREQ)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


def test_no_output_noise_and_cache_in_the_user_cache_dir(tmp_path):
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, XINZHI_CACHE_DIR=str(cache), TMPDIR=str(tmp))
    code = (
        "import warnings; warnings.simplefilter('always')\n"
        "import xinzhi\n"
        "c = xinzhi.load_corpus(); c.tokens\n"
        "xinzhi.tokenize('新质生产力')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout == "" and out.stderr == ""
    assert (cache / "jieba.cache").is_file()
    assert list(cache.glob("tokens-*.pkl"))
    assert list(tmp.iterdir()) == []  # nothing in the shared temp dir


def test_token_table(corpus):
    t = corpus.tokens
    assert {"pid", "essay", "position", "token", "start", "pos", "is_stopword",
            "is_punct"} <= set(t.columns)
    rebuilt = t.groupby("pid", sort=False).token.apply("".join)
    assert rebuilt.to_dict() == {p.pid: p.text for p in corpus}
    sample = t[t.pid == "3.5"]
    text = corpus["3.5"].text
    assert all(text[s:s + len(tok)] == tok for s, tok in zip(sample.start, sample.token))
    assert t.loc[t.token == "新质生产力", "pos"].eq("nz").all()
    assert t.loc[t.token == "，", "is_punct"].all()
    assert t.loc[t.token == "的", "is_stopword"].all()


def test_token_cache_is_keyed_by_text_and_dictionary(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("XINZHI_CACHE_DIR", str(tmp_path))
    fresh = segment.token_table(corpus, use_cache=False)
    first = segment.token_table(corpus)
    assert len(list(tmp_path.glob("tokens-*.pkl"))) == 1
    assert first.equals(fresh)
    again = segment.token_table(corpus)
    assert again.equals(fresh)
    key = segment._cache_key(corpus)
    changed = xinzhi.corpus.parse(corpus.source_text.replace("新质生产力是智能生产力", "新质生产力是智慧生产力"))
    assert segment._cache_key(changed) != key
    monkeypatch.setattr(segment, "_data_bytes",
                        lambda name, real=segment._data_bytes: real(name) + b"\n# changed")
    assert segment._cache_key(corpus) != key


def test_token_cache_is_keyed_by_the_pandas_version(corpus, monkeypatch):
    # The cache is a pickled DataFrame, which another pandas may not read back.
    key = segment._cache_key(corpus)
    real = segment.importlib.metadata.version
    monkeypatch.setattr(segment.importlib.metadata, "version",
                        lambda name: "0.0.1" if name == "pandas" else real(name))
    assert segment._cache_key(corpus) != key


def test_the_cache_folder_is_the_platforms_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("XINZHI_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert segment.cache_dir() == tmp_path / "xdg" / "xinzhi"
    monkeypatch.setenv("XINZHI_CACHE_DIR", str(tmp_path / "mine"))
    assert segment.cache_dir() == tmp_path / "mine" and segment.cache_dir().is_dir()


def test_a_damaged_cache_is_rebuilt(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("XINZHI_CACHE_DIR", str(tmp_path))
    segment.token_table(corpus)
    (cached,) = tmp_path.glob("tokens-*.pkl")
    cached.write_bytes(b"not a pickle")
    assert segment.token_table(corpus).equals(segment.token_table(corpus, use_cache=False))


def test_keyword_idf_comes_from_this_corpus(corpus):
    extractor = segment.keyword_extractor(corpus)
    vocabulary = set(corpus.tokens.token)
    assert set(extractor.idf_freq) <= vocabulary
    # a term in every essay is worth less than a term in one paragraph
    assert extractor.idf_freq["新质生产力"] < extractor.idf_freq["卡脖子"]
    tags = extractor.extract_tags(corpus.essays[1].text, topK=10)
    assert tags and all(tag in corpus.essays[1].text for tag in tags)
    assert not set(tags) & segment.stopwords()


def test_textrank_uses_our_dictionary(corpus):
    extractor = segment.textrank_extractor()
    tags = extractor.textrank(corpus.essays[4].text, topK=15)
    assert tags and all(tag in corpus.essays[4].text for tag in tags)


def test_dictionary_tags_are_the_same_whether_built_or_loaded_from_jieba_cache(
        tmp_path, monkeypatch):
    """The prefix dictionary is built once with its tags, exactly as jieba builds it;
    loaded from jieba's cache it has no tags, and they are read from the file instead."""
    import jieba

    cls = segment._tagging_tokenizer_class()
    built, loaded, reference = cls(), cls(), jieba.Tokenizer()
    for tok in (built, loaded):
        tok.tmp_dir, tok.cache_file = str(tmp_path), "jieba.cache"
        tok.initialize()
    reference.tmp_dir, reference.cache_file = str(tmp_path), "reference.cache"
    reference.initialize()
    assert reference.FREQ == built.FREQ and reference.total == built.total
    assert built.word_tags and loaded.word_tags is None
    monkeypatch.setattr(segment, "tokenizer", lambda: loaded)
    assert segment.dictionary_tags() == built.word_tags
