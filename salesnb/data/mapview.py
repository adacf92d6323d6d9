"""What ``salesnb map`` writes and prints: the proposed mapping as YAML, and what it matched and can feed.

When no file can form the orders table (the one table every report needs), :func:`no_orders` says which of its
columns each file lacks and which it recognised as what, and a draft mapping (:mod:`.draft`) is written with a
commented line at the place of each column still needed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from ..i18n import joined, t
from . import validation
from .dataset import EMPTY, joined_name
from .draft import candidates, closest_file, draft_proposal, draft_text, file_orders
from .loading import SHEET, load_dataset
from .match import headcount
from .messages import say
from .propose import Proposal
from .side_by_side import product_stems
from .warehouses import is_consignee, warehouse_customers

MAP_PROBLEMS_SHOWN = 5  # the first problems `map` prints under its count; `validate` lists them all


def write_mapping(
    proposal: Proposal, path: str | Path, *, force: bool = False, lang: str = "zh", text: str | None = None
) -> Path:
    """Write the proposal (or a draft's ``text``) as YAML to ``path``; an existing file is kept unless ``force``."""
    out = Path(path)
    if out.exists() and not force:
        raise FileExistsError(t("map_exists", lang, path=out))
    if text is None:
        body = yaml.safe_dump(proposal.mapping(), allow_unicode=True, sort_keys=False, width=200)
        text = f"# {t('map_header', lang)}\n{body}"
    out.write_text(text, encoding="utf-8")
    return out


def describe(proposal: Proposal, lang: str = "zh", *, check: bool = True) -> list[str]:
    """Lines ``salesnb map`` prints: tables matched, columns left out, what is missing, reports it can feed.

    The reports and the validation result come from loading the data with the proposal (not when ``check`` is
    false: a draft, which is not yet a mapping to load).
    """
    from ..angle import ANGLE_NAMES
    from .summary import angle_headline, angle_state

    lines = [f"{t('map_tables', lang)}:"]
    for table, columns in proposal.columns.items():
        lines.append(f"  {table} ({t('map_from', lang, file=proposal.tables[table])}):")
        lines += [f"    {column} ← {user}" for column, user in columns.items()]
    for file, unused in proposal.unused.items():
        if unused:
            lines.append(f"{t('map_unused', lang)} ({file}): {', '.join(map(str, unused))}")
    for table, lacking in proposal.missing.items():
        lines.append(f"✗ {t('map_missing', lang, table=table, columns=', '.join(lacking))}")
    lines += _side_by_side(proposal, lang)
    lines += [f"! {t('map_ambiguous', lang, file=file)}" for file in proposal.notes]
    lines += [f"! {t('map_one_unit', lang, file=file)}" for file in proposal.one_unit if file not in proposal.totals]
    region = proposal.columns.get("orders", {}).get("region", "")
    for file, column, addresses in proposal.provinces:  # region: =province([收货地址])
        if proposal.tables.get("orders") == file and region.startswith("="):
            said = {"file": file, "column": column, "expression": region}
            lines.append(
                f"! {t('map_province', lang, **said) if addresses else t('map_province_spellings', lang, **said)}"
            )
    for file, column, values in proposal.cancelled:
        lines.append(f"! {t('map_cancelled', lang, file=file, column=column, values=', '.join(values))}")
    for column, values in proposal.exclude().get("returns", {}).items():  # returns withdrawn or turned down
        said = {"file": proposal.tables["returns"], "column": column, "values": ", ".join(values)}
        lines.append(f"! {t('map_cancelled_returns', lang, **said)}")
    lines += [f"! {t('map_unpaid', lang, file=file, column=column)}" for file, column in proposal.unpaid_orders()]
    for file, why in proposal.unreadable:
        lines.append(f"! {t('map_unreadable', lang, file=file, why=say(why, lang))}")
    lines += [f"! {t('map_headerless', lang, file=file)}" for file in proposal.headerless]
    for pattern, files in proposal.splits:
        if SHEET in pattern:  # the workbook once, then its sheets
            book, sheets = pattern.rpartition(SHEET)[0], ", ".join(f.rpartition(SHEET)[2] for f in files)
            lines.append(f"! {t('map_split_sheets', lang, book=book, pattern=pattern, files=sheets, n=len(files))}")
        else:
            lines.append(f"! {t('map_split', lang, pattern=pattern, files=', '.join(files), n=len(files))}")
    for file, column in proposal.order_totals:
        if proposal.tables.get("orders") == file:
            lines.append(f"! {t('map_order_totals', lang, file=file, column=column)}")
    lines += scaled_notes(proposal, lang)
    for file, column in proposal.line_costs:
        cost = proposal.columns.get("order_lines", {}).get("unit_cost", "")
        if proposal.tables.get("order_lines") == file and cost.startswith("="):
            lines.append(f"! {t('map_line_cost', lang, file=file, column=column, expression=cost)}")
    for file, profit, amount, n, cost in proposal.loose_profits:
        if proposal.tables.get("order_lines") == file:
            lines.append(f"! {t('map_loose_profit', lang, file=file, profit=profit, amount=amount, n=n, cost=cost)}")
    if proposal.catalogue_priced:
        price = proposal.columns["products"]["list_price"]
        lines.append(f"! {t('map_catalogue_prices', lang, file=proposal.tables['products'], column=price)}")
    for file, count, dimensions in proposal.counted_orders():
        lines.append(f"! {t('map_summary_counted', lang, file=file, count=count, dimensions=' × '.join(dimensions))}")
    per_day = proposal.orders_per_day()
    for file, (customer, date), orders, rows, split in per_day:
        said = t("map_per_day", lang, file=file, customer=customer, date=date, orders=orders, rows=rows)
        if split:  # the loader's count: a customer's day in another region or channel is another order
            split_by = " / ".join(u for c, u in proposal.columns["orders"].items() if c in ("region", "channel"))
            said += t("map_per_day_split", lang, split=split, parts=split_by)
        lines.append(f"! {said}{t('map_per_day_one_line', lang) if orders == rows else ''}")
    amount = proposal.columns.get("orders", {}).get("amount")
    lines += [f"! {t('map_refund', lang, file=f, column=c, amount=amount)}" for f, c in proposal.refunds() if amount]
    for file, column, n in proposal.refunded_orders():
        refund = proposal.recognised[file]["refund"]
        lines.append(f"! {t('map_refunded', lang, file=file, amount=column, refund=refund, n=n)}")
    for file, column, n, money, share, month, most, condition in proposal.no_op_lines():  # money: what they carried
        key = "map_blank_lines" if condition == EMPTY else "map_zero_lines_money" if money else "map_zero_lines"
        said = {"file": file, "column": column, "n": n}
        worst = t("map_zero_lines_month", lang, month=month, share=most) if month else ""
        lines.append(f"! {t(key, lang, **said, money=money, share=share, worst=worst)}")
    for file, column, n, share in proposal.returned_lines():  # what leaving them out does to revenue, when priced
        value = "" if share is None else t("map_negative_lines_share", lang, share=share)
        effect = "" if share is None or share >= 1 else t("map_negative_lines_gross", lang, over=share / (1 - share))
        back = proposal.return_lines.get(file)  # the returns table (.return_rows), or {}: left out of sales only
        if back is not None:  # say what was done, and how to undo it
            reason = t("map_returns_reason", lang, column=back["reason"]) if "reason" in back else ""
            said = {"order": back.get("order_id"), "date": back.get("returned_at"), "reason": reason, "value": value}
            said["effect"] = t("map_returns_gross", lang, over=share / (1 - share)) if effect else ""
            key = "map_returns_read" if back else "map_returns_unmatched"
            lines.append(f"! {t(key, lang, file=file, column=column, n=n, **said)}")
            continue
        lines.append(f"! {t('map_negative_lines', lang, file=file, column=column, n=n, value=value, effect=effect)}")
    for file, column, n, share in proposal.credit_orders():
        lines.append(f"! {t('map_negative_amounts', lang, file=file, column=column, n=n, share=share)}")
    for file, concept, key, name, share, examples in proposal.crossed:
        ids = joined(examples, lang)
        lines.append(f"! {t(f'map_crossed_{concept}', lang, file=file, id=key, name=name, share=share, ids=ids)}")
    for file, shared in proposal.namesakes.items():  # customer_id: {per: [客户姓名, 联系电话]}
        key = joined_name(shared[0]) if shared else None
        if key and proposal.columns.get("orders", {}).get("customer_id") == key:
            said = {"file": file, "name": shared[0][0], "phone": shared[0][1], "share": shared[1]}
            lines.append(f"! {t('map_namesakes', lang, **said)}")
    for file, price, amount, quantity, share, gap in proposal.list_priced:
        said = {"file": file, "price": price, "amount": amount, "quantity": quantity, "share": share, "gap": gap}
        lines.append(f"! {t('map_list_priced', lang, **said)}")
    for file, price, amount, quantity, tax, gap in proposal.taxed_prices:
        said = {"file": file, "price": price, "amount": amount, "quantity": quantity, "tax": tax, "gap": gap}
        lines.append(f"- {t('map_taxed_price_by_tax' if tax else 'map_taxed_price', lang, **said)}")
    for file, price, paid, quantity, share in proposal.over_listed:
        paid = f"{paid} ÷ {quantity}" if quantity else paid
        lines.append(f"! {t('map_over_listed', lang, file=file, price=price, paid=paid, share=share)}")
    for file, price, quantity in proposal.shelf_priced:
        lines.append(f"! {t('map_shelf_priced', lang, file=file, price=price, quantity=quantity)}")
    for file, kind, price, amount, quantity, rows, gap in proposal.amount_priced:  # rows: a count, or a share
        said = {"file": file, "price": price, "amount": amount, "quantity": quantity, "rows": rows, "gap": gap}
        lines.append(f"{'-' if kind == 'rounded' else '!'} {t(f'map_{kind}_price', lang, **said)}")
    for table, column, user, share in proposal.varying:
        lines.append(f"- {t('map_varying', lang, table=table, column=column, user=user, share=share)}")
    orders = proposal.columns.get("orders", {})
    if orders.get("order_date") and orders.get("order_date") == orders.get("delivered_at"):  # a shipping list
        key = "map_dated_by_delivery_promised" if orders.get("promised_at") else "map_dated_by_delivery"
        said = {"date": orders["order_date"], "promised": orders.get("promised_at")}
        lines.append(f"- {t(key, lang, file=proposal.tables['orders'], **said)}")
    if "orders" not in proposal.tables:
        return lines
    lines += _no_customer(proposal, lang)
    if not check:
        return lines
    ds = load_dataset(proposal.source, mapping=proposal.mapping(), validate=False, file_rows=True)
    lines.append(f"{t('map_angles', lang)}:")
    lines += [angle_headline(name, angle_state(ds, name), lang) for name in ANGLE_NAMES]
    problems = validation.validate_dataset(ds)
    said = {(orders, rows) for *_, orders, rows, _ in per_day}  # the per-day line above already gave this count
    told = [
        f"! {say(warning, lang)}"  # what loading changed or chose, as validate says
        for warning in ds.warnings
        if getattr(warning, "key", "") != "problem_joined_orders"
        or (warning.values["orders"], warning.values["rows"]) not in said
    ]
    unnamed = int(ds["orders"]["customer_id"].isna().sum())
    told += [f"! {t('validate_unnamed_orders', lang, n=unnamed)}"] if unnamed else []
    told += _warehouse_note(proposal, ds["orders"]["customer_id"], lang)
    if not problems:
        return [*lines, t("map_valid", lang), *told]
    lines.append(t("map_problems", lang, n=len(problems)))
    lines += [f"  - {say(problem, lang)}" for problem in problems[:MAP_PROBLEMS_SHOWN]]
    return [*lines, *told]


def _side_by_side(proposal: Proposal, lang: str) -> list[str]:
    """Where no order line was found: each file's unused quantity and amount columns per product, said as such."""
    if "order_lines" not in proposal.missing:
        return []
    found = [(file, product_stems(unused)) for file, unused in proposal.unused.items()]
    said = [{"file": file, "products": joined(products, lang), "n": len(products)} for file, products in found]
    return [f"! {t('map_side_by_side', lang, **one)}" for one in said if one["n"]]


def scaled_notes(proposal: Proposal, lang: str) -> list[str]:
    """Say which money columns of the orders' or lines' file are in 万元/千元 and multiplied into 元 by the mapping."""
    files = {proposal.tables.get("orders"), proposal.tables.get("order_lines")} - {None} or set(proposal.recognised)
    return [
        f"! {t('map_scaled', lang, file=file, column=column, unit=unit, factor=factor)}"
        for file, column, unit, factor in proposal.scaled
        if file in files
    ]


def _no_customer(proposal: Proposal, lang: str) -> list[str]:
    """Say that the proposed orders name no customer, and which columns' contents could be the customer."""
    file = proposal.tables["orders"]
    if "customer_id" in proposal.columns.get("orders", {}) or file in proposal.totals:  # a summary: said as such
        return []
    sample = proposal.samples[file]
    fits = [
        c for c in candidates(sample, proposal.recognised.get(file, {}), "customer_id") if not headcount(sample[c], c)
    ]
    from .summary import dimensions, no_customer_note  # lazily, as describe(): the summary imports the angles

    lines = [f"! {no_customer_note(dimensions(proposal.columns), lang)}"]
    return lines + ([f"- {t('map_customer_candidate', lang, names=' / '.join(fits))}"] if fits else [])


def _warehouse_note(proposal: Proposal, customers: pd.Series, lang: str) -> list[str]:
    """A caution when the customer is a consignee column whose largest names are warehouses (:mod:`.warehouses`)."""
    column = proposal.columns["orders"].get("customer_id")
    if not is_consignee(column):
        return []
    found, total = warehouse_customers(customers)
    if not found:
        return []
    names = joined([f"{name} ({share:.0%})" for name, share in found], lang)
    return [f"! {t('map_warehouse_customers', lang, column=column, names=names, share=f'{total:.0%}')}"]


def concept(name: str, lang: str = "zh") -> str:
    """A matched concept as the reader knows it, with its contract name: ``下单日期 (order_date)``."""
    return f"{t(f'map_concept_{name}', lang)} ({name})"


def no_orders(proposal: Proposal, lang: str = "zh") -> tuple[list[str], str | None]:
    """Lines saying why the orders table cannot be read yet, and the text of a draft mapping (``None``: no file).

    Each file's lacking orders columns and what it recognised are named; the draft (:mod:`.draft`) holds what
    the closest file gives, with a commented line for each column still needed, naming the columns whose
    contents fit. A hint is given for a lacking column without such a column.
    """
    lines = [f"✗ {t('map_no_orders', lang)}"]
    for file, found in proposal.recognised.items():
        if file in proposal.pivots:  # months as columns: no orders to find in it
            months = proposal.pivots[file]
            lines.append(f"  {t('map_pivot', lang, file=file, first=months[0], last=months[-1], n=len(months))}")
            continue
        lacking = file_orders(proposal, file)[1]
        lines.append(f"  {t('map_file_lacks', lang, file=file, columns=', '.join(concept(c, lang) for c in lacking))}")
        matched = [f"{column} → {concept(name, lang)}" for name, column in found.items()]
        if matched:
            lines.append(f"    {t('map_recognised', lang)}: {', '.join(matched)}")
        unmatched = [str(c) for c in proposal.unused.get(file, []) if c not in found.values()]
        if unmatched:
            lines.append(f"    {t('map_unrecognised', lang)}: {', '.join(unmatched)}")
    lines += [f"! {t('map_headerless', lang, file=file)}" for file in proposal.headerless]
    lines += scaled_notes(proposal, lang)
    file = closest_file(proposal)
    if file is None:
        return [*lines, t("map_not_written", lang)], None
    draft, lacking = draft_proposal(proposal, file)
    if not {"amount", "unit_price"} & set(proposal.recognised[file]):  # nor any money: the amount to fill in too
        lacking = [*lacking, "amount"]
    return _draft(draft, file, lacking, lines, lang)


def tickets_only(proposal: Proposal, lang: str = "zh") -> tuple[list[str], str]:
    """Lines saying the export holds support tickets and no orders, and the text of its tickets mapping.

    Read as orders, a helpdesk's tickets became sales of no amount on their creation day; they are the
    ``tickets`` table (:mod:`.ticket_files`), and only the support angle reads them, once orders come beside them.
    """
    lines = [f"! {t('map_tickets_only', lang, file=file)}" for file in proposal.tickets_only]
    lines = [*describe(proposal, lang, check=False), *lines, f"✗ {t('map_tickets_no_orders', lang)}"]
    body = yaml.safe_dump(proposal.mapping(), allow_unicode=True, sort_keys=False, width=200)
    return lines, f"# {t('map_tickets_header', lang)}\n{body}"


def tickets_next(data: str, path: Path, lang: str = "zh") -> str:
    """The last line ``salesnb map`` prints for a tickets-only export: add the orders beside the tickets.

    Not the draft's "complete it": nothing in the tickets mapping is to fill in; the orders export is missing.
    """
    source = Path(data)
    folder = source if source.is_dir() else source.parent
    return t("map_wrote_tickets", lang, path=path, folder=folder)


def no_amount(proposal: Proposal, lang: str = "zh") -> tuple[list[str], str]:
    """Lines saying the orders have no amount (every sale would be 0), and a draft with a line to fill it in.

    Written as final, such a mapping passed as valid for reports of zero revenue; the draft names the numeric
    columns that could be the amount, a total beside what was received and what is outstanding first.
    """
    lines = [*describe(proposal, lang, check=False), f"✗ {t('map_no_amount', lang)}"]
    return _draft(proposal, proposal.tables["orders"], ["amount"], lines, lang)


def _draft(draft: Proposal, file: str, lacking: list[str], lines: list[str], lang: str) -> tuple[list[str], str]:
    """The lines naming the candidates of each lacking orders column of ``file``, and the draft's text.

    A summary's missing order id is no column to fill in: the lines and the draft's header say that its rows
    are totals, not orders, rather than how to make an order of each row.
    """
    fits = {c: candidates(draft.samples[file], draft.recognised[file], c) for c in lacking}
    header = t("map_draft_header", lang)
    if file in draft.summaries and "order_id" in lacking:
        count, dimensions = draft.summaries[file]
        said = t("map_summary", lang, file=file, count=count, dimensions=" × ".join(dimensions))
        lines.append(f"✗ {said}")
        header, fits["order_id"] = f"{header}\n# {said}", []  # its order count is no order number either
    for column, names in fits.items():
        if column == "order_id" and file in draft.summaries:
            continue
        if names:
            lines.append(
                f"- {t('map_candidate', lang, what=concept(column, lang), names=' / '.join(names), column=column)}"
            )
        elif column == "order_id" and "customer_id" not in draft.recognised[file]:  # no customer-day to make
            lines.append(f"- {t('map_hint_order_id_no_customer', lang)}")
        else:
            lines.append(f"- {t(f'map_hint_{column}', lang)}")
    text = draft_text(draft, fits, header, t("map_draft_todo", lang), t("map_draft_none", lang))
    if file in draft.summaries and "order_id" in lacking:  # no id to make up: the export is the thing to change
        text = text.replace(
            f"# order_id: ?   # {t('map_draft_none', lang)}", f"# order_id: ?   # {t('map_summary_todo', lang)}"
        )
    return lines, text
