"""The ``salesnb`` command: ``validate``, ``map``, ``demo`` and ``run``.

Exit status: 0 success, 1 invalid data, failed reports or an output folder that cannot be written,
2 wrong usage, 130 interrupted (Ctrl-C or SIGTERM; finished reports are kept, a rerun completes the rest).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from . import __version__
from .errors import DataValidationError, ParameterError, SalesnbError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="salesnb", description="销售分析工作簿 / sales review workbooks")
    parser.add_argument("--version", action="version", version=f"salesnb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check a dataset against the data contract and summarise it")
    validate.add_argument("--data", required=True, help="dataset folder or SQLAlchemy URL")
    validate.add_argument("--mapping", default="", help="YAML mapping your table/column names onto the contract")
    validate.add_argument("--lang", choices=["zh", "en"], default="zh")

    propose = sub.add_parser("map", help="propose a mapping file for your export from its column names")
    propose.add_argument("--data", required=True, help="export file (e.g. a flat order-lines sheet) or folder")
    propose.add_argument("--out", default="mapping.yaml", help="mapping file to write (default: mapping.yaml)")
    propose.add_argument("--force", action="store_true", help="overwrite --out when it exists")
    propose.add_argument("--lang", choices=["zh", "en"], default="zh")

    demo = sub.add_parser("demo", help="write a realistic sample dataset with planted problems")
    demo.add_argument("--out", required=True, help="folder to write the CSV tables and planted.json into")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--months", type=int, default=24)
    demo.add_argument("--scale", type=float, default=1.0, help="volume multiplier (orders, customers, leads ...)")
    demo.add_argument("--end-period", default="2026-10", help="last month of the data, YYYY-MM")
    demo.add_argument("--clean", action="store_true", help="plant no problems")
    demo.add_argument(
        "--products", type=_positive_int, default=None, help="catalogue size (default: the sample's named products)"
    )

    run = sub.add_parser("run", help="execute the workbooks and render HTML, metrics.json and findings.json")
    run.add_argument("--data", default="", help="dataset folder or SQLAlchemy URL (default: bundled sample)")
    run.add_argument(
        "--period", action="append", default=[], help="report month YYYY-MM (repeatable; default: latest complete)"
    )
    group = run.add_mutually_exclusive_group()
    group.add_argument("--region", action="append", default=[], help="region name or ALL (repeatable)")
    group.add_argument("--all-regions", action="store_true", help="ALL plus every region in the data")
    run.add_argument(
        "--angle",
        action="append",
        default=[],
        help="overview, market, ... (repeatable; default: every angle the data feeds)",
    )
    run.add_argument(
        "--pack",
        action="store_true",
        help="also write the monthly review pack of each region and month (pack.html, pack.pdf, actions.json)",
    )
    run.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    run.add_argument("--config", default="", help="YAML overriding the default configuration")
    run.add_argument("--mapping", default="", help="YAML mapping your table/column names onto the contract")
    run.add_argument("--lang", choices=["zh", "en"], default="zh")
    run.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    run.add_argument(
        "--jobs", type=_positive_int, default=None, help="reports run in parallel (default: the machine's cores)"
    )
    run.add_argument(
        "--cell-timeout",
        type=_positive_int,
        default=600,
        metavar="SECONDS",
        help="longest a notebook cell may run; a report past it fails with an error page (default: 600)",
    )
    run.add_argument(
        "--kernel-memory",
        type=_positive_int,
        default=None,
        metavar="MIB",
        help="most memory a report's kernel may hold; a report past it fails with an error page (default: no limit)",
    )
    run.add_argument(
        "--scheduler",
        default="",
        metavar="ADDRESS",
        help="run the reports on a Dask cluster (tcp://HOST:PORT) or a new local one ('local'); "
        "--data must then be a path every worker can read",
    )
    run.add_argument("--force", action="store_true", help="re-run reports that are up to date")
    run.add_argument(
        "--store", default="", help="columnar data store folder (default: $SALESNB_STORE or ~/.cache/salesnb/store)"
    )
    run.add_argument("--verbose", action="store_true", help="say why each report is re-run or skipped")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _positive_int(text: str) -> int:
    """Argparse type of a count: a whole number of at least 1 (``--jobs 0`` or ``-1`` is a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _cmd_validate(args: argparse.Namespace) -> int:
    from .data.loading import load_dataset
    from .data.messages import say
    from .data.summary import format_summary, summarize

    ds = load_dataset(args.data, mapping=args.mapping or None)
    print(format_summary(summarize(ds), lang=args.lang))
    for warning in ds.warnings:  # worth checking, not blocking (e.g. one customer in two regions)
        print(f"! {say(warning, args.lang)}")
    return 0


def _cmd_map(args: argparse.Namespace) -> int:
    from .data.mapview import describe, no_amount, no_orders, tickets_next, tickets_only, write_mapping
    from .data.propose import propose_mapping
    from .i18n import t

    proposal = propose_mapping(args.data)
    if "orders" not in proposal.tables or proposal.unpriced():  # no orders, or no money: a draft to complete
        drafted = no_orders if "orders" not in proposal.tables else no_amount
        drafted = tickets_only if "orders" not in proposal.tables and proposal.tickets_only else drafted
        lines, draft = drafted(proposal, args.lang)
        print("\n".join(lines), file=sys.stderr)
        if draft is None:
            return 1
        try:
            out = write_mapping(proposal, args.out, force=args.force, lang=args.lang, text=draft)
        except FileExistsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        said = t("map_wrote_draft", args.lang, path=out)
        print(tickets_next(args.data, out, args.lang) if drafted is tickets_only else said, file=sys.stderr)
        return 1
    try:
        out = write_mapping(proposal, args.out, force=args.force, lang=args.lang)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(describe(proposal, args.lang)))
    print(t("map_wrote", args.lang, path=out))
    command = f"salesnb validate --data {shlex.quote(args.data)} --mapping {shlex.quote(str(out))}"
    print(f"{t('map_next', args.lang)}: {command}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import generate_dataset, write_dataset

    tables, planted = generate_dataset(
        seed=args.seed,
        months=args.months,
        scale=args.scale,
        end_period=args.end_period,
        plant=not args.clean,
        products=args.products,
    )
    write_dataset(tables, planted, args.out)
    rows = sum(len(f) for f in tables.values())
    print(f"wrote {len(tables)} tables ({rows:,} rows) and {len(planted)} planted problems to {args.out}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .batch.runner import run_reports
    from .config import load_config
    from .i18n import t
    from .report import bundled_sample

    if args.config:  # a broken configuration (its commission rules too) is refused before any report starts
        load_config(args.config)
    summary = run_reports(
        args.data or bundled_sample(),
        periods=args.period,
        regions=args.region,
        angles=args.angle + (["pack"] if args.pack else []),
        out_dir=args.out,
        all_regions=args.all_regions,
        config_path=args.config,
        mapping_path=args.mapping,
        lang=args.lang,
        show_code=args.show_code,
        progress=not args.quiet,
        jobs=args.jobs,
        force=args.force,
        cell_timeout=args.cell_timeout,
        store=args.store,
        scheduler=args.scheduler,
        kernel_memory=args.kernel_memory,
    )
    print(summary.text(verbose=args.verbose, lang=args.lang))
    print(t("run_index", args.lang, path=Path(args.out) / "index.html"))
    return 0 if summary.ok else 1


def _error_line(exc: SalesnbError, lang: str) -> str:
    """``error: ...`` for the terminal; a message salesnb has in Chinese is said in Chinese (``错误：...``)."""
    from .data.messages import Message
    from .i18n import t

    if exc.args and isinstance(exc.args[0], Message):
        return t("cli_error", lang, message=exc.text(lang))
    return f"error: {exc}"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``salesnb`` console command."""
    args = _parser().parse_args(argv)
    handler = {"validate": _cmd_validate, "map": _cmd_map, "demo": _cmd_demo, "run": _cmd_run}[args.command]
    lang = getattr(args, "lang", "zh")
    try:
        return handler(args)
    except DataValidationError as exc:
        print(exc.text(lang), file=sys.stderr)
        return 1
    except SalesnbError as exc:
        print(_error_line(exc, lang), file=sys.stderr)
        return 2 if isinstance(exc, ParameterError) else 1
    except KeyboardInterrupt:
        print("interrupted: finished reports are kept; run again to complete the rest", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped reading (``salesnb validate | head``): nothing went wrong here
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        except (OSError, ValueError):  # a stdout without a file (captured): nothing to flush into a closed pipe
            pass
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug of salesnb: one line saying so, then the details, nothing lost
        import traceback

        from .i18n import t

        traceback.print_exc()
        print(t("error_internal", lang, version=__version__, error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
