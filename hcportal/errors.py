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


class TransformError(HcportalError):
    """The raw reports cannot be turned into tables."""


class RenderError(HcportalError):
    """The site cannot be built from the tables."""


class PublishError(HcportalError):
    """The built site cannot be deployed."""
