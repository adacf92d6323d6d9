"""Charts: Chinese text renders with the bundled CJK font, geometry and colours match hand-computed values."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import same_color  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from salesnb.display import plotting  # noqa: E402
from salesnb.display.plotting import COLORS, FONT_FILE  # noqa: E402
from salesnb.errors import ParameterError, SalesnbError  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def render(ax) -> list[str]:
    """Draw the figure to PNG; fail on any missing-glyph warning; return the texts on the axes."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.figure.savefig(buffer, format="png")
    missing = [str(w.message) for w in caught if "Glyph" in str(w.message) and "missing" in str(w.message)]
    assert not missing, missing
    assert buffer.getvalue().startswith(b"\x89PNG")
    return [text.get_text() for text in ax.texts]


def trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2026-08", "2026-09", "2026-10"],
            "revenue": [120_000.0, 95_000.0, 80_000.0],
            "target": [100_000.0, 100_000.0, 110_000.0],
        }
    )


def attainment() -> pd.DataFrame:
    return pd.DataFrame({"segment": ["工业软件", "云服务", "硬件"], "attainment": [0.8, 1.25, 1.0]})


def composition() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment": ["直营", "分销", "电商"],
            "revenue": [50_000.0, 30_000.0, 20_000.0],
            "baseline": [40_000.0, 40_000.0, 20_000.0],
        }
    )


def compare() -> pd.DataFrame:
    return pd.DataFrame({"segment": ["订单数", "客单价"], "current": [120.0, 52_300.0], "baseline": [100.0, 48_000.0]})


def waterfall() -> pd.DataFrame:
    # 100,000 last month, +30,000 from more orders, -50,000 from smaller orders, 80,000 this month.
    return pd.DataFrame(
        {
            "step": ["上月销售额", "订单数变化", "客单价变化", "本月销售额"],
            "value": [100_000.0, 30_000.0, -50_000.0, 80_000.0],
            "is_total": [True, False, False, True],
        }
    )


CASES = [
    (plotting.plot_trend, trend, {"highlight": "2026-10"}),
    (plotting.plot_attainment, attainment, {}),
    (plotting.plot_composition, composition, {"baseline": "baseline"}),
    (plotting.plot_bar_compare, compare, {}),
    (plotting.plot_waterfall, waterfall, {}),
]
IDS = [func.__name__ for func, _, _ in CASES]


def test_chinese_text_resolves_to_the_bundled_noto_font():
    sans = plt.rcParams["font.sans-serif"]
    assert sans[0] == "Noto Sans CJK SC"
    assert plt.rcParams["font.family"] == ["sans-serif"]
    assert plt.rcParams["axes.unicode_minus"] is False
    assert findfont(FontProperties(family=sans), fallback_to_default=False).endswith(FONT_FILE)
    ax = plotting.plot_attainment(attainment(), title="达成率 · 华东")
    (title,) = [text for text in ax.figure.findobj(Text) if text.get_text() == "达成率 · 华东"]
    assert findfont(title.get_fontproperties()).endswith(FONT_FILE)


def test_render_check_catches_missing_glyphs():
    """The glyph check is real: a font without CJK glyphs makes render() fail."""
    _, ax = plt.subplots()
    ax.set_title("华东 工业软件", family="DejaVu Sans")
    with pytest.raises(AssertionError, match="Glyph"):
        render(ax)


