"""The corpus's own charts (essay lengths, argument maps), and the one import a chapter
needs for figures: :mod:`xinzhi.plot` also gives the house style (:mod:`xinzhi.style`)
and the generic charts (:mod:`xinzhi.charts`) under the same name, ``plot.setup()``,
``plot.ranked_bars(...)``.

Importing it changes no matplotlib setting; every chart applies the house style before
it draws, and a notebook that draws with matplotlib itself calls ``plot.setup()`` once.

>>> from xinzhi import plot
>>> plot.chinese_font_family()
'Noto Sans SC'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import fonts as _fonts
from .charts import _axes, heatmap, network, ranked_bars, timeline
from .style import (
    LATIN_FAMILY,
    OKABE_ITO,
    SYSTEM_CJK_FAMILIES,
    chinese_font_family,
    ensure_setup,
    font_families,
    font_path,
    setup,
)

with _fonts.quiet_font_manager():
    import matplotlib.pyplot as plt  # noqa: F401  (the doctests use it)
    from matplotlib.axes import Axes

if TYPE_CHECKING:
    import pandas as pd

    from .corpus import Corpus

__all__ = [
    "setup",
    "ensure_setup",
    "chinese_font_family",
    "font_path",
    "font_families",
    "LATIN_FAMILY",
    "OKABE_ITO",
    "ranked_bars",
    "heatmap",
    "network",
    "timeline",
    "lengths_by_essay",
    "argument_map",
    "ARGUMENT_ROLES",
    "short_title",
    "SHORT_TITLES",
    "SYSTEM_CJK_FAMILIES",
]

#: Short labels for the eight essays' titles, for axes too narrow for the full titles.
SHORT_TITLES = {
    "关于新质生产力的哲学思考": "哲学思考",
    "新质生产力：发展过程中的生产关系改革": "生产关系改革",
    "新质生产力：高质量发展的强劲推动力支撑力": "强劲推动力支撑力",
    "新质生产力的形成逻辑与影响": "形成逻辑与影响",
    "以新质生产力发展推进中国式现代化建设": "推进中国式现代化",
    "以新质生产力推动经济高质量发展": "推动经济高质量发展",
    "用新质生产力赋能高质量发展": "赋能高质量发展",
    "准确把握新质生产力内涵 着力推动经济高质量发展": "准确把握内涵",
}


def short_title(title: str, width: int = 10) -> str:
    """A short label for an essay title: from :data:`SHORT_TITLES`, else the title
    without its common words, cut to ``width`` characters.

    >>> short_title("新质生产力的形成逻辑与影响")
    '形成逻辑与影响'
    >>> short_title("以新质生产力引领产业体系现代化的路径研究")
    '引领产业体系现代化…'
    """
    if title in SHORT_TITLES:
        return SHORT_TITLES[title]
    text = title.split("：")[-1].strip()
    text = re.sub(r"^(?:关于|以|用)?新质生产力(?:的|发展)?", "", text) or text
    return text if len(text) <= width else text[: width - 1] + "…"


def lengths_by_essay(corpus: "Corpus", *, ax: Axes | None = None) -> Axes:
    """Han characters per essay as bars, with each essay's paragraph count written on it;
    essays top to bottom in reading order, labelled ``"1 哲学思考"``.

    >>> import xinzhi
    >>> ax = lengths_by_essay(xinzhi.load_corpus())
    >>> ax.get_yticklabels()[0].get_text()
    '1 哲学思考'
    >>> plt.close(ax.figure)
    """
    table = corpus.essays_table
    if table.empty:
        raise ValueError("lengths_by_essay: the corpus has no essays")
    n = len(table)
    ax = _axes(ax, figsize=(7.2, max(2.6, 0.42 * n + 1.2)))
    positions = list(range(n - 1, -1, -1))
    bars = ax.barh(positions, table["han"].to_list(), color=OKABE_ITO[0], height=0.65)
    ax.set_yticks(
        positions,
        labels=[f"{e} {short_title(t)}" for e, t in zip(table["essay"], table["title"])],
    )
    ax.bar_label(
        bars,
        labels=[f"{h:,} 字 · {p} 段" for h, p in zip(table["han"], table["paragraphs"])],
        padding=3,
        fontsize=9,
    )
    ax.margins(x=0.2)
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("汉字数")
    ax.set_title("各篇篇幅：汉字数与段落数")
    return ax


#: Colours of the roles in an argument map (Okabe–Ito): claim, reason, evidence, a premise
#: the essay states (前提), and a premise the reader reconstructs because the essay leaves it
#: unstated (补出前提, drawn grey: its wording is ours, not a quotation).
ARGUMENT_ROLES = {"主张": OKABE_ITO[1], "理由": OKABE_ITO[5], "证据": OKABE_ITO[2],
                  "前提": OKABE_ITO[4], "补出前提": OKABE_ITO[7]}
_ARGUMENT_COLUMNS = ("node", "role", "text", "pids", "supports")


def _wrap_clauses(text: str, width: int = 10) -> str:
    """Break Chinese text after its punctuation into lines of about ``width`` characters."""
    lines = [""]
    for piece in re.findall(r"[^，、：；]+[，、：；]?", text):
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(lines)


def argument_map(table: "pd.DataFrame", *, title: str | None = None,
                 ax: Axes | None = None) -> Axes:
    """Draw an argument as a tree: the claim on top, what supports it one row down.

    ``table`` has one row per node with columns ``node`` (an id such as ``"R1"``),
    ``role`` (one of :data:`ARGUMENT_ROLES`), ``text``, ``pids`` (where the essay says
    it) and ``supports`` (the node it supports; empty for the claim, the first row).
    Each box shows role, id, pid and text; arrows point to the node supported.

    >>> import pandas as pd
    >>> t = pd.DataFrame([("C", "主张", "甲", "1.1", None), ("R", "理由", "乙", "1.2", "C")],
    ...                  columns=["node", "role", "text", "pids", "supports"])
    >>> argument_map(t, title="示例").get_title()
    '示例'
    >>> plt.close("all")
    """
    import networkx as nx

    missing = [c for c in _ARGUMENT_COLUMNS if c not in getattr(table, "columns", [])]
    if missing:
        raise ValueError(f"argument_map: the table needs columns {', '.join(_ARGUMENT_COLUMNS)}; "
                         f"missing: {', '.join(missing)}")
    rows = table.set_index("node")
    unknown = sorted(set(rows.role) - set(ARGUMENT_ROLES))
    if unknown:
        raise ValueError(f"argument_map: unknown role {', '.join(unknown)}; use "
                         f"{', '.join(ARGUMENT_ROLES)}")
    graph = nx.DiGraph()
    graph.add_nodes_from(rows.index)
    for node, target in rows.supports.items():
        if isinstance(target, str) and target:
            if target not in rows.index:
                raise ValueError(f"argument_map: {node} supports {target!r}, which is not a node")
            graph.add_edge(node, target)
    claim = rows.index[0]
    try:
        depth = {n: nx.shortest_path_length(graph, n, claim) for n in graph}
    except nx.NetworkXNoPath as exc:
        raise ValueError(f"argument_map: every node must lead to the claim {claim}: {exc}") from None
    pos: dict[str, tuple[float, float]] = {}
    for level in sorted(set(depth.values())):
        nodes = [n for n in rows.index if depth[n] == level]
        nodes.sort(key=lambda n: pos[rows.supports[n]][0] if level else 0)
        pos.update({n: ((i + 0.5) / len(nodes), -level) for i, n in enumerate(nodes)})
    ax = _axes(ax, figsize=(11, 5.8))
    nx.draw_networkx_edges(graph, pos, ax=ax, arrowstyle="-|>", arrowsize=14,
                           edge_color="#8c8c8c", min_source_margin=32, min_target_margin=36)
    for node, (x, y) in pos.items():
        ax.text(x, y, f"{rows.role[node]} {node}〔{rows.pids[node]}〕\n"
                      f"{_wrap_clauses(str(rows.text[node]))}",
                ha="center", va="center", fontsize=8.5,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": ARGUMENT_ROLES[rows.role[node]],
                      "alpha": 0.3, "edgecolor": "#555555"})
    if title:
        ax.set_title(title)
    ax.set_axis_off()
    ax.margins(0.05, 0.22)
    return ax
