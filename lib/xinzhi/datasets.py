"""The small data files shipped in ``xinzhi/data``, as pandas tables.

Each table ``NAME.csv`` has a provenance note ``NAME.md`` beside it (source, package and
version, licence); :func:`provenance` returns it.  The glossary, the timeline, the errata
and the chronology of the essays' sources are written for this project from the essays;
the GDP tables come from published data.  Every call reads the file afresh, so a table
a student changes in place changes nothing for the next call.

>>> [name for name in dataset_names() if name.startswith("gdp_")]
['gdp_china_world', 'gdp_per_capita_real', 'gdp_real_china_usa']
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from .conventions import parse_pid
from .errors import LookupFailed

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["dataset_names", "load_dataset", "provenance", "glossary", "errata"]


def _data_dir():
    return resources.files("xinzhi").joinpath("data")


def dataset_names() -> list[str]:
    """Names of the shipped tables (file names without ``.csv``)."""
    return sorted(p.name[:-4] for p in _data_dir().iterdir() if p.name.endswith(".csv"))


def _check(name: object) -> str:
    names = dataset_names()
    if not isinstance(name, str) or name.removesuffix(".csv") not in names:
        raise LookupFailed(f"no dataset {name!r}; the shipped datasets are: {', '.join(names)}")
    return name.removesuffix(".csv")


def load_dataset(name: str, *, dtype: object = None) -> "pd.DataFrame":
    """Read a shipped table; empty cells are empty strings in text columns.

    ``dtype=str`` reads every column as text, exactly as written in the file.

    >>> load_dataset("timeline").columns[:2].tolist()
    ['date', 'label']
    """
    import pandas as pd

    name = _check(name)
    with _data_dir().joinpath(f"{name}.csv").open(encoding="utf-8") as fh:
        frame = pd.read_csv(fh, keep_default_na=False, na_values=[""], dtype=dtype)
    text = frame.select_dtypes(exclude="number").columns
    frame[text] = frame[text].fillna("")
    return frame


def provenance(name: str) -> str:
    """The provenance note of a shipped table (Markdown), or a note that it has none."""
    name = _check(name)
    note = _data_dir().joinpath(f"{name}.md")
    if not note.is_file():
        return f"{name}.csv: written for this project; see the project README."
    return note.read_text(encoding="utf-8")


def glossary() -> "pd.DataFrame":
    """The project's glossary: ``term, pinyin, english, definition, chapter``.

    >>> "新质生产力" in set(glossary().term)
    True
    """
    frame = load_dataset("glossary")
    frame["chapter"] = frame["chapter"].astype(str).str.zfill(2)
    return frame


def errata() -> "pd.DataFrame":
    """The errata table: one row per slip in the source text, in pid order.

    Columns ``pid, as_printed, reading, kind, kind_zh, sure, note`` (see ``errata.md``):
    ``as_printed`` occurs exactly once in the paragraph ``pid``; ``sure`` is ``certain``,
    ``probable`` or ``possible``.

    >>> table = errata()
    >>> table.loc[table.pid == "3.7", "as_printed"].tolist()
    ['先先进']
    """
    frame = load_dataset("errata", dtype=str)
    order = frame["pid"].map(parse_pid)
    return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)
