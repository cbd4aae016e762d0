"""xinzhi.plot: the corpus's own charts (essay lengths, argument maps), drawn quietly."""

from __future__ import annotations

import warnings

import pandas as pd

import matplotlib.pyplot as plt
import pytest

import xinzhi
from _figures import clean_figures  # noqa: F401  (the autouse fixture)
from _figures import render as _render
from xinzhi import plot


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
