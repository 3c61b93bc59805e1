"""Publish to an S3 bucket (or any S3-compatible store): changed files only, entry pages last.

S3 has no rename and no symlink, so the switch is an order. Files under new keys go up first: no
published page refers to them yet, so a publish stopped at any point of that (the bulk of a night's
upload when data files carry a content hash in their names) leaves the old site exactly as it was.
Then the switch proper, a short burst: files overwritten in place (same name, new content), the
entry pages (HTML), the home pages last. Until an entry page is replaced readers get the old one;
once it is, everything it references is there. Only files kept under a fixed name while their
content changes can be seen mixed with the old pages, during that burst; a site whose data files
are content-named is switched atomically page by page.

Nothing is deleted until the next release: an object stays one release after its last use, so a
reader still on yesterday's page keeps finding its files. Only objects hcportal uploaded (listed in
its state object) are ever deleted; anything else under the prefix is left alone.

Which files changed is decided by content: the state object records each file's sha256 and
content type, and the bucket listing's ETag (the MD5 of a single-part upload) must still match, so
an object changed or deleted by hand is uploaded again.
"""

from __future__ import annotations

import base64
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from hcportal.core.errors import PublishError
from hcportal.publish.files import SiteFile, is_content_addressed, upload_order
from hcportal.publish.release import Published
from hcportal.publish.settings import S3Settings

log = logging.getLogger(__name__)

STATE_KEY = ".hcportal/state.json"


def publish_s3(
    files: list[SiteFile], settings: S3Settings, release_id: str, now: datetime
) -> Published:
    prefix = _prefix(settings.prefix)
    bucket = settings.bucket
    client = _client(settings)
    where = f"s3://{bucket}/{prefix}"
    result = Published("s3", release_id, f"{where}index.html", files=len(files))
    try:
        listed = _list(client, bucket, prefix)
        state = _read_state(client, bucket, prefix + STATE_KEY)
        known = state.get("files", {})
        changed = []
        for f in files:
            key = prefix + f.rel
            same = known.get(f.rel) == _entry(f) and listed.get(key) == f.md5
            if same:
                result.unchanged += 1
            else:
                changed.append(f)
        # Waves, each finished before the next starts. New keys first: no published page refers
        # to them yet, so a publish killed here leaves the old site exactly as it was. Then the
        # switch: files overwritten in place, the entry pages, the home pages last.
        ordered = upload_order(changed)
        waves = [
            [f for f in ordered if not f.entry and prefix + f.rel not in listed],
            [f for f in ordered if not f.entry and prefix + f.rel in listed],
            [f for f in ordered if f.entry and not _is_home(f)],
            [f for f in ordered if f.entry and _is_home(f)],
        ]
        with ThreadPoolExecutor(max_workers=settings.workers) as pool:
            for wave in waves:
                for f in pool.map(lambda f: _upload(client, bucket, prefix, f, settings), wave):
                    result.uploaded += 1
                    result.bytes_uploaded += f.size
        new_files = {f.rel: _entry(f) for f in files}
        # Keep the previous release's files for one more release (see the module docstring).
        stale = set(state.get("previous", {})) - set(new_files) - set(known)
        new_state = {
            "release": release_id,
            "published": now.isoformat(timespec="seconds"),
            "files": new_files,
            "previous": {k: v for k, v in known.items() if k not in new_files},
        }
        client.put_object(
            Bucket=bucket,
            Key=prefix + STATE_KEY,
            Body=json.dumps(new_state, indent=1).encode(),
            ContentType="application/json",
            CacheControl="no-store",
        )
        for i in range(0, len(stale), 1000):  # DeleteObjects takes at most 1000 keys
            batch = sorted(stale)[i : i + 1000]
            client.delete_objects(
                Bucket=bucket,
                Delete={"Objects": [{"Key": prefix + k} for k in batch], "Quiet": True},
            )
            result.deleted += len(batch)
    except PublishError:
        raise
    except Exception as e:  # botocore's errors: no credentials, no bucket, denied, unreachable
        raise PublishError(f"S3 publish to {where} failed: {_describe(e)}") from e
    log.info(
        "s3: %d uploaded, %d unchanged, %d deleted in %s",
        result.uploaded, result.unchanged, result.deleted, where,
    )  # fmt: skip
    return result


def _is_home(f: SiteFile) -> bool:
    return PurePosixPath(f.rel).name == "index.html"


def _prefix(prefix: str) -> str:
    prefix = prefix.strip("/")
    return f"{prefix}/" if prefix else ""


def _client(settings: S3Settings) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:  # pragma: no cover - boto3 is a dependency; a trimmed install may lack it
        raise PublishError("the S3 target needs boto3: pip install boto3") from None
    session = boto3.session.Session(
        profile_name=settings.profile or None, region_name=settings.region or None
    )
    config = Config(
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=max(10, settings.workers),
    )
    return session.client("s3", endpoint_url=settings.endpoint_url or None, config=config)


def _entry(f: SiteFile) -> dict:
    return {"sha256": f.sha256, "content_type": f.content_type}


def _list(client: Any, bucket: str, prefix: str) -> dict[str, str]:
    """Every key under the prefix with its ETag (without the quotes S3 puts around it)."""
    out: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            out[obj["Key"]] = obj["ETag"].strip('"')
    return out


def _read_state(client: Any, bucket: str, key: str) -> dict:
    from botocore.exceptions import ClientError

    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return {}
        raise
    try:
        state = json.loads(body)
    except ValueError:
        log.warning("s3: %s is not valid JSON; every file will be uploaded again", key)
        return {}
    return state if isinstance(state, dict) else {}


def _upload(client: Any, bucket: str, prefix: str, f: SiteFile, settings: S3Settings) -> SiteFile:
    if f.entry:
        cache = settings.entry_cache_control
    elif is_content_addressed(f.rel):
        cache = settings.immutable_cache_control
    else:
        cache = settings.asset_cache_control
    with f.path.open("rb") as body:
        client.put_object(
            Bucket=bucket,
            Key=prefix + f.rel,
            Body=body,
            ContentType=f.content_type,
            CacheControl=cache,
            # S3 checks the bytes it received against this, so a broken upload is an error.
            ContentMD5=base64.b64encode(bytes.fromhex(f.md5)).decode(),
            Metadata={"sha256": f.sha256},
        )
    return f


def _describe(e: Exception) -> str:
    response = getattr(e, "response", None)
    if isinstance(response, dict) and "Error" in response:
        err = response["Error"]
        return f"{err.get('Code', 'error')}: {err.get('Message', '')}".strip(": ")
    return str(e) or type(e).__name__
