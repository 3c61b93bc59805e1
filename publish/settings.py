"""Publish settings: where the built site goes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PublishSettings(BaseModel):
    """How ``hcportal publish`` deploys the built site."""

    model_config = ConfigDict(extra="forbid")

    target: Literal["local"] = Field(
        "local",
        description='Where to deploy: "local" (a folder, served by any web server or opened as files).',
    )
    dir: str = Field(
        "",
        description=(
            "The local folder to publish into (blank: `<paths.build>/public`). Readers open "
            "`<dir>/current/index.html`; `current` is switched atomically to each new release."
        ),
    )
    keep_releases: int = Field(
        5, ge=1, description="How many published releases to keep beside the current one."
    )
