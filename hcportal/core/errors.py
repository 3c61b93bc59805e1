"""Errors a user can act on.

Anything raised as :class:`HcportalError` is printed by the CLI as one clear message, without a
traceback; anything else is a bug and keeps its traceback.
"""


class HcportalError(Exception):
    """A failure with a message written for the person running the tool."""

    exit_code = 1


class ConfigError(HcportalError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = 2


class HarvestError(HcportalError):
    """A report could not be downloaded, or what was downloaded is not trustworthy."""


class NeedsPersonError(HarvestError):
    """Signing in to the CRM needs a person: an MFA prompt the harvester cannot answer, rejected
    credentials or a locked account. Never retried (retries lead to an account lockout)."""

    exit_code = 3


class SessionExpiredError(NeedsPersonError):
    """The saved CRM session has expired and there are no credentials to sign in again."""


class OutputError(HcportalError):
    """An output cannot be written where it was asked to go (a file, or a folder we did not write)."""


class TransformError(HcportalError):
    """The raw reports cannot be turned into tables."""


class TableError(HcportalError):
    """A table does not match its declaration: a step's output, or a data folder written by
    another version."""


class RenderError(HcportalError):
    """The site cannot be built from the tables."""


class PublishError(HcportalError):
    """The built site cannot be deployed."""
