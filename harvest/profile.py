"""CRM profiles: how to sign in and export reports, as data (TOML) rather than code.

A profile names each control by role and accessible name, by label, or by text, the way a person
would describe it, so a restyled page does not break the harvest the way screen coordinates did.
Pages are recognised by URL patterns where ``*`` matches anything: a pattern with ``://`` is matched
against the whole URL, any other against the path and query, whatever the host (sign-in may happen
on another host).
"""

from __future__ import annotations

import codecs
import functools
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urljoin, urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from hcportal.core.errors import ConfigError

if TYPE_CHECKING:
    from playwright.async_api import FrameLocator, Page
    from playwright.async_api import Locator as PwLocator

BUNDLED = Path(__file__).parent / "profiles"
ROUTES = ("ui", "url", "api")


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

    def find(self, scope: Page | PwLocator | FrameLocator) -> PwLocator:
        if self.role is not None:
            return scope.get_by_role(self.role, name=self.name, exact=self.exact)  # type: ignore[arg-type]
        if self.label is not None:
            return scope.get_by_label(self.label, exact=self.exact)
        return scope.get_by_text(self.text or "", exact=self.exact)

    def describe(self) -> str:
        if self.role is not None:
            return f"{self.role} {self.name!r}" if self.name else self.role
        if self.label is not None:
            return f"field labelled {self.label!r}"
        return f"text {self.text!r}"


def matches(url: str, patterns: list[str]) -> bool:
    """Whether ``url`` matches one of the ``patterns`` (see the module docstring).

    Only ``*`` is a wildcard (any run of characters): ``?`` is the query's own, literal.
    """
    parts = urlsplit(url)
    local = parts.path + (f"?{parts.query}" if parts.query else "")
    return any(_glob(p).fullmatch(url if "://" in p else local) for p in patterns)


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def _listed(value: Any) -> Any:
    """One item where a list is expected is a list of one (profiles written for one signal)."""
    return [value] if isinstance(value, dict | str) else value


# Readiness conditions that are not a control on the page.
EXPORT_ENABLED = "export-enabled"  # the Export control (or its menu) is visible and enabled
NETWORK_IDLE = "network-idle"  # no request for half a second (Playwright's "networkidle")
Condition = Literal["export-enabled", "network-idle"]
Signal = Locator | Condition


def describe_signal(signal: Signal) -> str:
    return signal if isinstance(signal, str) else signal.describe()


class Mfa(_Strict):
    """The verification-code (TOTP) step some sign-ins add after the password."""

    url_patterns: list[str] = Field(default_factory=list)
    code: Locator
    submit: Locator


class SignIn(_Strict):
    path: str
    url_patterns: list[str] = Field(
        default_factory=list, description="URLs of the sign-in page; default: path and path?*"
    )
    username: Locator
    password: Locator
    submit: Locator
    # Where the CRM says why a sign-in failed; the harvester also reads any visible element whose
    # class or id says "error", on whatever page the sign-in lands.
    error: Annotated[list[Locator], BeforeValidator(_listed)] = Field(
        default_factory=lambda: [Locator(role="alert")]
    )
    mfa: Mfa | None = None

    @property
    def patterns(self) -> list[str]:
        return self.url_patterns or [self.path, self.path + "?*"]


class ReportPage(_Strict):
    path: str
    frame: str | None = None  # title of the iframe holding the report viewer (Lightning)
    # Any one of these says the report has finished generating: a control or text (a locator),
    # "export-enabled", "network-idle". Several, because no one signal is shown by every CRM.
    ready: Annotated[list[Signal], BeforeValidator(_listed)] = Field(
        default_factory=lambda: [EXPORT_ENABLED, NETWORK_IDLE]
    )
    # While any of these shows (a spinner), the report is still generating, whatever said ready.
    busy: Annotated[list[Locator], BeforeValidator(_listed)] = Field(default_factory=list)
    export_button: Locator
    more_actions: Locator | None = None  # a menu that may hold the Export action
    export_menu_item: Locator | None = None
    dialog: Locator
    details_only: Locator
    format: Locator
    format_option: str
    dialog_export: Locator
    export_url: str

    @model_validator(mode="before")
    @classmethod
    def _moved_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and "expect_footer" in data:
            raise ValueError(
                "expect_footer is now set per route: [expect.ui] footer = ..., "
                "[expect.url] footer = ... (see docs/harvesting.md)"
            )
        return data

    @model_validator(mode="after")
    def _menu_pair(self) -> ReportPage:
        if (self.more_actions is None) != (self.export_menu_item is None):
            raise ValueError("more_actions and export_menu_item go together")
        return self


