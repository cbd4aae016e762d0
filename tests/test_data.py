"""Data files ship with provenance, and the extracted data match their source package."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

import xinzhi
import xinzhi.datasets

DATA = Path(xinzhi.__file__).parent / "data"
TABLES = sorted(DATA.glob("*.csv"))


@pytest.mark.parametrize("table", TABLES, ids=lambda p: p.name)
def test_every_data_file_has_a_provenance_note(table):
    note = table.with_suffix(".md")
    assert note.is_file(), f"{table.name} needs {note.name}"
    text = note.read_text(encoding="utf-8").lower()
    for needle in ("source", "licen"):
        assert needle in text, f"{note.name} does not say its {needle}"


def test_extracted_data_match_the_source_package():
    out = subprocess.run([sys.executable, str(DATA / "extract_data.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "differs" not in out.stdout.lower()


def test_load_dataset_and_its_errors():
    assert set(xinzhi.datasets.dataset_names()) == {p.stem for p in TABLES}
    frame = xinzhi.datasets.load_dataset("gdp_china_world")
    with (DATA / "gdp_china_world.csv").open(encoding="utf-8") as fh:
        assert len(frame) == sum(1 for _ in fh) - 1
    assert "Source" in xinzhi.datasets.provenance("gdp_china_world")
    with pytest.raises(ValueError, match="shipped datasets are: .*glossary"):
        xinzhi.datasets.load_dataset("gdp_of_mars")


def test_glossary_rows_are_complete_and_unique():
    with (DATA / "glossary.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(rows[0]) == {"term", "pinyin", "english", "definition", "chapter"}
    terms = [r["term"] for r in rows]
    assert len(terms) == len(set(terms)), "a term is defined twice"
    for row in rows:
        assert all(row[k].strip() for k in ("term", "pinyin", "english", "definition")), row
        assert row["chapter"].isdigit() and len(row["chapter"]) == 2, row


def test_a_table_changed_in_place_does_not_change_the_next_call():
    from xinzhi import datasets

    first = datasets.glossary()
    first["term"] = "changed"
    assert "changed" not in set(datasets.glossary().term)


def test_an_unknown_dataset_is_a_lookup_error_naming_the_datasets():
    import pytest

    import xinzhi
    from xinzhi import datasets

    with pytest.raises(xinzhi.LookupFailed, match="glossary") as caught:
        datasets.load_dataset("glosary")
    assert isinstance(caught.value, ValueError)