@pytest.mark.parametrize(("func", "make", "kwargs"), CASES, ids=IDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_renders_chinese_labels(func, make, kwargs, lang):
    ax = func(make(), lang=lang, title="华东 · 直营 · 工业软件", **kwargs)
    assert ax.get_title(loc="left") == "华东 · 直营 · 工业软件"
    assert ax.patches, "no bars drawn"
    render(ax)


@pytest.mark.parametrize(("func", "make", "kwargs"), CASES, ids=IDS)
@pytest.mark.parametrize(("lang", "text"), [("zh", "无数据"), ("en", "No data")])
def test_every_chart_draws_no_data_for_an_empty_frame(func, make, kwargs, lang, text):
    for empty in (make().iloc[:0], pd.DataFrame()):
        ax = func(empty, lang=lang, title="华东", **kwargs)
        assert render(ax) == [text]
        assert not ax.patches


def test_all_missing_values_draw_no_data():
    assert render(plotting.plot_trend(trend().assign(revenue=np.nan))) == ["无数据"]
    assert render(plotting.plot_composition(composition().assign(revenue=0.0))) == ["无数据"]
    assert render(plotting.plot_bar_compare(compare().assign(current=np.nan, baseline=np.nan))) == ["无数据"]


def test_charts_draw_on_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    assert plotting.plot_trend(trend(), ax=axes[1]) is axes[1]
    assert len(fig.axes) == 2 and len(axes[1].patches) == 3


def test_new_figure_has_the_house_size():
    fig = plotting.plot_trend(trend()).figure
    assert tuple(fig.get_size_inches()) == pytest.approx(plotting.FIGSIZE)
    assert fig.dpi == plotting.DPI


def test_trend_highlights_the_report_month_and_draws_the_target():
    ax = plotting.plot_trend(trend(), highlight="2026-10")
    bars = ax.patches
    assert [bar.get_height() for bar in bars] == [120_000.0, 95_000.0, 80_000.0]
    assert [same_color(bar.get_facecolor(), COLORS["primary"]) for bar in bars] == [False, False, True]
    assert same_color(bars[0].get_facecolor(), COLORS["primary_light"])
    (line,) = ax.lines
    assert list(line.get_ydata()) == [100_000.0, 100_000.0, 110_000.0]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["2026-08", "2026-09", "2026-10"]
    assert ax.yaxis.get_major_formatter()(100_000, 0) == "10万"
    assert ax.yaxis.get_major_formatter()(150_000, 0) == "15万"
    assert ax.yaxis.get_major_formatter()(15_000, 0) == "1.5万"
    assert ax.get_ylabel() == "销售额"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["销售额", "目标"]


def test_trend_without_target_values_draws_no_line():
    assert not plotting.plot_trend(trend().drop(columns="target")).lines
    assert not plotting.plot_trend(trend().assign(target=np.nan)).lines
    no_highlight = plotting.plot_trend(trend())
    assert all(same_color(bar.get_facecolor(), COLORS["primary"]) for bar in no_highlight.patches)


def test_attainment_sorted_worst_first_coloured_by_target():
    ax = plotting.plot_attainment(attainment())
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["工业软件", "硬件", "云服务"]
    bars = sorted(ax.patches, key=lambda bar: bar.get_y())  # y axis inverted: first row has the lowest y
    assert [bar.get_width() for bar in bars] == [0.8, 1.0, 1.25]
    expected = [COLORS["bad"], COLORS["good"], COLORS["good"]]  # exactly 100% counts as reached
    assert all(same_color(bar.get_facecolor(), colour) for bar, colour in zip(bars, expected, strict=True))
    assert render(ax) == [" 80.0%", " 100.0%", " 125.0%"]
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.lines), "no 100% reference line"
    assert ax.xaxis.get_major_formatter()(1.0, 0) == "100%"


def test_attainment_leaves_out_segments_without_a_ratio():
    frame = attainment().assign(attainment=[0.8, np.nan, 1.0])
    assert len(plotting.plot_attainment(frame).patches) == 2
    assert render(plotting.plot_attainment(frame.assign(attainment=np.nan))) == ["无数据"]


