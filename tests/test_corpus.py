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
from xinzhi.conventions import parse_pid
from xinzhi.corpus import default_corpus_path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_961bfa78dd09bc79.txt"
SEED_SHA256 = "74687e7773ad4451edfe647aff37eeda83efa10f2221c12da0d2841c5a23ed16"


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
    assert (t.minutes - t.han / xinzhi.READING_SPEED).abs().max() <= 0.05


def test_sections_table(corpus):
    s = corpus.sections
    assert s.paragraphs.sum() == len(corpus)
    assert set(s.essay) == set(range(1, 9))


def test_count_han_ignores_latin_digits_and_punctuation():
    assert xinzhi.count_han("2035 年，AI 与新质生产力。") == 7


# --- bad input: clear errors, never a partial corpus -------------------------------------

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


# --- views a student may change -------------------------------------------------------

@pytest.mark.parametrize("view,text_column", [("paragraphs", "text"), ("essays_table", "title"),
                                              ("tokens", "token")])
def test_a_view_changed_in_place_leaves_the_corpus_as_it_was(view, text_column):
    corpus = xinzhi.load_corpus()  # its own corpus: this test changes what it is given
    before = getattr(corpus, view).copy(deep=True)
    mine = getattr(corpus, view)
    mine[text_column] = "changed"
    mine.iloc[::-1] = mine.iloc[::-1].to_numpy()  # rows reordered in place
    del mine[mine.columns[0]]
    after = getattr(corpus, view)
    assert after.equals(before)
    assert len(after) > 1


def test_later_analysis_reads_the_corpus_not_a_students_edited_copy():
    corpus = xinzhi.load_corpus()
    before = xinzhi.kwic(corpus, "新质生产力").head(3)
    tokens = corpus.tokens
    del tokens["token"]  # slips a student could make
    paragraphs = corpus.paragraphs
    paragraphs["text"] = ""
    assert xinzhi.kwic(corpus, "新质生产力").head(3).equals(before)


def test_the_source_text_is_the_file_as_loaded(corpus):
    assert corpus.source_text == SEED.read_text(encoding="utf-8")
    assert xinzhi.corpus.parse(corpus.source_text).pids == corpus.pids
