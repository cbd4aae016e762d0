"""Generic charts with Chinese titles and labels: ranked bars, a heatmap, a network, a
timeline.

Each helper draws on ``ax`` (a new figure when ``ax`` is None), applies the house style
first if nothing has (:func:`xinzhi.style.ensure_setup`), returns the Axes, and never
calls ``plt.show()``.  The charts of this corpus in particular are in :mod:`xinzhi.plot`.

>>> ax = ranked_bars({"创新": 12, "生产力": 30}, title="词频")
>>> [t.get_text() for t in ax.get_yticklabels()]
['生产力', '创新']
>>> import matplotlib.pyplot as plt; plt.close(ax.figure)
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Mapping

from . import fonts as _fonts
from .style import OKABE_ITO, ensure_setup

with _fonts.quiet_font_manager():
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["ranked_bars", "heatmap", "network", "timeline"]


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    ensure_setup()
    if ax is None:
        # Constrained layout only for our own figures: set globally, it would make a
        # later plt.tight_layout() in a notebook warn "layout has changed".
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from plt.subplots()), not {type(ax).__name__}"
        )
    return ax


def _number_label(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _require_pandas():
    import pandas as pd

    return pd


# --- ranked bars -------------------------------------------------------------------
def _ranked_series(data: Any, label_col: str | None, value_col: str | None) -> "pd.Series":
    pd = _require_pandas()
    if isinstance(data, Mapping) and not isinstance(data, pd.Series):
        data = pd.Series(dict(data), dtype="object")
    if isinstance(data, pd.DataFrame):
        columns = list(data.columns)
        for name, col in (("label_col", label_col), ("value_col", value_col)):
            if col is not None and col not in columns:
                raise ValueError(f"{name}={col!r} is not a column; the columns are {columns}")
        if value_col is None:
            if len(columns) == 2 and label_col in (None, columns[0]):
                label_col, value_col = columns
            else:
                raise ValueError(
                    "ranked_bars needs to know which columns to draw: pass "
                    f"label_col= and value_col= (the columns are {columns})"
                )
        labels = data.index if label_col is None else data[label_col]
        series = pd.Series(list(data[value_col]), index=[str(x) for x in labels], dtype="object")
    elif isinstance(data, pd.Series):
        series = pd.Series(list(data), index=[str(x) for x in data.index], dtype="object")
    else:
        raise TypeError(
            "ranked_bars takes a pandas Series (index = labels), a dict, or a DataFrame "
            f"with label_col and value_col, not {type(data).__name__}"
        )
    if series.empty:
        raise ValueError("ranked_bars: nothing to draw, the data is empty")
    try:
        values = pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError):
        raise ValueError("ranked_bars: the values must be numbers") from None
    bad = [label for label, v in values.items() if not math.isfinite(v)]
    if bad:
        raise ValueError(f"ranked_bars: missing or infinite values for {bad[:5]}; drop or fill them first")
    return values


def ranked_bars(
    data: Any,
    *,
    label_col: str | None = None,
    value_col: str | None = None,
    top: int | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ax: Axes | None = None,
    color: str | None = None,
    annotate: bool = True,
) -> Axes:
    """Horizontal bars, largest at the top, with the values written at the bar ends.

    ``data`` is a Series (index = labels), a dict, or a DataFrame with ``label_col`` and
    ``value_col`` (a two-column frame needs neither).  ``top`` keeps the N largest.
    Ties keep the data's order.

    >>> import pandas as pd
    >>> ax = ranked_bars(pd.Series({"创新": 12, "产业": 7, "绿色": 9}), title="词频")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['创新', '绿色', '产业']
    >>> plt.close(ax.figure)
    """
    values = _ranked_series(data, label_col, value_col)
    values = values.sort_values(ascending=False, kind="mergesort")
    if top is not None:
        if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
            raise ValueError(f"top must be a positive whole number, not {top!r}")
        values = values.head(int(top))
    n = len(values)
    ax = _axes(ax, figsize=(7.2, max(2.4, 0.34 * n + 1.3)))
    positions = list(range(n - 1, -1, -1))  # first (largest) row at the top
    bars = ax.barh(positions, values.to_list(), color=color or OKABE_ITO[0], height=0.7)
    ax.set_yticks(positions, labels=list(values.index))
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if annotate:
        ax.bar_label(bars, labels=[_number_label(v) for v in values], padding=3, fontsize=9)
        ax.margins(x=0.12)
    if values.min() < 0:
        ax.axvline(0, color="#555555", linewidth=0.8)
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    return ax


# --- heatmap -----------------------------------------------------------------------
def heatmap(
    frame: "pd.DataFrame",
    *,
    title: str | None = None,
    cmap: str = "Blues",
    fmt: str = "{:.2f}",
    annotate: bool = True,
    ax: Axes | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Axes:
    """A matrix as coloured cells with a colour bar; row and column labels from the
    frame's index and columns; values written in the cells (``fmt``) when ``annotate``.
    Missing values stay blank.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1.0, 0.3], [0.3, 1.0]], index=["第1篇", "第2篇"], columns=["第1篇", "第2篇"])
    >>> ax = heatmap(m, title="相似度")
    >>> ax.get_title(), ax.texts[1].get_text()
    ('相似度', '0.30')
    >>> plt.close(ax.figure)
    """
    pd = _require_pandas()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"heatmap takes a pandas DataFrame, not {type(frame).__name__}")
    if frame.empty:
        raise ValueError("heatmap: nothing to draw, the frame is empty")
    try:
        values = frame.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("heatmap: every cell must be a number (or missing)") from None
    try:
        fmt.format(1.0)
    except (ValueError, IndexError, KeyError, AttributeError):
        raise ValueError(f"heatmap: fmt={fmt!r} is not a format string like '{{:.2f}}'") from None
    rows, cols = values.shape
    ax = _axes(ax, figsize=(max(4.0, 0.62 * cols + 2.6), max(3.2, 0.5 * rows + 1.6)))
    image = ax.imshow(
        values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal" if rows == cols else "auto"
    )
    ax.figure.colorbar(image, ax=ax, shrink=0.85)
    col_labels = [str(c) for c in frame.columns]
    long_labels = max(len(c) for c in col_labels) > 4
    ax.set_xticks(range(cols), labels=col_labels, rotation=40 if long_labels else 0,
                  ha="right" if long_labels else "center")
    ax.set_yticks(range(rows), labels=[str(i) for i in frame.index])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    if annotate:
        low, high = image.get_clim()
        for i in range(rows):
            for j in range(cols):
                v = values[i, j]
                if not math.isfinite(v):
                    continue
                share = (v - low) / (high - low) if high > low else 0.0
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8.5,
                        color="white" if share > 0.6 else "#222222")
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


# --- network -----------------------------------------------------------------------
def _numeric(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"network: {what} must be a finite number, not {value!r}")
    return float(value)


def network(
    graph: "nx.Graph",
    *,
    weight: str = "weight",
    size_attr: str = "count",
    title: str | None = None,
    ax: Axes | None = None,
    seed: int = 42,
    top_edges: int | None = None,
) -> Axes:
    """A networkx graph with a deterministic spring layout.

    Edge widths follow the edge attribute ``weight`` (1 when absent), node areas the node
    attribute ``size_attr`` (all equal when absent).  ``top_edges`` keeps the N heaviest
    edges and the nodes they join.  Nodes are laid out in sorted order with a fixed
    ``seed``, so the same graph gives the same picture however it was built.

    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("创新", "产业", weight=3)
    >>> g.add_edge("创新", "绿色", weight=1)
    >>> ax = network(g, title="共现网络")
    >>> sorted(t.get_text() for t in ax.texts)
    ['产业', '创新', '绿色']
    >>> plt.close(ax.figure)
    """
    import networkx as nx

    if not isinstance(graph, nx.Graph):
        raise TypeError(f"network takes a networkx graph, not {type(graph).__name__}")
    if graph.is_multigraph():
        raise ValueError(
            "network: draw a simple graph; merge the parallel edges of the MultiGraph "
            "into one edge with a summed weight first"
        )
    if graph.number_of_nodes() == 0:
        raise ValueError("network: nothing to draw, the graph has no nodes")

    edges = []
    for u, v, data in graph.edges(data=True):
        edges.append((u, v, _numeric(data.get(weight, 1), f"edge weight {weight!r} of {u}–{v}")))
    edges.sort(key=lambda e: (-e[2], str(e[0]), str(e[1])))
    if top_edges is not None:
        if isinstance(top_edges, bool) or not isinstance(top_edges, numbers.Integral) or top_edges < 1:
            raise ValueError(f"top_edges must be a positive whole number, not {top_edges!r}")
        edges = edges[: int(top_edges)]
    nodes = sorted(
        {n for e in edges for n in e[:2]} if top_edges is not None and edges else graph.nodes,
        key=str,
    )
    g = nx.DiGraph() if graph.is_directed() else nx.Graph()
    g.add_nodes_from(nodes)
    g.add_weighted_edges_from(sorted(edges, key=lambda e: (str(e[0]), str(e[1]))), weight="w")
    pos = nx.spring_layout(g, seed=seed, weight="w")

    raw = {n: graph.nodes[n].get(size_attr) for n in nodes}
    known = {n: max(0.0, _numeric(s, f"node {size_attr!r} of {n}")) for n, s in raw.items() if s is not None}
    largest = max(known.values(), default=0.0)
    if largest > 0:
        smallest = min(known.values())
        # Area grows with the attribute; nodes without it get the smallest size seen.
        sizes = [300 + 1500 * math.sqrt(known.get(n, smallest) / largest) for n in nodes]
    else:
        sizes = [700.0] * len(nodes)
    ax = _axes(ax, figsize=(7.2, 6.0))
    heaviest = max((w for _, _, w in edges), default=1.0) or 1.0
    nx.draw_networkx_edges(
        g, pos, ax=ax, edgelist=[(u, v) for u, v, _ in edges],
        width=[0.8 + 5.2 * max(w, 0.0) / heaviest for _, _, w in edges],
        edge_color="#8c8c8c", alpha=0.6, arrows=graph.is_directed(),
        node_size=sizes, nodelist=nodes,
    )
    nx.draw_networkx_nodes(
        g, pos, ax=ax, nodelist=nodes, node_size=sizes, node_color=OKABE_ITO[5],
        edgecolors=OKABE_ITO[0], linewidths=0.8, alpha=0.9,
    )
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for n in nodes:
        # Drawn with ax.text rather than draw_networkx_labels, whose default family is the
        # generic "sans-serif": our font.family list keeps per-glyph fallback.
        x, y = pos[n]
        ax.text(x, y, str(n), ha="center", va="center", fontsize=10.5, path_effects=halo)
    ax.set_axis_off()
    ax.margins(0.1)
    if title:
        ax.set_title(title)
    return ax


# --- timeline ----------------------------------------------------------------------
_DATE = re.compile(r"^(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?$")


def _parse_date(value: object) -> tuple[float, str] | None:
    """``(fractional year, display text)`` for an accepted date, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, _dt.date):  # also datetime and pandas Timestamp
        year, month, day = value.year, value.month, value.day
        text = f"{year}-{month:02d}-{day:02d}"
    elif isinstance(value, numbers.Integral) or (
        isinstance(value, float) and math.isfinite(value) and value == int(value)
    ):
        year, month, day = int(value), None, None
        text = str(year)
    elif isinstance(value, str):
        match = _DATE.match(unicodedata.normalize("NFKC", value).strip())
        if not match:
            return None
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        text = f"{year}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    else:
        return None
    if not 1 <= year <= 9999:
        return None
    try:
        start = _dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    days = (_dt.date(year + 1, 1, 1) - _dt.date(year, 1, 1)).days if year < 9999 else 365
    return year + (start.timetuple().tm_yday - 1) / days, text


