"""xinzhi.plot: Chinese renders with no missing glyphs; the chart helpers."""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import xinzhi  # noqa: E402
from xinzhi import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _clean_figures():
    plot.setup()  # a test may have changed rcParams
    yield
    plt.close("all")


def _render(ax: Axes, tmp_path: Path | None = None) -> Path | None:
    """Draw the figure with every warning an error (a missing glyph warns at draw time)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.canvas.draw()
        if tmp_path is not None:
            out = tmp_path / "figure.png"
            ax.figure.savefig(out)
            return out
    return None


def _chinese_chart() -> Axes:
    fig, ax = plt.subplots()
    ax.bar(["创新", "产业", "绿色"], [3.5, -1.25, 2.0])
    ax.set_title("新质生产力：词频 α")
    ax.set_xlabel("关键词（α 表示显著性）")
    ax.set_ylabel("变化 −1 到 4")
    ax.annotate("负值", (1, -1.25))
    return ax


# --- setup and house style (fonts: tests/test_fonts.py) ----------------------------
def test_a_chinese_chart_renders_without_missing_glyphs(tmp_path, font_log):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = _chinese_chart()
        out = _render(ax, tmp_path)
    assert out is not None and out.stat().st_size > 10_000
    assert [t.get_text() for t in ax.get_xticklabels()] == ["创新", "产业", "绿色"]
    assert any(t.get_text().startswith("-") for t in ax.get_yticklabels())  # negative ticks
    assert font_log == [], [r.getMessage() for r in font_log]


def test_font_family_is_latin_first_then_chinese():
    family = matplotlib.rcParams["font.family"]
    assert family == [plot.LATIN_FAMILY, plot.chinese_font_family()] == plot.font_families()
    assert "sans-serif" not in family
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert plot.chinese_font_family() == "Noto Sans SC"  # the pinned OFL package
    assert plot.font_path().suffix == ".otf"


def test_setup_is_idempotent():
    plot.setup()
    first = {k: matplotlib.rcParams[k] for k in ("font.family", "font.sans-serif", "axes.prop_cycle", "figure.dpi")}
    plot.setup()
    second = {k: matplotlib.rcParams[k] for k in first}
    assert first == second


def test_setup_restores_style_after_rcdefaults():
    plt.rcdefaults()
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
    plot.setup()
    assert matplotlib.rcParams["font.family"][:2] == [plot.LATIN_FAMILY, plot.chinese_font_family()]


def test_house_style():
    rc = matplotlib.rcParams
    assert rc["figure.dpi"] == 110
    assert rc["axes.spines.top"] is False and rc["axes.spines.right"] is False
    assert rc["axes.grid"] is True
    colours = [c["color"].upper() for c in rc["axes.prop_cycle"]]
    assert colours == [c.upper() for c in plot.OKABE_ITO]


# --- chart helpers -----------------------------------------------------------------
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


def test_lengths_by_essay(tmp_path):
    corpus = xinzhi.load_corpus()
    ax = plot.lengths_by_essay(corpus)
    assert ax.get_title()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "1 哲学思考" and len(labels) == 8
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == corpus.essays_table["han"].tolist()
    assert all("段" in t.get_text() for t in ax.texts)
    _render(ax, tmp_path)


def test_helpers_draw_on_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plot.ranked_bars(pd.Series({"甲": 1}), ax=left) is left
    assert plot.heatmap(pd.DataFrame({"甲": [1.0]}), ax=right) is right
    with pytest.raises(TypeError, match="Axes"):
        plot.ranked_bars(pd.Series({"甲": 1}), ax="left")


def test_plain_matplotlib_and_pandas_plots_stay_quiet():
    """The house style forces no layout engine: a notebook's plt.tight_layout() must not
    warn, and pandas plotting picks up the Chinese fonts too."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, ax = plt.subplots()
        pd.Series({"创新": 3, "产业": -1}).plot.bar(ax=ax, rot=0, title="频次")
        fig.tight_layout()
        fig.canvas.draw()
    assert ax.get_title() == "频次"


def _argument_table():
    import pandas as pd

    return pd.DataFrame(
        [("C", "主张", "须把握新质生产力", "1.1", None),
         ("R1", "理由", "新事物是对旧事物的扬弃", "1.2", "C"),
         ("E1", "证据", "唯物辩证法", "1.2", "R1"),
         ("A1", "前提", "传统、新质生产力，对应旧事物、新事物", "1.2", "R1")],
        columns=["node", "role", "text", "pids", "supports"])


def test_argument_map_draws_every_node_under_what_it_supports():
    ax = plot.argument_map(_argument_table(), title="论证图")
    try:
        assert ax.get_title() == "论证图"
        boxes = {t.get_text().split("〔")[0]: t.get_position() for t in ax.texts}
        assert set(boxes) == {"主张 C", "理由 R1", "证据 E1", "前提 A1"}
        assert boxes["主张 C"][1] > boxes["理由 R1"][1] > boxes["证据 E1"][1]
        assert boxes["证据 E1"][1] == boxes["前提 A1"][1]
        assert "〔1.2〕" in next(t.get_text() for t in ax.texts if t.get_text().startswith("理由"))
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("change,needle", [
    (lambda t: t.drop(columns="pids"), "missing: pids"),
    (lambda t: t.assign(role=["主张", "理由", "证据", "猜想"]), "unknown role 猜想"),
    (lambda t: t.assign(supports=[None, "C", "X9", "R1"]), "not a node"),
    (lambda t: t.assign(supports=[None, None, "R1", "R1"]), "lead to the claim"),
])
def test_argument_map_explains_a_bad_table(change, needle):
    with pytest.raises(ValueError, match=needle):
        plot.argument_map(change(_argument_table()))
    plt.close("all")
