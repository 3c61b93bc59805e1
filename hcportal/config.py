"""The one typed configuration object, made of each stage's own settings section.

Every key has a default, so no file at all runs the demo end to end. A TOML file overrides any of
them; unknown keys are errors (a typo must not be silently ignored). Secrets never live here: the
config only names the environment variables that hold them.

Where the file comes from, first found: ``--config FILE``, ``$HCPORTAL_CONFIG``, ``./hcportal.toml``.
Relative paths in it are relative to the file's folder (the working folder when there is no file).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from hcportal.core.errors import ConfigError
from hcportal.harvest.settings import HarvestSettings
from hcportal.publish.notify import NotifySettings
from hcportal.publish.settings import PublishSettings
from hcportal.render.settings import SiteSettings
from hcportal.transform.settings import TransformSettings

ENV_VAR = "HCPORTAL_CONFIG"
DEFAULT_FILE = "hcportal.toml"


class PathSettings(BaseModel):
    """Where the pipeline writes."""

    model_config = ConfigDict(extra="forbid")

    build: str = Field(
        "build",
        description=(
            "Folder for everything the pipeline writes: `raw/` (harvest runs), `data/` (tables), "
            "`site/` (the built site) and `public/` (the default publish target)."
        ),
    )


class Config(BaseModel):
    """hcportal's whole configuration."""

    model_config = ConfigDict(extra="forbid")

    paths: PathSettings = Field(default_factory=PathSettings)
    harvest: HarvestSettings = Field(default_factory=HarvestSettings)
    transform: TransformSettings = Field(default_factory=TransformSettings)
    site: SiteSettings = Field(default_factory=SiteSettings)
    publish: PublishSettings = Field(default_factory=PublishSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)

    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)
    _source: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _demo_faults_known(self) -> Config:
        from hcportal.demo import check_faults

        check_faults(self.harvest)
        return self

    @property
    def source(self) -> Path | None:
        """The file this config was read from, if any."""
        return self._source

    def resolve(self, path: str | Path) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else self._base_dir / p

    @property
    def drop_folder(self) -> Path | None:
        """The harvest's drop folder when its source is "folder", resolved like every path."""
        h = self.harvest
        return self.resolve(h.folder) if h.source == "folder" and h.folder else None

    @property
    def build_dir(self) -> Path:
        return self.resolve(self.paths.build)

    @property
    def raw_dir(self) -> Path:
        return self.build_dir / "raw"

    @property
    def data_dir(self) -> Path:
        return self.build_dir / "data"

    @property
    def site_dir(self) -> Path:
        return self.build_dir / "site"

    @property
    def publish_dir(self) -> Path:
        return self.resolve(self.publish.dir) if self.publish.dir else self.build_dir / "public"


def from_mapping(data: Mapping, base_dir: Path | None = None, source: Path | None = None) -> Config:
    """Validate ``data`` (the parsed TOML) into a :class:`Config`, or raise a readable error."""
    try:
        config = Config.model_validate(dict(data))
    except ValidationError as e:
        raise ConfigError(_describe(e, source)) from None
    config._base_dir = (base_dir or Path.cwd()).absolute()
    config._source = source
    return config


def load_config(path: Path | str | None = None, env: Mapping[str, str] = os.environ) -> Config:
    """Load the configuration: the given file, else ``$HCPORTAL_CONFIG``, else ``./hcportal.toml``,
    else the defaults (the bundled demo CRM)."""
    if path is None and env.get(ENV_VAR):
        path = env[ENV_VAR]
    if path is None:
        if not Path(DEFAULT_FILE).is_file():
            return from_mapping({})
        path = DEFAULT_FILE
    file = Path(path).expanduser()
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {file} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file {file} cannot be read: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {file} is not valid TOML: {e}") from None
    return from_mapping(data, base_dir=file.absolute().parent, source=file)


def _describe(e: ValidationError, source: Path | None) -> str:
    where = f"config file {source}" if source else "configuration"
    lines = []
    for err in e.errors():
        key = ".".join(str(x) for x in err["loc"])
        msg = "unknown key (check its spelling)" if err["type"] == "extra_forbidden" else err["msg"]
        got = "" if err["type"] in ("extra_forbidden", "missing") else f" (got {err['input']!r})"
        lines.append(f"  {key}: {msg}{got}")
    return (
        f"{where} is invalid:\n" + "\n".join(lines) + "\nSee docs/configuration.md for every key."
    )
