"""Chinese word segmentation tuned to these essays, with jieba 0.42.1.

The package builds its own :class:`jieba.Tokenizer` (the global ``jieba.dt`` is never
touched), loads the domain dictionary ``data/userdict.txt`` into it once, in file
order, and keeps jieba's dictionary cache in the per-user cache directory
(:func:`cache_dir`).  jieba's logger and its import-time warnings are silenced here, so
no notebook output shows them.

:func:`tokenize` is lossless: ``"".join(tokenize(text)) == text``.  Dropping stopwords
and punctuation is a separate step (:func:`content_tokens`, or the ``is_stopword`` and
``is_punct`` columns of :attr:`xinzhi.Corpus.tokens`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import math
import os
import pickle
import tempfile
import threading
import unicodedata
import warnings
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import jieba
    import pandas as pd

    from .corpus import Corpus

__all__ = [
    "tokenize",
    "content_tokens",
    "is_punct",
    "is_stopword",
    "stopwords",
    "domain_terms",
    "tokenizer",
    "pos_tokenizer",
    "token_table",
    "cache_dir",
    "quiet_jieba",
    "smoothed_idf",
    "idf_table",
    "keyword_extractor",
    "textrank_extractor",
    "dictionary_tags",
]

#: Bump when the token table's columns or rules change, so old caches are ignored.
TOKEN_SCHEMA = 3

_lock = threading.Lock()


def cache_dir() -> Path:
    """The per-user cache folder, created on first use.

    ``$XINZHI_CACHE_DIR`` if set, else the platform's user cache folder for ``xinzhi``
    as platformdirs names it (on Linux ``$XDG_CACHE_HOME/xinzhi``, by default
    ``~/.cache/xinzhi``; on macOS ``~/Library/Caches/xinzhi``; on Windows under
    ``%LOCALAPPDATA%``).

    Returns
    -------
    Path

    Examples
    --------
    >>> cache_dir().is_dir()
    True
    """
    base = os.environ.get("XINZHI_CACHE_DIR")
    if base:
        path = Path(base)
    else:
        import platformdirs

        path = platformdirs.user_cache_path("xinzhi", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _data_bytes(name: str) -> bytes:
    return resources.files("xinzhi").joinpath("data", name).read_bytes()


def quiet_jieba(*, posseg: bool = False):
    """Import jieba without its noise, for this package and for anything else that uses
    jieba's global tokenizer (Sphinx's Chinese search does).

    Its import-time warnings (pkg_resources, regular expressions) are suppressed, its
    logger is silenced, and the global tokenizer ``jieba.dt`` keeps its dictionary cache
    in :func:`cache_dir`, not in the system's temporary folder.  ``jieba.posseg`` is
    imported only when asked for: importing it builds a global tagger that parses
    jieba's whole 5 MB dictionary.

    Returns
    -------
    module
        The ``jieba`` module.

    Examples
    --------
    >>> quiet_jieba().dt.tmp_dir == str(cache_dir())
    True
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

        if posseg:
            import jieba.posseg  # noqa: F401
    jieba.setLogLevel(logging.CRITICAL + 10)
    jieba.dt.tmp_dir = str(cache_dir())
    return jieba


@functools.lru_cache(maxsize=1)
def _jieba_version() -> str:
    # From the installed metadata: the token cache is checked without importing jieba.
    return importlib.metadata.version("jieba")


