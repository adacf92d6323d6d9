"""The customer charts and the one Pareto chart (salesnb.display.plotting.customers / .pareto)."""

import pandas as pd
import pytest

from salesnb.display.plotting.customers import plot_clv, plot_monthly, plot_ranking, plot_transitions
from salesnb.display.plotting.pareto import plot_pareto, shorten_labels
from salesnb.errors import ParameterError

PARETO = pd.DataFrame(
    {"name": ["甲公司", "一个名字很长的客户有限公司", "丙"], "revenue": [50.0, 30.0, 20.0],
     "share": [0.5, 0.3, 0.2], "cum_share": [0.5, 0.8, 1.0]}
)  # fmt: skip


def test_pareto_share_bars_with_limit_line():
    ax = plot_pareto(PARETO, limit=0.6, title="t")
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.5, 0.3, 0.2])
    assert [tick.get_text() for tick in ax.get_xticklabels()][1] == "一个名字很长的…"  # 7 characters and …
    assert len(ax.texts) == 3 and ax.texts[1].get_text() == "80%"  # the cumulative share at each point
    assert ax.get_ylim()[1] == pytest.approx(1.15, abs=1e-6)
    assert any(line.get_ydata()[0] == 0.6 for line in ax.get_lines())  # the share line


def test_pareto_value_bars_and_cumulative_on_a_twin_axis():
    ax = plot_pareto(PARETO, value="revenue", limit=0.8, annotate=False, max_label=None, cumulative_label="累计")
    assert [p.get_height() for p in ax.patches] == pytest.approx([50.0, 30.0, 20.0])
    twin = [other for other in ax.figure.axes if other is not ax][0]
    assert twin.get_ylim() == pytest.approx((0, 1.05)) and twin.get_ylabel() == "累计"
    assert [tick.get_text() for tick in ax.get_xticklabels()][1] == "一个名字很长的客户有限公司"
    with pytest.raises(ParameterError, match="value="):
        plot_pareto(PARETO, value="amount")


def test_pareto_names_alike_once_cut_keep_what_tells_them_apart():
    """TPC-H's customers (real30) read ten bars of "Custome…"; a group's shared start keeps its end instead, else
    the stretch where the names first differ; a unique cut label and a short name stay as they were."""
    names = ["Customer#000002398", "Customer#000000598", "中国移动通信集团北京有限公司", "中国移动通信集团上海有限公司",
             "一个名字很长的客户有限公司", "丙"]  # fmt: skip
    frame = pd.DataFrame({"name": names, "share": [0.2] * 5 + [0.0], "cum_share": [0.2, 0.4, 0.6, 0.8, 1.0, 1.0]})
    ax = plot_pareto(frame, annotate=False)
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        "Cust…398", "Cust…598", "…团北京有限公…", "…团上海有限公…", "一个名字很长的…", "丙"
    ]  # fmt: skip
    assert shorten_labels(["同名客户有限公司甲乙", "同名客户有限公司甲乙"], 8) == ["同名客户…司甲乙"] * 2


def test_pareto_without_rows_says_no_data():
    ax = plot_pareto(PARETO.iloc[0:0])
    assert ax.texts and not ax.patches


def test_ranking_by_attainment_of_a_company_without_a_target_draws_no_line():
    """One region with a target (its rep's), the company none: the NaN reference made the axis limits NaN."""
    frame = pd.DataFrame({"segment": ["加拿大", "法国"], "value": [3.9, float("nan")]})
    ax = plot_ranking(frame, reference=float("nan"), reference_label="全公司")
    assert ax.get_xlim() == pytest.approx((0.0, 3.9 * 1.25)) and not ax.get_lines()


def test_ranking_monthly_transitions_clv_draw():
    frame = pd.DataFrame({"segment": ["A", "B"], "value": [0.4, 0.9]})
    ax = plot_ranking(frame, reference=0.5, reference_label="avg", highlight="B")
    assert [p.get_width() for p in ax.patches] == pytest.approx([0.4, 0.9])
    months = pd.DataFrame({"period": ["2026-09", "2026-10"], "value": [3, 5], "usual": [4.0, 4.0]})
    ax = plot_monthly(months, reference="usual", highlight="2026-10")
    assert [p.get_height() for p in ax.patches] == [3, 5] and len(ax.get_lines()) == 1
    matrix = pd.DataFrame([[2, 1], [0, 3]], index=["a", "b"], columns=["a", "b"])
    ax = plot_transitions(matrix, labels=["甲", "乙"])
    assert [t.get_text() for t in ax.texts] == ["2", "1", "0", "3"]
    clv = pd.DataFrame({"total_value": [100.0, 1000.0, 0.0], "p_alive": [0.2, 0.9, 0.5]})
    ax = plot_clv(clv, risk=0.5)
    assert len(ax.collections[0].get_offsets()) == 2  # zero value left out of the log scale


def test_a_count_of_none_every_month_is_drawn_on_whole_numbers():
    """Chinook's every customer known from its first month: no new customer all year drew 0.00, 0.01 … 0.05."""
    months = pd.DataFrame({"period": ["2026-08", "2026-09", "2026-10"], "value": [0, 0, 0], "usual": [0.0] * 3})
    ax = plot_monthly(months, reference="usual", highlight="2026-10")
    ax.figure.canvas.draw()
    assert ax.get_ylim() == pytest.approx((0.0, 1.0))
    assert all(float(tick).is_integer() for tick in ax.get_yticks() if 0 <= tick <= 1)
