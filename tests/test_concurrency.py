"""One writer at a time in the build folder; setup and the demo CRM under concurrent use.

Every command runs as a user runs it (a subprocess of `hcportal`, or `make`).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hcportal import democrm
from tests.conftest import NOW, TODAY, cli_env, ctrl_c_as_at_a_terminal, run_cli

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
LOCKED = "another hcportal command is writing into"


def hcportal(work: Path, *args: str, **kw) -> subprocess.Popen | subprocess.CompletedProcess:
    if not kw.pop("background", False):
        return run_cli(*args, cwd=work, now=NOW)
    return subprocess.Popen(
        [sys.executable, "-m", "hcportal", *args], cwd=work,
        env=cli_env(NOW, PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=ctrl_c_as_at_a_terminal,
    )  # fmt: skip


@pytest.fixture
def work(tmp_path) -> Path:
    drop = tmp_path / "drop"
    drop.mkdir()
    for name, df in democrm.generate(accounts=30, seed=3, today=TODAY).items():
        df.to_csv(drop / f"{name}.csv", index=False)
    (tmp_path / "hcportal.toml").write_text(
        '[paths]\nbuild = "build"\n[harvest]\nsource = "folder"\nfolder = "drop"\n'
    )
    return tmp_path


COMMANDS = {
    "harvest": ["harvest", "--from-folder", "drop"],
    "transform": ["transform", "--raw", "drop", "--out", "build/data"],
    "build": ["build", "--data", "build/data", "--out", "build/site"],
    "publish": ["publish"],
    "run": ["run"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.reliability(
    "a command that writes into the build folder (run, harvest, transform, build, publish) while another holds it",
    "stops at once with a message naming the folder; nothing written",
)
def test_every_command_writing_into_the_build_folder_takes_the_lock(work, command):
    build = work / "build"
    (build / "data").mkdir(parents=True)
    (build / "data" / "meta.json").write_text("{}")  # for `build` to get as far as the lock
    with (build / ".hcportal.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        before = sorted(p.relative_to(build) for p in build.rglob("*"))
        proc = hcportal(work, *COMMANDS[command], "--config", "hcportal.toml")
    assert proc.returncode == 1, proc.stderr
    [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("hcportal: error:")]
    assert LOCKED in line and str(build) in line
    assert sorted(p.relative_to(build) for p in build.rglob("*")) == before


@pytest.mark.reliability(
    "`hcportal run`, whose steps each take the build folder's lock",
    "the run holds it once for all its steps (re-entrant) and publishes",
)
def test_a_run_takes_the_lock_once_for_all_its_steps(work):
    proc = hcportal(work, "run", "--config", "hcportal.toml")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((work / "build" / "run-report.json").read_text())
    assert [s["name"] for s in report["stages"]] == [
        "harvest", "transform", "build", "gate", "publish"
    ]  # fmt: skip


@pytest.mark.reliability(
    "two `hcportal transform` into the same build folder at the same moment",
    "one writes, the other stops with the lock message or writes after it; never a mixed folder",
)
def test_two_transforms_at_once_never_mix(work):
    procs = [hcportal(work, *COMMANDS["transform"], background=True) for _ in range(2)]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, err in outcomes:
        assert code == 0 or (code == 1 and LOCKED in err), err
        assert "Traceback" not in err
    assert any(code == 0 for code, _ in outcomes)
    names = {p.name for p in (work / "build" / "data").iterdir()}
    assert {"meta.json", "targets.csv", "data_quality.csv"} <= names


def _connected(socks: list[socket.socket], deadline: float) -> int:
    """How many of the non-blocking connects complete before ``deadline`` (monotonic)."""
    pending, done = list(socks), 0
    while pending and time.monotonic() < deadline:
        _, ready, _ = select.select([], pending, [], 0.2)
        for s in ready:
            pending.remove(s)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done += 1
    return done


@pytest.mark.reliability(
    "200 clients connecting to the demo CRM at once while it is busy",
    "all are queued (listen backlog above 200) and all are answered",
)
def test_the_demo_crm_queues_200_clients_at_once(tmp_path):
    server = hcportal(tmp_path, "demo-crm", "--port", "0", "--accounts", "5", background=True)
    try:
        line = ""
        while "Demo CRM on http://" not in line:
            line = server.stdout.readline()
            assert line or server.poll() is None, server.stderr.read()
        port = int(line.split("http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        os.kill(server.pid, signal.SIGSTOP)  # busy: it accepts nobody for now
        socks = []
        try:
            for _ in range(200):
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", port))
                socks.append(s)
            # The kernel completes the handshakes into the listen queue while the server sleeps;
            # with socketserver's default backlog of 5, all but six would hang here.
            assert _connected(socks, time.monotonic() + 20) == 200
        finally:
            os.kill(server.pid, signal.SIGCONT)
        answered = 0
        for s in socks:
            s.setblocking(True)
            s.settimeout(60)
            s.sendall(b"GET /login HTTP/1.0\r\nHost: localhost\r\n\r\n")
            answered += s.recv(12).startswith(b"HTTP/1.")
            s.close()
        assert answered == 200
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


@pytest.mark.reliability(
    "two `make setup` started at the same moment on a fresh checkout",
    "the second waits for the first (flock) and finds the work done; both succeed",
)
def test_two_make_setups_at_once_both_succeed(tmp_path):
    checkout = tmp_path / "checkout"
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for rel in files:
        (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, checkout / rel)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    procs = [
        subprocess.Popen(["make", "setup", f"PYTHON={sys.executable}"], cwd=checkout, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]  # fmt: skip
    outputs = [p.communicate(timeout=1200)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert (checkout / ".venv" / ".installed").is_file()
    check = subprocess.run([str(checkout / ".venv/bin/hcportal"), "--version"],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0 and "hcportal" in check.stdout