@functools.lru_cache(maxsize=1)
def _dictionary_entries() -> tuple[tuple[str, int | None, str], ...]:
    entries = []
    for raw in _data_bytes("userdict.txt").decode("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, *rest = line.split()
        freq = int(rest.pop(0)) if rest and rest[0].isdigit() else None
        pos = rest[0] if rest else "nz"
        entries.append((word, freq, pos))
    return tuple(entries)


def domain_terms() -> tuple[tuple[str, str], ...]:
    """The domain dictionary as ``(term, pos)`` pairs, in file order.

    >>> ("新质生产力", "nz") in domain_terms()
    True
    """
    return tuple((word, pos) for word, _, pos in _dictionary_entries())


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stopword list for this prose (``data/stopwords.txt``; see its header).

    >>> "的" in stopwords(), "生产力" in stopwords()
    (True, False)
    """
    words = set()
    for raw in _data_bytes("stopwords.txt").decode("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return frozenset(words)


def _tagging_tokenizer_class():
    jieba = quiet_jieba()

    class TaggingTokenizer(jieba.Tokenizer):
        """A jieba Tokenizer that keeps the dictionary's part-of-speech tags from the
        pass that builds its prefix dictionary, so the 5 MB file is parsed once."""

        word_tags: dict[str, str] | None = None

        def gen_pfdict(self, f):
            # jieba 0.42.1's Tokenizer.gen_pfdict, plus the third column; decoding the
            # file at once makes it faster than the original, not slower.
            with f:
                text = f.read().decode("utf-8")
            lfreq: dict[str, int] = {}
            tags: dict[str, str] = {}
            ltotal = 0
            for line in text.splitlines():
                word, freq, tag = line.split(" ")  # jieba's dict.txt: word freq tag
                count = int(freq)
                lfreq[word] = count
                ltotal += count
                tags[word] = tag
                for end in range(1, len(word)):
                    prefix = word[:end]
                    if prefix not in lfreq:
                        lfreq[prefix] = 0
            self.word_tags = tags
            return lfreq, ltotal

    return TaggingTokenizer


@functools.lru_cache(maxsize=1)
def tokenizer() -> "jieba.Tokenizer":
    """The package's own jieba tokenizer, with the domain dictionary loaded once."""
    with _lock:
        tok = _tagging_tokenizer_class()()
        tok.tmp_dir = str(cache_dir())
        tok.cache_file = "jieba.cache"
        tok.initialize()
        # add_word with no frequency asks jieba for one that keeps the term whole;
        # the answer depends on earlier additions, hence the fixed file order.  A few
        # terms carry a frequency so that they win over an overlapping term.
        for word, freq, pos in _dictionary_entries():
            tok.add_word(word, freq=freq, tag=pos)
        return tok


def dictionary_tags() -> dict[str, str]:
    """Part-of-speech tag of every dictionary word, the domain dictionary's included."""
    tok = tokenizer()
    if tok.word_tags is None:
        # The prefix dictionary came from jieba's cache, which keeps no tags.
        tok.word_tags = {}
        with tok.get_dict_file() as fh:
            for line in fh:
                word, _, *tag = line.decode("utf-8").split()
                if tag:
                    tok.word_tags[word] = tag[0]
    return {**tok.word_tags, **tok.user_word_tag_tab}


@functools.lru_cache(maxsize=1)
def pos_tokenizer():
    """A ``jieba.posseg.POSTokenizer`` bound to :func:`tokenizer` (for TextRank)."""
    jieba = quiet_jieba(posseg=True)
    return jieba.posseg.POSTokenizer(tokenizer())


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens; joining them gives ``text`` back exactly.

    >>> tokenize("加快形成新质生产力，提高全要素生产率")
    ['加快', '形成', '新质生产力', '，', '提高', '全要素生产率']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() takes a str, not {type(text).__name__}")
    if not text:
        return []
    return list(tokenizer().cut(text, HMM=True))


def is_punct(token: str) -> bool:
    """True for a token made only of punctuation, symbols or white space.

    >>> is_punct("，"), is_punct("……"), is_punct("18%"), is_punct("新质")
    (True, True, False, False)
    """
    return bool(token) and all(
        unicodedata.category(ch)[0] in "PZS" or ch.isspace() for ch in token
    )


def is_stopword(token: str) -> bool:
    """True for a function word of this prose (see ``data/stopwords.txt``)."""
    return token in stopwords()


def content_tokens(text: str) -> list[str]:
    """:func:`tokenize`, then drop punctuation, white space and stopwords.

    >>> content_tokens("发展新质生产力的关键在于创新。")
    ['发展', '新质生产力', '关键在于', '创新']
    """
    return [t for t in tokenize(text) if not is_punct(t) and not is_stopword(t)]


def _pos_of(token: str, tags: dict[str, str]) -> str:
    if is_punct(token):
        return "x"
    if token in tags:
        return tags[token]
    if all(ch.isdigit() or ch in ".%-" for ch in token):
        return "m"
    if token.isascii() and token.isalpha():
        return "eng"
    return "un"


def _cache_key(corpus: "Corpus") -> str:
    h = hashlib.sha256()
    for part in (
        corpus.digest.encode(),
        _data_bytes("userdict.txt"),
        _data_bytes("stopwords.txt"),
        _jieba_version().encode(),
        # The table is a pickled DataFrame: another pandas may not read it back.
        importlib.metadata.version("pandas").encode(),
        str(TOKEN_SCHEMA).encode(),
    ):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:32]


