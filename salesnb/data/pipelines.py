"""A CRM's deal pipeline export (``salesnb map``): its won deals are the orders, every deal an opportunity.

Maven's ``sales_pipeline.csv`` (opportunity_id, sales_agent, account, deal_stage Won/Lost/Engaging/Prospecting,
engage_date, close_date, close_value), a Salesforce opportunity report (Stage ``Closed Won``, Created Date, Close
Date, Amount) or a HubSpot deals export were proposed as orders of every deal, lost ones included, dated by the
day the deal was opened: asked only to confirm the id, the user got the won value in the months deals were opened
and the lost deals counted as orders of 0. A file whose rows carry their own id, a stage column in which some
deals are won (:func:`~.deals.deal_outcome`) and a close date is read as what it is: the orders are its won
deals on their close date (the other stages left out by ``exclude``), the opportunities every deal, created on
its open date (a deal without one, a prospect never engaged, left out: it cannot be placed in time).
"""

from __future__ import annotations

import pandas as pd

from .column_words import named_column
from .dataset import EMPTY
from .deals import deal_outcome
from .match import SAMPLE_ROWS, reads_as_dates

STAGE_NAMES = ("dealstage", "stage", "stagename", "opportunitystage", "salesstage", "pipelinestage", "dealstatus",
               "opportunitystatus", "status", "阶段", "商机阶段", "销售阶段", "商机状态")  # fmt: skip
CLOSE_NAMES = ("closedate", "closedat", "closeddate", "dateclosed", "actualclosedate", "closingdate", "结单日期",
               "关单日期", "赢单日期", "关闭日期", "商机关闭日期", "实际成交日期", "成交日期", "赢单时间",
               "实际结单日期", "结单时间", "关闭时间", "实际签约日期", "签约日期")  # fmt: skip
OPEN_NAMES = ("engagedate", "createddate", "createdat", "createdon", "createdate", "datecreated", "opendate",
              "opportunitycreateddate", "dealcreateddate", "创建日期", "商机创建日期", "商机创建时间", "创建时间",
              "立项日期")  # fmt: skip
# a Chinese CRM's (销售易, 纷享销客) deal columns, which no order synonym names
DEAL_ID_NAMES = ("商机编号", "商机id", "商机编码", "机会编号", "销售机会编号", "dealid", "opportunitynumber")
DEAL_NAME_NAMES = ("opportunityname", "dealname", "商机名称", "机会名称", "销售机会名称")  # an id where none is
DEAL_AMOUNT_NAMES = ("商机金额", "赢单金额", "合同金额", "dealamount", "dealvalue", "opportunityamount")
EXPECTED_NAMES = ("预计成交日期", "预计签单日期", "预计签约日期", "预计结单日期", "预计关闭日期", "expectedclosedate",
                  "expectedclose", "forecastclosedate")  # fmt: skip
LOST_NAMES = ("输单原因", "丢单原因", "失败原因", "lostreason", "lossreason", "closedlostreason")
SOURCE_NAMES = ("商机来源", "线索来源", "来源", "leadsource", "dealsource", "source")
MAX_STAGES = 30  # distinct values a stage column may hold (a free-text column is no stage)


def dated_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    """The first column named one of ``names`` (:func:`~.column_words.named_column`) when its values read as dates."""
    column = named_column(frame, names)
    sample = frame[column].head(SAMPLE_ROWS).dropna().astype(str) if column else None
    return column if sample is not None and len(sample) and reads_as_dates(sample)[0] else None


def _deal_name(frame: pd.DataFrame) -> str | None:
    """A deal-name column naming each row once: the id of a CRM report exported without one.

    Salesforce's Opportunity Name: without it every deal, lost or open, was an order of its account on its close
    date.
    """
    column = named_column(frame, DEAL_NAME_NAMES)
    return column if column is not None and frame[column].notna().all() and frame[column].is_unique else None


def stage_column(frame: pd.DataFrame) -> tuple[str, list[str]] | None:
    """(the stage column, its values other than won) when some deals are won, else ``None``."""
    column = named_column(frame, STAGE_NAMES)
    if column is None:
        return None
    values = frame[column].dropna().astype(str).str.strip()
    values = values[values != ""].unique()
    if not 0 < len(values) <= MAX_STAGES:
        return None
    outcome = deal_outcome(pd.Series(values))
    if not outcome.eq("won").any():
        return None
    return column, [str(v) for v, o in zip(values, outcome, strict=True) if o != "won"]


def pipeline_tables(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict, dict[str, dict[str, list[str]]]] | None:
    """(orders and opportunities columns, their exclude rules) of a deal pipeline export, else ``None``."""
    own = found.get("order_id") or found.get("own_id") or named_column(frame, DEAL_ID_NAMES) or _deal_name(frame)
    stage, close = stage_column(frame), dated_column(frame, CLOSE_NAMES)
    if not (own and stage and close):
        return None
    opened = dated_column(frame, OPEN_NAMES)
    customer = found.get("customer_id") or found.get("customer_name")
    rep, region = found.get("rep_id") or found.get("rep_name"), found.get("region") or found.get("country")
    amount = found.get("amount") or named_column(frame, DEAL_AMOUNT_NAMES)
    shared = {"customer_id": customer, "rep_id": rep, "region": region, "amount": amount}
    orders = {"order_id": own, "order_date": close, **shared}
    tables = {"orders": {c: u for c, u in orders.items() if u}}
    exclude = {"orders": {stage[0]: stage[1]}} if stage[1] else {}  # a file of won deals only: all orders
    if opened and opened != close:
        deals = {"opportunity_id": own, "created_at": opened, "status": stage[0], "closed_at": close, **shared}
        deals |= {"expected_close_at": dated_column(frame, EXPECTED_NAMES)}
        deals |= {"lost_reason": named_column(frame, LOST_NAMES), "source": named_column(frame, SOURCE_NAMES)}
        tables["opportunities"] = {c: u for c, u in deals.items() if u}
        if frame[opened].isna().any() or frame[opened].astype(str).str.strip().eq("").any():
            exclude["opportunities"] = {opened: [EMPTY]}  # a prospect never engaged: no creation date
    return tables, exclude
