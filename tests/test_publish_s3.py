"""The S3 target against a real S3-compatible server (moto's server mode, on 127.0.0.1)."""

from __future__ import annotations

import logging
import os
import signal
import uuid
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest

from hcportal import publish
from hcportal.core.errors import PublishError
from hcportal.publish.settings import PublishSettings
from tests.conftest import NOW
from tests.publishing import make_site, read_tree
from tests.test_publish_local import start_slow, wait_for_lines

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "hcportal-test",
    "AWS_SECRET_ACCESS_KEY": "hcportal-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch) -> tuple[str, object]:
    for k, v in CREDENTIALS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    name = f"hcportal-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return name, client


def settings_for(endpoint: str, bucket: str, **s3: object) -> PublishSettings:
    return PublishSettings.model_validate(
        {
            "target": "s3",
            "s3": {"bucket": bucket, "prefix": "portal/", "endpoint_url": endpoint, **s3},
        }
    )


def objects(client, bucket: str, prefix: str = "portal/") -> dict[str, bytes]:
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            if not o["Key"].startswith(prefix + ".hcportal/"):
                body = client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
                out[o["Key"].removeprefix(prefix)] = body
    return out


def test_publish_uploads_the_site_with_content_types(tmp_path, s3_endpoint, bucket):
    name, client = bucket
    site = make_site(tmp_path / "s", "v1")
    result = publish.publish(site, settings_for(s3_endpoint, name), tmp_path / "unused", NOW)
    assert result.location == f"s3://{name}/portal/index.html"
    assert objects(client, name) == read_tree(site)
    expected = {
        "index.html": "text/html; charset=utf-8",
        "static/app.js": "text/javascript; charset=utf-8",
        "static/app.css": "text/css; charset=utf-8",
        "static/logo.svg": "image/svg+xml; charset=utf-8",
        "data/meta.json": "application/json; charset=utf-8",
    }
    for rel, ctype in expected.items():
        head = client.head_object(Bucket=name, Key=f"portal/{rel}")
        assert head["ContentType"] == ctype, rel
    assert client.head_object(Bucket=name, Key="portal/index.html")["CacheControl"] == "no-cache"


def test_data_files_named_by_content_are_cached_for_ever(tmp_path, s3_endpoint, bucket):
    name, client = bucket
    site = make_site(tmp_path / "s", "v1", data_name="candidates.0123abcd.js")
    publish.publish(site, settings_for(s3_endpoint, name), tmp_path / "unused", NOW)
    cache = lambda rel: client.head_object(Bucket=name, Key=f"portal/{rel}")["CacheControl"]  # noqa: E731
    assert cache("data/candidates.0123abcd.js") == "public, max-age=31536000, immutable"
    assert cache("data/meta.json") == cache("static/app.js") == "max-age=300"


def test_only_changed_files_are_uploaded(tmp_path, s3_endpoint, bucket):
    name, client = bucket
    settings = settings_for(s3_endpoint, name)
    site = make_site(tmp_path / "s", "v1")
    publish.publish(site, settings, tmp_path, NOW)
    again = publish.publish(site, settings, tmp_path, NOW + timedelta(hours=1))
    assert (again.uploaded, again.unchanged) == (0, len(read_tree(site)))
    (site / "data" / "meta.json").write_text('{"version": "v1.1"}\n')
    client.delete_object(Bucket=name, Key="portal/static/app.css")  # someone deleted it by hand
    third = publish.publish(site, settings, tmp_path, NOW + timedelta(hours=2))
    assert third.uploaded == 2 and third.bytes_uploaded > 0
    assert objects(client, name) == read_tree(site)


def test_files_no_longer_used_are_deleted_one_release_later_and_only_ours(
    tmp_path, s3_endpoint, bucket
):
    name, client = bucket
    settings = settings_for(s3_endpoint, name)
    client.put_object(Bucket=name, Key="portal/robots.txt", Body=b"not ours")
    publish.publish(make_site(tmp_path / "a", "v1", data_name="c.1.js"), settings, tmp_path, NOW)
    b = make_site(tmp_path / "b", "v2", data_name="c.2.js")
    publish.publish(b, settings, tmp_path, NOW + timedelta(days=1))
    # A reader still on yesterday's page keeps finding its data for one more release.
    assert "data/c.1.js" in objects(client, name)
    third = publish.publish(b, settings, tmp_path, NOW + timedelta(days=2))
    assert third.deleted == 1
    left = objects(client, name)
    assert "data/c.1.js" not in left and left["robots.txt"] == b"not ours"


