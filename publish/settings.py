"""Publish settings: where the built site goes, what must be true first, and what is kept."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class S3Settings(_Strict):
    """An S3 bucket (or any S3-compatible store) served as a static website or behind a CDN."""

    bucket: str = Field("", description='Bucket name (required when `target = "s3"`).')
    prefix: str = Field(
        "",
        description='Key prefix the site lives under, e.g. "portal/" (blank: the bucket root).',
    )
    region: str = Field("", description="AWS region (blank: boto3's own configuration).")
    endpoint_url: str = Field(
        "",
        description=(
            "Endpoint of an S3-compatible store (MinIO, Ceph, ...); blank for AWS. Credentials "
            "never go here: boto3 reads them from its usual places (environment, profile, role)."
        ),
    )
    profile: str = Field("", description="Named AWS profile to use (blank: the default chain).")
    entry_cache_control: str = Field(
        "no-cache",
        description="Cache-Control of the entry pages (HTML): readers revalidate, so a switch shows at once.",
    )
    immutable_cache_control: str = Field(
        "public, max-age=31536000, immutable",
        description="Cache-Control of data files named by their content's hash (`data/*.<hash>.js`).",
    )
    asset_cache_control: str = Field(
        "max-age=300", description="Cache-Control of every other file (scripts, styles, images)."
    )
    workers: int = Field(8, ge=1, le=64, description="Uploads in flight at once.")


class GitSettings(_Strict):
    """A branch of a git repository, such as GitHub Pages' `gh-pages`."""

    repo: str = Field(
        "",
        description=(
            'The repository to push to: a URL or a path (required when `target = "git"`). A '
            "token in the URL is never logged; prefer a credential helper or an SSH key."
        ),
    )
    branch: str = Field("gh-pages", description="The branch whose tree is the site.")
    message: str = Field(
        "hcportal: publish {release}",
        description="Commit message; `{release}` is replaced by the release id.",
    )
    author_name: str = Field("hcportal", description="Author and committer name of the commits.")
    author_email: str = Field(
        "hcportal@localhost", description="Author and committer email of the commits."
    )
    nojekyll: bool = Field(
        True,
        description="Add an empty `.nojekyll` so GitHub Pages serves the files as they are.",
    )


class RsyncSettings(_Strict):
    """A folder on another machine (rsync over ssh) or on this one, with the local target's layout."""

    dest: str = Field(
        "",
        description=(
            'Where to: "host:/srv/www/hcportal", "user@host:path", or a local folder (required '
            'when `target = "rsync"`). Readers open `<dest>/current/`.'
        ),
    )
    ssh: str = Field(
        "ssh",
        description='The remote shell command, e.g. "ssh -i ~/.ssh/deploy_key -p 2222".',
    )
    rsync: str = Field("rsync", description="The rsync program to run here.")


class GateSettings(_Strict):
    """What must be true before a site replaces the published one (`--force REASON` overrides)."""

    max_row_drop: float = Field(
        0.5,
        ge=0,
        le=1,
        description=(
            "Refuse when any report has lost more than this fraction of its rows since the last "
            "good (published) run; 0.5 = more than half gone."
        ),
    )
    max_reject_fraction: float = Field(
        0.05,
        ge=0,
        le=1,
        description=(
            "Refuse when the rows of any report listed in data_quality.csv exceed this fraction "
            "of the report's rows."
        ),
    )
    check_site: bool = Field(
        True,
        description=(
            "Check the built site first: every page parses, every internal link and `src` "
            "resolves, no external resource, no session or secret file."
        ),
    )


class HistorySettings(_Strict):
    """The past runs kept for comparisons, the health score's history and `--rollback`."""

    dir: str = Field("", description="Where runs are kept (blank: `<paths.build>/history`).")
    keep: int = Field(
        30,
        ge=2,
        description=(
            "How many runs to keep (raw manifest, transform outputs, config, run report, and the "
            "site of published runs); the last two published runs are always kept."
        ),
    )


class AccessSettings(_Strict):
    """A site split into folders, for access control on a static host (see docs/deploy.md)."""

    split_by: list[Literal["region", "owner"]] = Field(
        default_factory=list,
        description=(
            "Build, besides the whole portal (for managers), one self-contained folder per region "
            "(`regions/<name>/`) and/or per owner (`owners/<name>/`) holding only its own accounts, "
            'e.g. ["region", "owner"]. Empty: one site.'
        ),
    )


class PublishSettings(_Strict):
    """How ``hcportal publish`` deploys the built site."""

    target: Literal["local", "s3", "git", "rsync"] = Field(
        "local",
        description=(
            'Where to deploy: "local" (a folder), "s3" (a bucket), "git" (a branch, e.g. GitHub '
            'Pages) or "rsync" (a folder on another machine, over ssh). See docs/deploy.md.'
        ),
    )
    dir: str = Field(
        "",
        description=(
            "The local folder to publish into (blank: `<paths.build>/public`). Readers open "
            "`<dir>/current/index.html`; `current` is switched atomically to each new release."
        ),
    )
    keep_releases: int = Field(
        5,
        ge=1,
        description="How many published releases to keep beside the current one (local, rsync).",
    )
    s3: S3Settings = Field(default_factory=S3Settings)
    git: GitSettings = Field(default_factory=GitSettings)
    rsync: RsyncSettings = Field(default_factory=RsyncSettings)
    gate: GateSettings = Field(default_factory=GateSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)
    access: AccessSettings = Field(default_factory=AccessSettings)

    @model_validator(mode="after")
    def _target_is_configured(self) -> PublishSettings:
        required = {"s3": ("s3.bucket", self.s3.bucket), "git": ("git.repo", self.git.repo),
                    "rsync": ("rsync.dest", self.rsync.dest)}  # fmt: skip
        if self.target in required and not required[self.target][1]:
            key = required[self.target][0]
            raise ValueError(f'publish.{key} is required when publish.target = "{self.target}"')
        return self
