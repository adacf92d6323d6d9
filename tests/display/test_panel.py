"""What a panel shows: the chart's alt text, the table cut to a readable length and escaped."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from salesnb.display.panel import MAX_TABLE_ROWS, Panel, figure_alt_text, figure_image  # noqa: E402


def test_long_tables_show_their_first_rows_and_say_so():
    rows = MAX_TABLE_ROWS + 50
    table = pd.DataFrame({"代表": [f"R{i:04d}" for i in range(rows)], "销售额": range(rows)})
    out = Panel(table=table).table_html()
    assert out.count("<tr>") == MAX_TABLE_ROWS  # body rows (the header row carries a style)
    assert "R0000" in out and f"R{MAX_TABLE_ROWS - 1:04d}" in out and f"R{MAX_TABLE_ROWS:04d}" not in out
    assert f"共 {MAX_TABLE_ROWS + 50:,} 行" in out


def test_short_tables_are_whole_and_escaped():
    out = Panel(table=pd.DataFrame({"客户": ["<b>甲</b>", "乙"]})).table_html()
    assert "&lt;b&gt;甲&lt;/b&gt;" in out and "<b>" not in out and "共" not in out


def test_chart_image_carries_its_titles_as_alt_text():
    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("收入桥")
    left.set_title("华东")
    right.set_title("华东")
    right.set_title("2026-10", loc="right")
    assert figure_alt_text(fig) == "收入桥 / 华东 / 2026-10"
    image = figure_image(fig)
    svg = image._repr_mimebundle_()["image/svg+xml"]
    assert svg.startswith('<svg class="salesnb-chart" role="img" aria-label="收入桥 / 华东 / 2026-10"')


def test_needs_decorator_skips_without_the_tables_and_runs_with_them():
    from salesnb.display.panel import Panel, needs

    class FakeReport:
        def __init__(self, missing):
            self.missing = missing

        def needs(self, *tables):
            lacking = [name for name in tables if name in self.missing]
            return Panel.skipped("needs " + ", ".join(lacking)) if lacking else None

    @needs("leads", "tickets")
    def some_panel(report, extra=1):
        """Docstring kept."""
        return Panel(note=f"ran {extra}")

    assert some_panel(FakeReport({"tickets"})).note == "needs tickets"
    assert some_panel(FakeReport(set()), extra=2).note == "ran 2"
    assert some_panel.__name__ == "some_panel" and some_panel.__doc__ == "Docstring kept."


def test_words_read_left_aligned_and_numbers_right():
    from salesnb.display.panel import column_classes

    table = pd.DataFrame(
        {
            "上月问题": ["智能硬件产品线收入下滑", "孙子豪 客户活动量骤降"],
            "上月建议行动": ["逐一回访近三个月买过该产品线的客户", "排出下周拜访和电话计划"],
            "指标": ["收入", "活动量"],
            "上月": ["69.2万", "1.0"],
            "本月": ["未再触发", "—"],  # one word among blanks: words
            "变化": ["-12.2%", "+1,234"],
            "状态": ["已解决", "已解决"],
        }
    )
    out = Panel(table=table).table_html()
    assert 'class="dataframe salesnb-table text-c2 wrap-c2 text-c3 text-c5 text-c7"' in out
    assert column_classes(pd.DataFrame({"月份": ["2026-10"], "销售额": ["1.2亿"], "份额": ["—"]})) == []
