"""How much a nightly publish costs once the host already holds yesterday's site.

A synthetic site shaped like a sharded portal (pages that link each other, one data file per
owner), published to each target three times in one run: in full onto an empty host, again with
nothing changed, and again with 5% of the data files changed (a typical night). The targets are on
what moves (files and bytes sent, against the full publish of the same run); times are reported as
ratios for information. S3 is moto's server on 127.0.0.1, git a bare repository, rsync a folder:
real protocols but no network, so on this machine sending a file costs about as much as hashing
it, and the time ratios understate what a remote host saves. Also: the gate's site checks as a
share of a full local publish.

Scale: ``HCPORTAL_BENCH_SCALE`` (default 1: 2,000 data files of ~24 KB and 200 pages, ~50 MB).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bench
from hcportal import publish
from hcportal.publish.settings import PublishSettings
from hcportal.publish.sitecheck import check_site

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def make_site(root: Path, files: int, pages: int) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "static").mkdir()
    (root / "static" / "app.js").write_text("window.HCP = window.HCP || {data: {}};\n" * 200)
    (root / "static" / "app.css").write_text("body { font: 14px sans-serif; }\n" * 100)
    rng = random.Random(7)
    for i in range(files):
        row = ",".join(str(rng.randrange(10**6)) for _ in range(6))
        (root / "data" / f"owner{i:05d}.js").write_text(f"HCP.data.o{i}=[{row}];\n" * 580)

    def page(n: int) -> str:
        return "index.html" if n == 0 else f"page{n}.html"

    for p in range(pages):
        links = "".join(f'<a href="{page((p + k) % pages)}">{k}</a> ' for k in range(1, 6))
        scripts = "".join(
            f'<script src="data/owner{(p * 10 + k) % files:05d}.js"></script>' for k in range(10)
        )
        (root / page(p)).write_text(
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>p{p}</title>'
            f'<link rel="stylesheet" href="static/app.css">{scripts}'
            f'<script src="static/app.js"></script></head><body><main><h1>Page {p}</h1>'
            f"<nav>{links}</nav></main></body></html>\n"
        )
    return root


def touch_share(site: Path, share: float) -> int:
    data = sorted((site / "data").iterdir())
    changed = data[:: max(int(1 / share), 1)]
    for f in changed:
        f.write_text(f.read_text() + "// changed\n")
    return len(changed)


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def three_publishes(report, name: str, site: Path, settings: PublishSettings, dest: Path) -> None:
    def go(hours: int) -> publish.Published:
        return publish.publish(
            site, settings, dest, NOW + timedelta(hours=hours), cache_dir=dest.parent / "cache"
        )

    full_s, full = timed(lambda: go(0))
    same_s, same = timed(lambda: go(1))
    changed = touch_share(site, 0.05)
    night_s, night = timed(lambda: go(2))
    report.measure(f"{name}: full publish", full_s, "s")
    report.measure(f"{name}: unchanged republish, time / full", same_s / full_s, "x")
    report.measure(
        f"{name}: unchanged republish, files sent", same.uploaded, "files", "0", same.uploaded == 0
    )
    report.measure(f"{name}: 5% night ({changed} data files), time / full", night_s / full_s, "x")
    if full.bytes_uploaded:  # git counts objects, not bytes
        share = night.bytes_uploaded / full.bytes_uploaded
        report.measure(f"{name}: 5% night, bytes sent / full", share, "x", "<= 0.10", share <= 0.10)
    report.measure(
        f"{name}: 5% night, files sent", night.uploaded, "files",
        f"= {changed}", night.uploaded == changed,
    )  # fmt: skip


def main(report) -> None:
    scale = bench.scale()
    files, pages = max(int(2000 * scale), 20), max(int(200 * scale), 5)
    work = Path(tempfile.mkdtemp(prefix="hcportal-bench-publish-"))
    try:
        pristine = make_site(work / "site", files, pages)
        size = sum(p.stat().st_size for p in pristine.rglob("*") if p.is_file())
        report.measure("site files", files + pages + 2, "files")
        report.measure("site size", size / 1e6, "MB")

        def fresh(name: str) -> Path:
            copy = work / f"site-{name}"
            shutil.copytree(pristine, copy)
            return copy

        local_full, _ = timed(
            lambda: publish.publish(pristine, PublishSettings(), work / "gate-probe", NOW)
        )
        check, problems = timed(lambda: check_site(pristine))
        assert not problems, problems[:3]
        report.measure("gate site checks / full local publish", check / local_full, "x")
        report.measure("gate site checks, pages per second", pages / check, "pages/s")

        three_publishes(report, "local", fresh("local"), PublishSettings(), work / "public")

        three_publishes(
            report, "git", fresh("git"), _git_settings(work / "pages.git"), work / "git"
        )

        if shutil.which("rsync"):
            rs = PublishSettings.model_validate(
                {"target": "rsync", "rsync": {"dest": str(work / "rsync-dest")}}
            )
            three_publishes(report, "rsync", fresh("rsync"), rs, work / "rsync")

        _s3(report, fresh("s3"), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _git_settings(repo: Path) -> PublishSettings:
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    return PublishSettings.model_validate({"target": "git", "git": {"repo": str(repo)}})


def _s3(report, site: Path, work: Path) -> None:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
        settings = PublishSettings.model_validate(
            {"target": "s3", "s3": {"bucket": bucket, "endpoint_url": endpoint}}
        )
        three_publishes(report, "s3 (moto)", site, settings, work / "s3")
    finally:
        server.stop()