def test_an_unreachable_store_is_a_clear_error(tmp_path, monkeypatch):
    for k, v in CREDENTIALS.items():
        monkeypatch.setenv(k, v)
    settings = settings_for("http://127.0.0.1:9", "nope", workers=1)
    site = make_site(tmp_path / "s", "v1")
    with pytest.raises(PublishError, match=r"S3 publish to s3://nope/portal/ failed"):
        publish.publish(site, settings, tmp_path, NOW)


def test_a_missing_bucket_names_the_bucket(tmp_path, s3_endpoint, bucket):
    settings = settings_for(s3_endpoint, "no-such-bucket-hcportal")
    with pytest.raises(PublishError, match=r"no-such-bucket-hcportal.*NoSuchBucket"):
        publish.publish(make_site(tmp_path / "s", "v1"), settings, tmp_path, NOW)


# As the local target's test: the publisher halts after a few uploads and waits to be killed.
HALT_AFTER = 5
SLOW_S3_PUBLISH = f"""
import sys, threading
from datetime import datetime
from pathlib import Path
from hcportal import publish
import hcportal.publish.s3 as s3
from hcportal.publish.settings import PublishSettings

upload, uploaded = s3._upload, []
def halting_upload(client, bucket, prefix, f, settings):
    upload(client, bucket, prefix, f, settings)
    uploaded.append(f.rel)
    print("uploaded", f.rel, flush=True)
    if len(uploaded) == {HALT_AFTER}:
        threading.Event().wait()  # until killed
    return f
s3._upload = halting_upload
settings = PublishSettings.model_validate({{"target": "s3", "s3": {{
    "bucket": sys.argv[3], "prefix": "portal/", "endpoint_url": sys.argv[2], "workers": 1}}}})
publish.publish(Path(sys.argv[1]), settings, Path("."), datetime.fromisoformat(sys.argv[4]))
print("done", flush=True)
"""


def test_an_s3_publish_killed_midway_leaves_the_old_site_whole(tmp_path, s3_endpoint, bucket):
    """Files under new keys go up first; the kill lands before anything published is replaced
    (data/meta.json, same name and new content, waits for the switch with the pages)."""
    name, client = bucket
    old = make_site(tmp_path / "old", "v1", data_name="candidates.0a1b.js", pages=4)
    publish.publish(old, settings_for(s3_endpoint, name), tmp_path, NOW)
    new = make_site(tmp_path / "new", "v2", data_name="candidates.9f8e.js", pages=10)
    for i in range(8):  # more data files, as a site sharded per owner has
        (new / "data" / f"owner{i}.c3d4.js").write_text(f"HCP.data.o{i} = {i};\n")
    proc = start_slow(
        SLOW_S3_PUBLISH, str(new), s3_endpoint, name, (NOW + timedelta(days=1)).isoformat()
    )
    try:
        uploaded = [ln.split()[1] for ln in wait_for_lines(proc, "uploaded", HALT_AFTER)]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert not any(rel.endswith(".html") for rel in uploaded)  # referenced files go first
    assert "data/meta.json" not in uploaded  # an overwrite: part of the switch, not before it
    after = objects(client, name)
    assert {k: after[k] for k in read_tree(old)} == read_tree(old)  # every old file, unchanged
    # The next publish completes the release.
    publish.publish(new, settings_for(s3_endpoint, name), tmp_path, NOW + timedelta(days=2))
    assert {k: v for k, v in objects(client, name).items() if k in read_tree(new)} == read_tree(new)


def test_upload_order_puts_pages_last_and_the_home_page_very_last(tmp_path):
    from hcportal.publish.files import scan, upload_order

    order = [f.rel for f in upload_order(scan(make_site(tmp_path / "s", "v1", pages=4)))]
    pages = [r for r in order if r.endswith(".html")]
    assert order[-len(pages) :] == pages and order[-1] == "index.html"


def test_env_is_not_leaked_into_the_state_object(tmp_path, s3_endpoint, bucket):
    name, client = bucket
    publish.publish(make_site(tmp_path / "s", "v1"), settings_for(s3_endpoint, name), tmp_path, NOW)
    state = client.get_object(Bucket=name, Key="portal/.hcportal/state.json")["Body"].read()
    assert os.environ["AWS_SECRET_ACCESS_KEY"].encode() not in state
    assert str(tmp_path).encode() not in state  # no local paths either
