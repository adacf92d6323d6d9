"""Named errors, one base class, each message telling the user what to fix."""

from __future__ import annotations


class SalesnbError(Exception):
    """Base class of every error salesnb raises on purpose."""


class DataValidationError(SalesnbError):
    """The input data breaks the data contract.

    ``problems`` holds one human-readable line per problem, each naming the table,
    the column, how many rows fail and a few example rows.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = f"数据校验未通过 / data validation failed ({len(self.problems)} problem(s)):"
        super().__init__("\n".join([head, *("  - " + p for p in self.problems)]))


class DataSourceError(SalesnbError):
    """The data source cannot be read (missing folder, unreadable file, bad URL)."""


class ConfigError(SalesnbError):
    """A configuration or mapping file is malformed or names unknown keys."""


class ParameterError(SalesnbError):
    """A report parameter (period, region, angle ...) is invalid."""


class MissingTableError(SalesnbError, KeyError):
    """A table was asked for that the dataset does not hold (or that the contract does not define)."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class ModelFitError(SalesnbError):
    """A model cannot be fitted to the data (e.g. too few customers or repeat buyers for customer value)."""


class OutputFolderError(SalesnbError):
    """The output folder cannot be written (no permission, disk full, read-only): the run stops, naming it."""
