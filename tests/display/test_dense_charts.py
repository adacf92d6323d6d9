"""Dense point clouds (a scatter per customer, fliers of 200k deals): the same picture, drawn as an image in the SVG."""

from __future__ import annotations

import base64
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import same_color, to_rgb  # noqa: E402
from PIL import Image  # noqa: E402

from salesnb.display import plotting  # noqa: E402
from salesnb.display.chart_svg import figure_svg  # noqa: E402
from salesnb.display.plotting import style  # noqa: E402
from salesnb.display.plotting.customers import plot_clv  # noqa: E402
from salesnb.display.plotting.distributions import plot_boxes  # noqa: E402
from salesnb.display.plotting.people import plot_activity, plot_lorenz  # noqa: E402
from salesnb.display.plotting.service import plot_response_times  # noqa: E402

DENSE = 40  # the threshold the tests run with: clouds of a few dozen points instead of thousands


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch):
    monkeypatch.setattr(style, "DENSE_MARKERS", DENSE)
    yield
    plt.close("all")


def _customers(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"total_value": rng.lognormal(10, 1.5, n), "p_alive": rng.beta(3, 1, n)})


def _clouds(ax) -> list:
    return [c for c in ax.collections if len(c.get_offsets())]


def _images(svg: str) -> list[Image.Image]:
    found = re.findall(r'xlink:href="data:image/png;base64,\s*([^"]+)"', svg)
    return [Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGBA") for b64 in found]


def test_a_sparse_cloud_stays_one_vector_collection_in_the_frame_order():
    frame = _customers(DENSE)
    ax = plot_clv(frame, risk=0.5)
    (cloud,) = _clouds(ax)
    assert not cloud.get_rasterized()
    expected = np.where(frame["p_alive"] < 0.5, style.BAD, style.PRIMARY)
    assert all(same_color(face[:3], color) for face, color in zip(cloud.get_facecolors(), expected, strict=True))
    svg = figure_svg(ax.figure)
    assert "<image" not in svg and svg.count("<use") >= DENSE


def test_a_dense_cloud_draws_every_point_once_in_its_colour_commonest_colour_first():
    frame = _customers(DENSE * 5)
    ax = plot_clv(frame, risk=0.5)
    layers = _clouds(ax)
    assert [len(layer.get_facecolors()) for layer in layers] == [1, 1]  # one colour each: Agg stamps the marker
    assert all(layer.get_rasterized() for layer in layers)
    sizes = [len(layer.get_offsets()) for layer in layers]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == len(frame)
    drawn = {tuple(point): to_rgb(layer.get_facecolors()[0]) for layer in layers for point in layer.get_offsets()}
    for value, alive in frame[["total_value", "p_alive"]].itertuples(index=False):
        assert same_color(drawn[(value, alive)], style.BAD if alive < 0.5 else style.PRIMARY)
    assert all(layer.get_alpha() == 0.55 for layer in layers)


def test_a_dense_cloud_is_one_image_in_the_svg_the_axes_and_texts_stay_vector():
    ax = plot_clv(_customers(DENSE * 5), risk=0.5, title="客户终身价值", xlabel="历史价值", ylabel="存活概率")
    svg = figure_svg(ax.figure)
    (image,) = _images(svg)
    pixels = np.asarray(image, dtype=float)
    drawn = pixels[pixels[..., 3] > 0][:, :3] / 255
    assert len(drawn)  # the points are in the image, both colours of them
    for color in (style.PRIMARY, style.BAD):
        assert (np.abs(drawn - to_rgb(color)).sum(axis=1) < 0.05).any()
    assert svg.count("<use") < DENSE  # the tick marks only, no marker per point
    for text in ("客户终身价值", "历史价值", "存活概率"):
        assert re.search(rf"<text [^>]*>{text}</text>", svg)


def test_dense_activity_keeps_the_flagged_reps_on_top_and_named_as_text():
    n = DENSE * 3
    frame = pd.DataFrame(
        {
            "activities": np.arange(n, dtype=float),
            "revenue": np.arange(n, dtype=float) * 1e4,
            "label": [f"代表{i}" for i in range(n)],
            "flagged": np.arange(n) % 40 == 0,
        }
    )
    ax = plot_activity(frame)
    primary, flagged = _clouds(ax)
    assert same_color(primary.get_facecolors()[0][:3], style.PRIMARY)
    assert same_color(flagged.get_facecolors()[0][:3], style.BAD)
    assert len(flagged.get_offsets()) == 3 and primary.get_rasterized() and flagged.get_rasterized()
    svg = figure_svg(ax.figure)
    assert len(_images(svg)) == 1
    assert all(f">代表{i}</text>" in svg for i in (0, 40, 80))


def _lorenz(n: int) -> pd.DataFrame:
    revenue = np.sort(np.random.default_rng(1).lognormal(10, 1, n))
    return pd.DataFrame(
        {"rep_share": np.r_[0, np.arange(1, n + 1) / n], "revenue_share": np.r_[0, revenue.cumsum() / revenue.sum()]}
    )


@pytest.mark.parametrize("reps, dense", [(DENSE - 1, False), (DENSE * 2, True)])
def test_lorenz_curve_and_its_fill_are_rasterised_only_when_dense(reps, dense):
    ax = plot_lorenz(_lorenz(reps))
    equality, curve = ax.lines
    (area,) = ax.collections
    assert curve.get_rasterized() is dense and area.get_rasterized() is dense
    assert not equality.get_rasterized()
    svg = figure_svg(ax.figure)
    assert svg.count("<image") == (2 if dense else 0)  # the fill, then the curve over the dashed diagonal
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert len(legend) == 2 and all(f">{text}</text>" in svg for text in legend)  # the legend stays text


def _deals(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {
            "stage": rng.choice(["初步接洽", "方案报价", "商务谈判"], n),
            "days": rng.lognormal(2.5, 0.9, n),
            "when": rng.choice(["period", "baseline"], n),
        }
    )


def _fliers(ax) -> list:
    return [line for line in ax.lines if line.get_marker() not in (None, "", "None")]


@pytest.mark.parametrize("n, dense", [(60, False), (3000, True)])
def test_box_fliers_are_rasterised_when_they_are_many_the_boxes_stay_vector(n, dense):
    ax = plot_boxes(_deals(n), order=["初步接洽", "方案报价", "商务谈判"])
    fliers = _fliers(ax)
    assert (style.marker_count(fliers) > DENSE) is dense
    assert all(line.get_rasterized() is dense for line in fliers)
    assert not any(line.get_rasterized() for line in ax.lines if line not in fliers)
    assert not any(patch.get_rasterized() for patch in ax.patches)
    assert ("<image" in figure_svg(ax.figure)) is dense


def test_response_time_fliers_follow_the_same_rule():
    rng = np.random.default_rng(3)
    rows = pd.DataFrame({"category": rng.choice(list("ABC"), 4000), "response_hours": rng.lognormal(1, 1.3, 4000)})
    ax = plot_response_times(rows, sla_hours=8)
    fliers = _fliers(ax)
    assert style.marker_count(fliers) > DENSE and all(line.get_rasterized() for line in fliers)


def test_marker_count_counts_scatter_points_and_marked_line_points_not_plain_lines():
    fig, ax = plt.subplots()
    scatter = ax.scatter([1, 2, 3], [1, 2, 3])
    (marked,) = ax.plot([0, 1], [0, 1], marker="o")
    (plain,) = ax.plot([0, 1, 2, 3], [0, 1, 2, 3])
    assert style.marker_count([scatter, marked, plain]) == 5
    assert plotting.style.rasterize_if_dense([plain]) is False and not plain.get_rasterized()
