"""Named errors, one base class, each message telling the user what to fix."""

from __future__ import annotations


class SalesnbError(Exception):
    """Base class of every error salesnb raises on purpose.

    Raised with a :class:`~salesnb.data.messages.Message`, its text is English and :meth:`text` gives it in
    the reader's language; raised with a plain string, that string is all there is.
    """

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``)."""
        from .data.messages import say

        return say(self.args[0], lang) if len(self.args) == 1 else str(self)

    def in_lang(self, lang: str) -> SalesnbError:
        """The same error with its message in ``lang`` (raised from a Chinese notebook, it reads in Chinese)."""
        if len(self.args) != 1 or self.text(lang) == str(self):
            return self
        error = type(self).__new__(type(self))
        error.args = (self.text(lang),)
        return error


class DataValidationError(SalesnbError):
    """The input data breaks the data contract.

    ``problems`` holds one human-readable line per problem, each naming the table,
    the column, how many rows fail and a few example rows. The message is in ``lang``;
    :meth:`in_lang` gives the same error for a reader of another language.
    """

    def __init__(self, problems: list[str], lang: str = "en"):
        self.problems = list(problems)
        self.lang = lang
        super().__init__(self.text(lang))

    def text(self, lang: str) -> str:
        """The head line and every problem, in ``lang`` (``"zh"`` or ``"en"``)."""
        from .data.messages import say
        from .i18n import t

        head = t("problem_head", lang, n=len(self.problems))
        return "\n".join([head, *("  - " + say(p, lang) for p in self.problems)])

    def in_lang(self, lang: str) -> DataValidationError:
        """The same error with its message in ``lang``."""
        return DataValidationError(self.problems, lang)

    def __reduce__(self) -> tuple:  # pickled with its problems, not its rendered message
        return (DataValidationError, (self.problems, self.lang))


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
