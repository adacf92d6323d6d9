"""What ``salesnb map`` writes and prints: the proposed mapping as YAML, and what it matched and can feed.

When no file can form the orders table (the one table every report needs) nothing is written: :func:`no_orders`
says which of its columns each file lacks, which columns it did recognise as what, and what to do instead.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..i18n import t
from . import validation
from .loading import load_dataset
from .messages import say
from .propose import Proposal, orders_lacking

MAP_PROBLEMS_SHOWN = 5  # the first problems `map` prints under its count; `validate` lists them all


def write_mapping(proposal: Proposal, path: str | Path, *, force: bool = False, lang: str = "zh") -> Path:
    """Write the proposal as YAML to ``path``; an existing file is kept unless ``force`` (``FileExistsError``)."""
    out = Path(path)
    if out.exists() and not force:
        raise FileExistsError(t("map_exists", lang, path=out))
    body = yaml.safe_dump(proposal.mapping(), allow_unicode=True, sort_keys=False, width=200)
    out.write_text(f"# {t('map_header', lang)}\n{body}", encoding="utf-8")
    return out


def describe(proposal: Proposal, lang: str = "zh") -> list[str]:
    """Lines ``salesnb map`` prints: tables matched, columns left out, what is missing, reports it can feed.

    The reports and the validation result come from loading the data with the proposal.
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
    lines += [f"! {t('map_ambiguous', lang, file=file)}" for file in proposal.notes]
    lines += [f"! {t('map_one_unit', lang, file=file)}" for file in proposal.one_unit]
    for file, column, values in proposal.cancelled:
        lines.append(f"! {t('map_cancelled', lang, file=file, column=column, values=', '.join(values))}")
    lines += [f"! {t('map_unpaid', lang, file=file, column=column)}" for file, column in proposal.unpaid_orders()]
    for file, (customer, date), orders, rows in proposal.orders_per_day():
        said = t("map_per_day", lang, file=file, customer=customer, date=date, orders=orders, rows=rows)
        lines.append(f"! {said}{t('map_per_day_one_line', lang) if orders == rows else ''}")
    amount = proposal.columns.get("orders", {}).get("amount")
    lines += [f"! {t('map_refund', lang, file=f, column=c, amount=amount)}" for f, c in proposal.refunds() if amount]
    for file, column, n in proposal.refunded_orders():
        refund = proposal.recognised[file]["refund"]
        lines.append(f"! {t('map_refunded', lang, file=file, amount=column, refund=refund, n=n)}")
    lines += [f"! {t('map_zero_lines', lang, file=f, column=c, n=n)}" for f, c, n in proposal.no_op_lines()]
    lines += [f"! {t('map_negative_lines', lang, file=f, column=c, n=n)}" for f, c, n in proposal.returned_lines()]
    for table, column, user, share in proposal.varying:
        lines.append(f"- {t('map_varying', lang, table=table, column=column, user=user, share=share)}")
    if "orders" not in proposal.tables:
        return lines
    ds = load_dataset(proposal.source, mapping=proposal.mapping(), validate=False)
    lines.append(f"{t('map_angles', lang)}:")
    lines += [angle_headline(name, angle_state(ds, name), lang) for name in ANGLE_NAMES]
    problems = validation.validate_dataset(ds)
    told = [f"! {say(warning, lang)}" for warning in ds.warnings]  # what loading changed or chose, as validate says
    if not problems:
        return [*lines, t("map_valid", lang), *told]
    lines.append(t("map_problems", lang, n=len(problems)))
    lines += [f"  - {say(problem, lang)}" for problem in problems[:MAP_PROBLEMS_SHOWN]]
    return [*lines, *told]


def concept(name: str, lang: str = "zh") -> str:
    """A matched concept as the reader knows it, with its contract name: ``下单日期 (order_date)``."""
    return f"{t(f'map_concept_{name}', lang)} ({name})"


def no_orders(proposal: Proposal, lang: str = "zh") -> list[str]:
    """Lines saying why no mapping can be proposed: the orders columns each file lacks, what it recognised, hints.

    Without orders ``validate`` and ``run`` have nothing to read, so an empty mapping would only send the user
    from ``validate`` back to ``map``; these lines name what to add to the export instead.
    """
    lines = [f"✗ {t('map_no_orders', lang)}"]
    lacking_any: list[str] = []
    for file, found in proposal.recognised.items():
        lacking = orders_lacking(found)
        lacking_any += [c for c in lacking if c not in lacking_any]
        lines.append(f"  {t('map_file_lacks', lang, file=file, columns=', '.join(concept(c, lang) for c in lacking))}")
        matched = [f"{column} → {concept(name, lang)}" for name, column in found.items()]
        if matched:
            lines.append(f"    {t('map_recognised', lang)}: {', '.join(matched)}")
        unmatched = [str(c) for c in proposal.unused.get(file, []) if c not in found.values()]
        if unmatched:
            lines.append(f"    {t('map_unrecognised', lang)}: {', '.join(unmatched)}")
    lines += [f"- {t(f'map_hint_{column}', lang)}" for column in lacking_any]
    return [*lines, t("map_not_written", lang)]
