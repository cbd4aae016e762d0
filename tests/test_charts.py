"""xinzhi.charts: the generic charts, checked against the data they draw."""

from __future__ import annotations

import datetime

import networkx as nx
import pandas as pd
from matplotlib.axes import Axes

import pytest

from _figures import clean_figures  # noqa: F401  (the autouse fixture)
from _figures import render as _render
from xinzhi import plot


def test_ranked_bars_series_largest_on_top(tmp_path):
    data = pd.Series({"产业": 7, "创新": 12, "绿色": 9, "科技": -2})
    ax = plot.ranked_bars(data, title="关键词频次", xlabel="次数")
    assert isinstance(ax, Axes)
    assert ax.get_title() == "关键词频次" and ax.get_xlabel() == "次数"
    by_height = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())), reverse=True)
    assert [label for _, label in by_height] == ["创新", "绿色", "产业", "科技"]
    assert [t.get_text() for t in ax.texts] == ["12", "9", "7", "-2"]
    _render(ax, tmp_path)


def test_ranked_bars_frame_and_top():
    frame = pd.DataFrame({"term": ["甲", "乙", "丙"], "n": [1.5, 3.25, 2.0], "other": [0, 0, 0]})
    ax = plot.ranked_bars(frame, label_col="term", value_col="n", top=2, title="前两名", annotate=False)
    assert ax.get_title() == "前两名"
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["丙", "乙"]
    assert len(ax.texts) == 0
    two = plot.ranked_bars(frame[["term", "n"]])
    assert {t.get_text() for t in two.get_yticklabels()} == {"甲", "乙", "丙"}
    _render(ax)


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "match"),
    [
        (pd.DataFrame({"a": ["x"], "b": [1], "c": [2]}), {}, ValueError, "label_col"),
        (pd.DataFrame({"a": ["x"], "b": [1]}), {"value_col": "nope"}, ValueError, "not a column"),
        (pd.Series({"x": "many"}), {}, ValueError, "must be numbers"),
        (pd.Series({"x": float("nan")}), {}, ValueError, "missing"),
        (pd.Series(dtype=float), {}, ValueError, "empty"),
        ([1, 2], {}, TypeError, "Series"),
        (pd.Series({"x": 1}), {"top": 0}, ValueError, "top"),
    ],
)
def test_ranked_bars_bad_input(data, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot.ranked_bars(data, **kwargs)


def test_heatmap(tmp_path):
    labels = ["第1篇", "第2篇", "第3篇"]
    frame = pd.DataFrame([[1.0, 0.25, -0.5], [0.25, 1.0, float("nan")], [-0.5, 0.1, 1.0]], index=labels, columns=labels)
    ax = plot.heatmap(frame, title="相似度（余弦）", xlabel="文章", ylabel="文章", fmt="{:.1f}")
    assert ax.get_title() == "相似度（余弦）"
    assert [t.get_text() for t in ax.get_xticklabels()] == labels
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    assert len(ax.figure.axes) == 2  # the colour bar
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 8 and "-0.5" in cells  # the NaN cell stays blank
    _render(ax, tmp_path)


def test_heatmap_bad_input():
    with pytest.raises(ValueError, match="number"):
        plot.heatmap(pd.DataFrame({"a": ["x"]}))
    with pytest.raises(ValueError, match="fmt"):
        plot.heatmap(pd.DataFrame({"a": [1.0]}), fmt="{:q}")
    with pytest.raises(TypeError, match="DataFrame"):
        plot.heatmap([[1, 2]])


def _graph(order: list[tuple[str, str, float]]) -> nx.Graph:
    g = nx.Graph()
    for u, v, w in order:
        g.add_edge(u, v, weight=w)
    for n in sorted(g.nodes):
        g.nodes[n]["count"] = 2 * g.degree(n)
    return g


EDGES = [("创新", "产业", 5), ("创新", "绿色", 3), ("绿色", "发展", 2), ("产业", "发展", 4), ("科技", "创新", 6)]


def test_network_is_deterministic_and_labelled(tmp_path):
    a = plot.network(_graph(EDGES), title="共现网络")
    b = plot.network(_graph(list(reversed(EDGES))), title="共现网络")
    assert a.get_title() == "共现网络"
    pos_a = {t.get_text(): t.get_position() for t in a.texts}
    pos_b = {t.get_text(): t.get_position() for t in b.texts}
    assert set(pos_a) == {"创新", "产业", "绿色", "发展", "科技"}
    assert pos_a == pos_b
    c = plot.network(_graph(EDGES), seed=7)
    assert {t.get_text(): t.get_position() for t in c.texts} != pos_a
    _render(a, tmp_path)


def test_network_top_edges():
    ax = plot.network(_graph(EDGES), top_edges=2)
    assert sorted(t.get_text() for t in ax.texts) == sorted(["科技", "创新", "产业"])
    with pytest.raises(ValueError, match="no nodes"):
        plot.network(nx.Graph())
    with pytest.raises(TypeError, match="networkx"):
        plot.network({"a": "b"})
    bad = nx.Graph()
    bad.add_edge("甲", "乙", weight="heavy")
    with pytest.raises(ValueError, match="weight"):
        plot.network(bad)


def test_timeline_dates_and_staggering(tmp_path):
    events = pd.DataFrame(
        {
            "date": [2023, "2023-09", "2023年12月", datetime.date(2024, 1, 31), "２０２４/03"],
            "event": ["甲事件", "乙事件", "丙事件", "丁事件", "戊事件"],
            "source": ["文献 A", None, "文献 B", None, None],
        }
    )
    ax = plot.timeline(events, source_col="source", title="大事记")
    assert ax.get_title() == "大事记"
    texts = {t.get_text().split("\n")[0]: t for t in ax.texts}
    assert set(texts) == {"甲事件", "乙事件", "丙事件", "丁事件", "戊事件"}
    xs = [texts[k].get_position()[0] for k in ["甲事件", "乙事件", "丙事件", "丁事件", "戊事件"]]
    assert xs == sorted(xs)
    assert "2023-12" in texts["丙事件"].get_text() and "（文献 B）" in texts["丙事件"].get_text()
    # Neighbours a month apart sit at different heights.
    assert texts["丙事件"].get_position()[1] != texts["丁事件"].get_position()[1]
    _render(ax, tmp_path)


@pytest.mark.parametrize("bad", ["昨天", "2023-13", "23-09", None, float("nan"), True])
def test_timeline_rejects_unreadable_dates(bad):
    with pytest.raises(ValueError, match=r"cannot read the date .* 'YYYY-MM'"):
        plot.timeline([{"date": 2020, "event": "甲"}, {"date": bad, "event": "乙"}])


def test_timeline_bad_columns():
    with pytest.raises(ValueError, match="label_col"):
        plot.timeline([{"date": 2020, "what": "甲"}])