def token_table(corpus: "Corpus", *, use_cache: bool = True) -> "pd.DataFrame":
    """One row per token of every paragraph.

    Columns: ``pid, essay, position`` (0-based within the paragraph), ``token``,
    ``start`` (character offset in the paragraph), ``pos`` (the dictionary's
    part-of-speech tag; ``x`` punctuation, ``m`` number, ``eng`` Latin, ``un`` unknown),
    ``is_stopword``, ``is_punct``.  The table is cached on disk, keyed by the corpus
    text, the dictionary, the stopwords and the versions of jieba and pandas, so a
    change to any of them rebuilds it.
    """
    import pandas as pd

    path = cache_dir() / f"tokens-{_cache_key(corpus)}.pkl"
    if use_cache and path.is_file():
        try:
            with path.open("rb") as fh:
                table = pickle.load(fh)
            if isinstance(table, pd.DataFrame):
                return table
        except Exception:  # a damaged cache is rebuilt, never trusted
            pass

    tags = dictionary_tags()
    stop = stopwords()
    rows = {k: [] for k in ("pid", "essay", "position", "token", "start", "pos",
                            "is_stopword", "is_punct")}
    for p in corpus:
        start = 0
        for i, tok in enumerate(tokenize(p.text)):
            rows["pid"].append(p.pid)
            rows["essay"].append(p.essay)
            rows["position"].append(i)
            rows["token"].append(tok)
            rows["start"].append(start)
            rows["pos"].append(_pos_of(tok, tags))
            rows["is_stopword"].append(tok in stop)
            rows["is_punct"].append(is_punct(tok))
            start += len(tok)
    table = pd.DataFrame(rows)

    if use_cache:
        tmp = tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp")
        try:
            with tmp:
                pickle.dump(table, tmp, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp.name, path)
        except OSError:
            Path(tmp.name).unlink(missing_ok=True)
    return table


def smoothed_idf(document_frequency, documents: int):
    """The one IDF formula of the package: ``log((1 + N) / (1 + df)) + 1``.

    Smoothed as scikit-learn's ``TfidfVectorizer(smooth_idf=True)``: a term in every
    document still weighs 1, and no division by zero.

    Parameters
    ----------
    document_frequency : int or pandas.Series
        In how many documents the term occurs (a Series gives a Series).
    documents : int
        How many documents there are (N).

    Returns
    -------
    float or pandas.Series

    Examples
    --------
    >>> round(smoothed_idf(1, 8), 4), smoothed_idf(8, 8)
    (2.5041, 1.0)
    """
    if hasattr(document_frequency, "map"):
        return document_frequency.map(lambda k: smoothed_idf(int(k), documents))
    return math.log((1 + documents) / (1 + document_frequency)) + 1


def idf_table(texts: Iterable[str]) -> dict[str, float]:
    """Inverse document frequency (:func:`smoothed_idf`) of every content token over
    ``texts``, each text one document.

    Examples
    --------
    >>> idf = idf_table(["新质生产力的特点是创新", "新质生产力"])
    >>> idf["新质生产力"], idf["创新"] > 1
    (1.0, True)
    """
    docs = [set(content_tokens(t)) for t in texts]
    df: dict[str, int] = {}
    for doc in docs:
        for tok in doc:
            df[tok] = df.get(tok, 0) + 1
    n = len(docs)
    return {tok: smoothed_idf(k, n) for tok, k in df.items()}


def keyword_extractor(corpus: "Corpus"):
    """A ``jieba.analyse.TFIDF`` using :func:`tokenizer`, this corpus's paragraphs as
    documents for IDF, and the project's stopwords."""
    quiet_jieba(posseg=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba.analyse
    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = tokenizer()
    extractor.postokenizer = pos_tokenizer()
    idf = idf_table(p.text for p in corpus)
    extractor.idf_freq = idf
    extractor.median_idf = sorted(idf.values())[len(idf) // 2]
    extractor.stop_words = set(stopwords())
    return extractor


def textrank_extractor():
    """A ``jieba.analyse.TextRank`` that segments with :func:`pos_tokenizer`."""
    quiet_jieba(posseg=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba.analyse
    extractor = jieba.analyse.TextRank()
    extractor.tokenizer = extractor.postokenizer = pos_tokenizer()
    extractor.stop_words = set(stopwords())
    return extractor