def timeline(
    events: Any,
    *,
    date_col: str = "date",
    label_col: str = "event",
    source_col: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Events on a horizontal time axis, labels staggered above and below it.

    ``events`` is a DataFrame (or a list of dicts) with columns ``date_col`` and
    ``label_col`` (and ``source_col``, shown small under each label, if given).
    Accepted dates: a year as an int (``2023``); a string ``"2023"``, ``"2023-09"`` or
    ``"2023-09-07"`` (also with ``/`` or ``.``, full-width digits, or ``"2023年9月"``);
    a ``datetime.date``, ``datetime`` or pandas ``Timestamp``.  Any other value raises
    ValueError naming the row.

    >>> ax = timeline([{"date": 2023, "event": "首次提出"}, {"date": "2024-01", "event": "集体学习"}],
    ...               title="时间线")
    >>> ax.get_title()
    '时间线'
    >>> plt.close(ax.figure)
    """
    pd = _require_pandas()
    if isinstance(events, (list, tuple)):
        events = pd.DataFrame(list(events))
    if not isinstance(events, pd.DataFrame):
        raise TypeError(f"timeline takes a DataFrame or a list of dicts, not {type(events).__name__}")
    for name, col in (("date_col", date_col), ("label_col", label_col), ("source_col", source_col)):
        if col is not None and col not in events.columns:
            raise ValueError(f"timeline: {name}={col!r} is not a column; the columns are {list(events.columns)}")
    if events.empty:
        raise ValueError("timeline: nothing to draw, there are no events")

    rows = []
    for i, (index, row) in enumerate(events.iterrows()):
        parsed = _parse_date(row[date_col])
        if parsed is None:
            raise ValueError(
                f"timeline: cannot read the date {row[date_col]!r} in row {i} (index {index!r}); "
                "write a year like 2023, or 'YYYY', 'YYYY-MM', 'YYYY-MM-DD'; drop undated "
                f"events first, e.g. events.dropna(subset=[{date_col!r}])"
            )
        label = str(row[label_col])
        source = None if source_col is None else row[source_col]
        rows.append((parsed[0], parsed[1], label, None if _is_missing(source) else str(source)))
    rows.sort(key=lambda r: r[0])  # stable: same-date events keep their order

    xs = [r[0] for r in rows]
    span = max(xs) - min(xs) or 1.0
    gap = span / 4.5
    candidates = [1, -1, 2, -2, 3, -3]
    last: dict[int, float] = {}
    levels = []
    for x in xs:
        free = [lv for lv in candidates if lv not in last or x - last[lv] >= gap]
        level = free[0] if free else min(candidates, key=lambda lv: (last[lv], abs(lv)))
        last[level] = x
        levels.append(level)

    up = max(levels)
    down = -min(min(levels), 0)
    ax = _axes(ax, figsize=(8.0, 1.2 + 1.0 * (up + down)))
    for (x, date_text, label, source), level in zip(rows, levels):
        ax.vlines(x, 0, level * 0.8, color="#aaaaaa", linewidth=0.8, zorder=1)
        ax.plot([x], [0], "o", color=OKABE_ITO[0], markersize=5, zorder=2)
        text = _wrap(label, 12) + f"\n{date_text}"
        if source:
            text += f"\n（{_wrap(source, 16)}）"
        ax.text(x, level * 0.8, text, ha="center", va="bottom" if level > 0 else "top",
                fontsize=9, linespacing=1.25,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#dddddd"})
    # Room for the label boxes (about 0.9 of a level high) beyond the outermost stems.
    ax.set_ylim(-(0.8 * down + 1.0) if down else -0.5, 0.8 * up + 1.0)
    ax.set_xlim(min(xs) - span * 0.12, max(xs) + span * 0.12)
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_position(("data", 0))
    ax.grid(False)
    ticks, tick_labels = _time_ticks(*ax.get_xlim())
    ax.set_xticks(ticks, labels=tick_labels)
    if title:
        ax.set_title(title)
    return ax


def _time_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Year ticks (``2023``) over a long span, month ticks (``2023-07``) over a short one."""
    years = list(range(math.ceil(low), math.floor(high) + 1))
    if len(years) >= 2:
        step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10_000)
                    if len(years) / s <= 8)
        chosen = [y for y in years if y % step == 0]
        return [float(y) for y in chosen], [str(y) for y in chosen]
    months = []
    for year in range(math.floor(low), math.floor(high) + 1):
        for month in range(1, 13):
            parsed = _parse_date(_dt.date(year, month, 1))
            if parsed and low <= parsed[0] <= high:
                months.append((parsed[0], year, month))
    step = next((s for s in (1, 2, 3, 6) if len(months) / s <= 8), 12)
    chosen = [m for m in months if (m[2] - 1) % step == 0]
    return [m[0] for m in chosen], [f"{y}-{mo:02d}" for _, y, mo in chosen]


def _wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters, of even length (so no
    line holds a lone character); Chinese has no spaces, so break anywhere."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    lines = math.ceil(len(text) / width)
    per = math.ceil(len(text) / lines)
    return "\n".join(text[i : i + per] for i in range(0, len(text), per))


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas NA
    except (TypeError, ValueError):
        return False


