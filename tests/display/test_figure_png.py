"""The charts' PNG: one draw, the same pixels as matplotlib's own drawing, the same bytes on every call."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from PIL import Image  # noqa: E402

import salesnb.display.plotting as plotting  # noqa: E402
from salesnb.display.panel import figure_png  # noqa: E402


def _chart(top_ticks: bool = False, layout: str | None = "constrained"):
    """A house chart: CJK title, legend above the axes, long rotated CJK tick labels, no axis labels."""
    fig, ax = plt.subplots(figsize=(6.0, 3.0), dpi=plotting.DPI, layout=layout)
    names = [f"华东销售代表{i}号" for i in range(10)]
    plotting.month_bars(ax, names, np.arange(10.0) * 1e5, names[3], label="销售额")
    ax.plot(range(10), np.arange(10.0) * 9e4, color=plotting.TARGET, label="目标")
    ax.yaxis.set_major_formatter(plotting.amount_formatter("zh"))
    plotting.top_legend(ax)
    if top_ticks:
        ax.xaxis.tick_top()
    plotting.finish(ax, "销售额 · 华东")
    return fig


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _matplotlib_pixels(fig) -> np.ndarray:
    """The figure drawn by matplotlib alone (no shortcut), on white."""
    fig.set_facecolor("white")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3]


def test_a_laid_out_chart_is_its_whole_canvas_drawn_by_matplotlib():
    png = figure_png(_chart())
    expected = _matplotlib_pixels(_chart())
    assert Image.open(io.BytesIO(png)).mode == "RGB"
    assert _pixels(png).shape == (330, 660, 3) == expected.shape  # 6 x 3 in at 110 dpi: nothing cropped
    assert np.array_equal(_pixels(png), expected)
    plt.close("all")


def test_a_title_that_must_make_room_for_top_ticks_still_does():
    png = figure_png(_chart(top_ticks=True))
    assert np.array_equal(_pixels(png), _matplotlib_pixels(_chart(top_ticks=True)))
    plt.close("all")


def test_the_same_chart_gives_the_same_bytes():
    assert figure_png(_chart()) == figure_png(_chart())
    assert figure_png(_chart(layout=None)) == figure_png(_chart(layout=None))
    plt.close("all")


def test_a_chart_without_layout_engine_keeps_the_tight_crop():
    """Nothing laid it out, so its labels may stick out of the canvas: the image is cropped to what is drawn."""
    pixels = _pixels(figure_png(_chart(layout=None)))
    assert pixels.shape != (330, 660, 3)
    assert (pixels[:, :12] < 250).any()  # the crop keeps the long rotated labels that stick out at the left
    plt.close("all")
