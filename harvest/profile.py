"""CRM profiles: how to sign in and export reports, as data (TOML) rather than code.

A profile names each control by role and accessible name, by label, or by text, the way a person
would describe it, so a restyled page does not break the harvest the way screen coordinates did.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from hcportal.errors import ConfigError

if TYPE_CHECKING:
    from playwright.sync_api import Locator as PwLocator
    from playwright.sync_api import Page

BUNDLED = Path(__file__).parent / "profiles"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Locator(_Strict):
    """A control on a page: by ARIA role (and name), by its label, or by its visible text."""

    role: str | None = None
    name: str | None = None
    label: str | None = None
    text: str | None = None
    exact: bool = True

    @model_validator(mode="after")
    def _one_way(self) -> Locator:
        if sum(x is not None for x in (self.role, self.label, self.text)) != 1:
            raise ValueError("a locator needs exactly one of role, label or text")
        return self

    def find(self, scope: Page | PwLocator) -> PwLocator:
        if self.role is not None:
            return scope.get_by_role(self.role, name=self.name, exact=self.exact)  # type: ignore[arg-type]
        if self.label is not None:
            return scope.get_by_label(self.label, exact=self.exact)
        return scope.get_by_text(self.text or "", exact=self.exact)


class SignIn(_Strict):
    path: str
    username: Locator
    password: Locator
    submit: Locator


class ReportPage(_Strict):
    path: str
    export_button: Locator
    dialog: Locator
    details_only: Locator
    format: Locator
    format_option: str
    dialog_export: Locator
    export_url: str


class Profile(_Strict):
    name: str
    sign_in: SignIn
    report: ReportPage


def load_profile(name_or_path: str) -> Profile:
    """Load a bundled profile by name (``democrm``) or any profile TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = BUNDLED / f"{name_or_path}.toml"
    if not path.is_file():
        bundled = ", ".join(sorted(p.stem for p in BUNDLED.glob("*.toml")))
        raise ConfigError(f"CRM profile {name_or_path!r} not found (bundled profiles: {bundled})")
    try:
        return Profile.model_validate(tomllib.loads(path.read_text("utf-8")))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"CRM profile {path}: not valid TOML: {e}") from None
    except ValidationError as e:
        raise ConfigError(f"CRM profile {path}: {_first_error(e)}") from None


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    where = ".".join(str(x) for x in err["loc"])
    return f"{where}: {err['msg']}" + (
        f" ({len(e.errors()) - 1} more)" if len(e.errors()) > 1 else ""
    )