def test_composition_shares_and_hatched_baseline():
    ax = plotting.plot_composition(composition(), baseline="baseline")
    current, baseline = ax.patches[:3], ax.patches[3:]
    assert [bar.get_width() for bar in current] == pytest.approx([0.5, 0.3, 0.2])
    assert [bar.get_width() for bar in baseline] == pytest.approx([0.4, 0.4, 0.2])
    assert all(bar.get_hatch() for bar in baseline) and not any(bar.get_hatch() for bar in current)
    assert all(b.get_height() < c.get_height() for b, c in zip(baseline, current, strict=True))
    assert render(ax) == [" 50.0%", " 30.0%", " 20.0%", " 40.0%", " 40.0%", " 20.0%"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["本期", "上期"]


def test_composition_accepts_shares_and_skips_an_empty_baseline():
    frame = pd.DataFrame({"segment": ["直营", "分销"], "share": [0.75, 0.25], "baseline_share": [np.nan, np.nan]})
    ax = plotting.plot_composition(frame, value="share", baseline="baseline_share")
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([0.75, 0.25])
    assert ax.get_legend() is None


def test_bar_compare_values_and_labels():
    ax = plotting.plot_bar_compare(compare())
    assert [bar.get_width() for bar in ax.patches] == [120.0, 52_300.0, 100.0, 48_000.0]
    assert same_color(ax.patches[0].get_facecolor(), COLORS["primary"])
    assert render(ax) == [" 120", " 5.2万", " 100", " 4.8万"]


def test_bar_compare_row_scale_gives_each_row_its_own_axis():
    ax = plotting.plot_bar_compare(compare(), scale="row", lang="en")
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([1.0, 1.0, 100 / 120, 48_000 / 52_300])
    assert render(ax) == [" 120", " 52.3K", " 100", " 48.0K"]
    with pytest.raises(ParameterError, match="scale"):
        plotting.plot_bar_compare(compare(), scale="log")


def test_bar_compare_rows_in_their_own_units():
    # a till: 270 orders (usual 262.5) with an order value of 7.09 (usual 7.5); a count is no money amount
    frame = pd.DataFrame({"segment": ["订单数", "客单价"], "current": [270.0, 7.09], "baseline": [262.5, 7.5],
                          "unit": ["count", "amount"]})  # fmt: skip
    ax = plotting.plot_bar_compare(frame, scale="row", row_units="unit")
    assert render(ax) == [" 270", " 7.09", " 262.5", " 7.50"]
    with pytest.raises(ParameterError, match="row_units needs scale='row'"):
        plotting.plot_bar_compare(frame, row_units="unit")
    with pytest.raises(ParameterError, match=r"row_units has \['money'\]"):
        plotting.plot_bar_compare(frame.assign(unit="money"), scale="row", row_units="unit")


def test_waterfall_bars_follow_the_running_total():
    ax = plotting.plot_waterfall(waterfall())
    spans = [(bar.get_y(), bar.get_y() + bar.get_height()) for bar in ax.patches]
    # running total: 100,000 -> 130,000 -> 80,000; totals stand on zero.
    assert spans == [(0.0, 100_000.0), (100_000.0, 130_000.0), (80_000.0, 130_000.0), (0.0, 80_000.0)]
    expected = [COLORS["primary"], COLORS["good"], COLORS["bad"], COLORS["primary"]]
    assert all(same_color(bar.get_facecolor(), c) for bar, c in zip(ax.patches, expected, strict=True))
    connectors = [(tuple(line.get_ydata())) for line in ax.lines]
    assert connectors == [(100_000.0, 100_000.0), (130_000.0, 130_000.0), (80_000.0, 80_000.0)]
    assert render(ax) == ["10.0万", "+3.0万", "-5.0万", "8.0万"]


def test_waterfall_without_total_column_treats_first_and_last_as_totals():
    ax = plotting.plot_waterfall(waterfall().drop(columns="is_total"), lang="en")
    assert [bar.get_y() for bar in ax.patches] == [0.0, 100_000.0, 80_000.0, 0.0]
    assert render(ax) == ["100.0K", "+30.0K", "-50.0K", "80.0K"]


def test_english_labels():
    assert plotting.plot_trend(trend(), lang="en").get_ylabel() == "Revenue"
    assert plotting.plot_attainment(attainment(), lang="en").get_xlabel() == "Attainment"
    ax = plotting.plot_composition(composition(), baseline="baseline", lang="en")
    assert ax.get_xlabel() == "Share"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["This period", "Last period"]
    assert plotting.plot_trend(trend(), lang="en").yaxis.get_major_formatter()(1_200_000, 0) == "1.2M"


def test_label_lookup():
    assert plotting.label("no_data") == "无数据"
    assert plotting.label("no_data", "en") == "No data"
    assert plotting.label("unknown_key", "en") == "unknown_key"
    with pytest.raises(ParameterError, match="lang"):
        plotting.label("revenue", "fr")


def test_palette_and_semantic_colours():
    assert {"primary", "good", "bad", "neutral", "target"} <= set(COLORS)
    assert plotting.PALETTE[0] == COLORS["primary"]
    assert len(set(plotting.PALETTE)) == len(plotting.PALETTE)


def test_formatters():
    assert plotting.amount_formatter("zh")(123_456_789, 0) == "1.2亿"
    assert plotting.amount_formatter("en")(12_345, 0) == "12.3K"
    assert plotting.pct_formatter()(0.85, 0) == "85%"
    assert plotting.pct_formatter(1)(0.1234, 0) == "12.3%"


def test_small_amount_ticks_keep_their_decimals():
    ticks = [plotting.amount_formatter("en")(v, 0) for v in (0.0, 2.5, 5.0, 7.5, 10.0, 0.99)]
    assert ticks == ["0", "2.5", "5", "7.5", "10", "0.99"]  # not "2", "8" (rounded to whole units)
    assert plotting.amount_formatter("zh")(200_000, 0) == "20万" and plotting.amount_formatter("zh")(100, 0) == "100"


def test_missing_column_names_the_keyword():
    with pytest.raises(ParameterError, match=r"'sales'.*pass y=<column>"):
        plotting.plot_trend(trend(), y="sales")
    with pytest.raises(ParameterError, match="baseline=<column>"):
        plotting.plot_composition(composition(), baseline="last_month")


def test_missing_font_package_gives_a_named_error(monkeypatch):
    def no_package(name):
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(plotting.importlib.resources, "files", no_package)
    with pytest.raises(plotting.MissingFontError, match="pip install mplfonts") as info:
        plotting.setup_style()
    assert isinstance(info.value, SalesnbError)


def test_setup_style_is_idempotent():
    count = len(plt.matplotlib.font_manager.fontManager.ttflist)
    plotting.setup_style()
    assert len(plt.matplotlib.font_manager.fontManager.ttflist) == count


def test_close_all():
    plotting.plot_trend(trend())
    plotting.plot_waterfall(waterfall())
    assert plt.get_fignums()
    plotting.close_all()
    assert not plt.get_fignums()


def test_dollar_signs_in_names_stay_text():
    """Customer names from messy exports may hold "$": a chart shows them as typed, never as TeX."""
    name = "$100 与 $200 商贸有限公司"
    frame = pd.DataFrame({"segment": [name, "云服务"], "attainment": [0.8, 1.1]})
    ax = plotting.plot_attainment(frame, title=name)
    render(ax)
    label = next(t for t in ax.get_yticklabels() if t.get_text() == name)
    assert label._preprocess_math(label.get_text()) == (name, False)


def test_bar_compare_writes_rates_counts_and_single_bars():
    rates = pd.DataFrame({"segment": ["云服务", "硬件"], "current": [0.3, -0.05], "baseline": [0.08, 0.1]})
    texts = [t.strip() for t in render(plotting.plot_bar_compare(rates, unit="pct"))]
    assert texts == ["30.0%", "-5.0%", "8.0%", "10.0%"]
    counts = pd.DataFrame({"segment": ["技术交流"], "current": [37.0], "baseline": [10.7]})
    ax = plotting.plot_bar_compare(counts, unit="count")
    assert [t.strip() for t in render(ax)] == ["37", "10.7"]
    scores = pd.DataFrame({"segment": ["交付", "服务"], "current": [72.0, 78.4], "baseline": [76.3, 78.4]})
    ax = plotting.plot_bar_compare(scores, unit="score")  # a mean rating of 72 is 72.0 beside 72.6, not "72"
    assert [t.strip() for t in render(ax)] == ["72.0", "78.4", "76.3", "78.4"]
    single = plotting.plot_bar_compare(rates, unit="pct", baseline=None)
    assert len(single.patches) == 2 and single.get_legend() is None
    with pytest.raises(ParameterError, match="unit"):
        plotting.plot_bar_compare(rates, unit="yuan")


# ---------------------------------------------------------------- shared drawing helpers of style.py


def test_highlight_colors_marks_one_name_or_all():
    from salesnb.display.plotting import style

    assert style.highlight_colors(["a", "b"], "b") == [style.PRIMARY_LIGHT, style.PRIMARY]
    assert style.highlight_colors(["a", "b"], None) == [style.PRIMARY, style.PRIMARY]


def test_labelled_bars_and_reference_line():
    from salesnb.display.plotting import style

    _, ax = plt.subplots()
    positions = style.labelled_bars(ax, ["a", "b"], np.array([1.0, 0.0]), ["1", "—"], ends=np.array([1.0, np.nan]))
    style.reference_line(ax, 0.5)
    style.reference_line(ax, 0.2, vertical=False, label="avg")
    assert list(positions) == [0, 1]
    assert [p.get_width() for p in ax.patches] == [1.0, 0.0]
    assert [(t.get_text(), t.get_position()) for t in ax.texts] == [(" 1", (1.0, 0)), (" —", (0, 1))]
    vertical, horizontal = ax.lines
    assert list(vertical.get_xdata()) == [0.5, 0.5] and vertical.get_linestyle() == "--"
    assert list(horizontal.get_ydata()) == [0.2, 0.2] and horizontal.get_label() == "avg"


def test_month_bars_value_axis_and_axis_titles():
    from salesnb.display.plotting import style

    _, ax = plt.subplots()
    positions, bars = style.month_bars(ax, ["2026-09", "2026-10"], np.array([1.0, 2.0]), "2026-10")
    assert list(positions) == [0, 1]
    assert same_color(bars[0].get_facecolor(), style.PRIMARY_LIGHT)
    assert same_color(bars[1].get_facecolor(), style.PRIMARY)
    style.value_axis(ax.yaxis, "pct", "zh")
    assert ax.yaxis.get_major_formatter()(0.5, 0) == "50%"
    style.value_axis(ax.xaxis, "int", "zh")  # anything else leaves the axis alone
    style.axis_titles(ax, "x", None, grid=True)
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == ""


def test_percent_ticks_get_the_decimals_that_tell_them_apart():
    import matplotlib.pyplot as plt

    from salesnb.display.plotting import style

    fig, ax = plt.subplots()
    ax.set_xlim(0, 0.012)
    ax.set_xticks([0, 0.0025, 0.005, 0.0075, 0.01])
    ax.xaxis.set_major_formatter(style.pct_formatter())
    fig.canvas.draw()
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert labels == ["0.0%", "0.2%", "0.5%", "0.8%", "1.0%"]  # one decimal: 0% and 1% alone would repeat
    ax.set_xticks([0, 0.25, 0.5, 1.0])
    fig.canvas.draw()
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["0%", "25%", "50%", "100%"]  # whole: no decimals


def test_log_axes_are_labelled_in_plain_numbers_not_tex():
    import matplotlib.pyplot as plt

    from salesnb.display.plotting import style

    fig, ax = plt.subplots()
    ax.plot([0.5, 3, 40, 200], [1, 2, 3, 4])
    style.log_scale(ax)
    fig.canvas.draw()
    labels = [tick.get_text() for tick in ax.get_xticklabels() if tick.get_text()]
    minor = [tick.get_text() for tick in ax.xaxis.get_minorticklabels() if tick.get_text()]
    assert labels and not minor and not any("$" in label or "mathdefault" in label for label in labels)
    assert {"1", "10", "100"} <= set(labels)


def test_values_within_a_decade_keep_a_linear_axis_with_labels():
    """Customer values of 37 to 48 (Chinook): a log axis would hold no labelled tick between them."""
    import matplotlib.pyplot as plt

    from salesnb.display.plotting import style

    fig, ax = plt.subplots()
    ax.scatter([37.6, 39.6, 45.9, 47.6], [0.2, 0.5, 0.7, 0.9])
    style.log_scale(ax)
    fig.canvas.draw()
    labels = [tick.get_text() for tick in ax.get_xticklabels() if tick.get_text()]
    assert ax.get_xscale() == "linear" and len(labels) >= 3


def test_a_falling_bars_label_sits_left_of_its_end_not_over_the_bar():
    import matplotlib.pyplot as plt

    from salesnb.display.plotting import style

    fig, ax = plt.subplots()
    style.labelled_bars(ax, ["up", "down"], np.array([0.2, -0.35]), ["+20%", "-35%"])
    (up, down) = ax.texts
    assert (up.get_position()[0], up.get_ha(), up.get_text()) == (0.2, "left", " +20%")
    assert (down.get_position()[0], down.get_ha(), down.get_text()) == (-0.35, "right", "-35% ")


def test_a_chart_of_one_or_two_bars_is_lower_than_the_house_height_and_many_bars_taller():
    from salesnb.display.plotting.style import bars_height

    # 1.4 inches of title, legend and axis plus 0.6 a bar, up to the house 3.6; 0.32 a bar + 1.2 past it
    assert [bars_height(n) for n in (0, 1, 2, 3, 4, 20)] == pytest.approx([3.6, 2.0, 2.6, 3.2, 3.6, 7.6])
    one = pd.DataFrame({"segment": ["老客户"], "share": [1.0], "baseline_share": [1.0]})
    fig = plotting.plot_composition(one, value="share", baseline="baseline_share").figure
    assert tuple(fig.get_size_inches()) == pytest.approx((plotting.FIGSIZE[0], 2.0))