class Expect(_Strict):
    """What a good download over one route looks like (routes of one CRM differ)."""

    footer: bool = False  # every download ends with the report footer: one missing = truncated
    encoding: str = "auto"  # "auto" (detected) or the codec this route always sends
    row_caps: list[int] = Field(default_factory=list)  # counts that mean this route's cap

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, value: str) -> str:
        if value != "auto":
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f'unknown encoding {value!r} (or "auto")') from None
        return value


class Api(_Strict):
    """The CRM's API, for the ``api`` route: where a token comes from and how it is used."""

    token_url: str  # the OAuth 2.0 token endpoint (relative to the base URL, or absolute)
    export_url: str  # with {report_id}; answers the report as CSV
    auth: str = "bearer"  # how the token rides: "bearer" (Authorization header) or "cookie:<name>"

    @field_validator("auth")
    @classmethod
    def _auth_style(cls, value: str) -> str:
        if value != "bearer" and not re.fullmatch(r"cookie:[A-Za-z0-9_.-]+", value):
            raise ValueError('must be "bearer" or "cookie:<name>" (e.g. "cookie:sid")')
        return value


class Profile(_Strict):
    name: str
    home: str = Field(description="A page only a signed-in user can open (tests a saved session).")
    signed_in_patterns: list[str] = Field(
        default_factory=list, description="URLs that mean sign-in is over; default: home*"
    )
    sign_in: SignIn
    report: ReportPage
    account_url: str = Field(
        "",
        description=(
            "Where an account's record opens in the CRM, `{account}` standing for its name as "
            "the accounts report spells it (URL-encoded): `/accounts/{account}`. Relative to the "
            "CRM's address. The site links each account to it; blank: no link."
        ),
    )
    expect: dict[Literal["ui", "url", "api"], Expect] = Field(default_factory=dict)
    api: Api | None = None

    def expectations(self, route: str) -> Expect:
        """What a download over ``route`` must look like (defaults when the profile is silent)."""
        return self.expect.get(route, Expect())  # type: ignore[call-overload]

    def url(self, base_url: str, path: str) -> str:
        """``path`` (absolute, or relative to the CRM's address) as a full URL."""
        return path if "://" in path else urljoin(base_url.rstrip("/") + "/", path.lstrip("/"))

    def on_sign_in(self, url: str) -> bool:
        return matches(url, self.sign_in.patterns) or self.on_mfa(url)

    def on_mfa(self, url: str) -> bool:
        mfa = self.sign_in.mfa
        return bool(mfa and mfa.url_patterns and matches(url, mfa.url_patterns))

    def signed_in(self, url: str) -> bool:
        return not self.on_sign_in(url) and matches(
            url, self.signed_in_patterns or [self.home.split("?")[0] + "*"]
        )


def load_profile(name_or_path: str) -> Profile:
    """Load a bundled profile by name (``democrm``) or any profile TOML file by path.

    A profile may start from another: ``extends = "salesforce"`` (a bundled name, or a path
    relative to the file) takes every key of that profile, and the file changes only what
    differs. Tables are merged key by key; a locator (a table with ``role``, ``label`` or
    ``text``) and every other value is replaced whole.
    """
    path = _locate(name_or_path, Path.cwd())
    try:
        data = _read(path, ())
        return Profile.model_validate(data)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"CRM profile {path}: not valid TOML: {e}") from None
    except ValidationError as e:
        raise ConfigError(f"CRM profile {path}: {_first_error(e)}") from None


def _locate(name_or_path: str, folder: Path) -> Path:
    path = Path(name_or_path)
    if not path.suffix:
        path = BUNDLED / f"{name_or_path}.toml"
    elif not path.is_absolute():
        path = folder / path
    if not path.is_file():
        bundled = ", ".join(sorted(p.stem for p in BUNDLED.glob("*.toml")))
        raise ConfigError(f"CRM profile {name_or_path!r} not found (bundled profiles: {bundled})")
    return path


def _read(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """A profile file's keys, on top of those of the profile it extends."""
    data = tomllib.loads(path.read_text("utf-8"))
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ConfigError(f"CRM profile {path}: extends must be a profile name or path")
    base_path = _locate(base, path.parent)
    if base_path.resolve() in seen:
        raise ConfigError(f"CRM profile {path}: extends {base!r}, which extends it back")
    return _merge(_read(base_path, (*seen, path.resolve())), data)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if isinstance(value, dict) and isinstance(old, dict) and not _is_locator(value):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


def _is_locator(table: dict[str, Any]) -> bool:
    return any(k in table for k in ("role", "label", "text"))


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    where = ".".join(str(x) for x in err["loc"])
    return f"{where}: {err['msg']}" + (
        f" ({len(e.errors()) - 1} more)" if len(e.errors()) > 1 else ""
    )
