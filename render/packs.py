"""Making packs: one account on demand, or every account whose check is due soon (nightly).

Each pack is written as ``packs/<file_name(account key)>.pptx``; :func:`due_accounts` chooses
the accounts of the nightly run: a check overdue or pending, or upcoming within ``pack_days``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hcportal.core.tables import Tables
from hcportal.render import deck
from hcportal.render.pack import PackError, contents
from hcportal.render.shards import ascii_dashes

log = logging.getLogger(__name__)
FOLDER = "packs"


@dataclass(frozen=True)
class Wording:
    """What the last slide tells sellers to log (the transform's evidence settings)."""

    label: str = "Health Check"
    pattern: str = r"health[\s_-]*check"


def file_name(account_key: str) -> str:
    """The pack's file name (without extension): ``acme-org-1f3a9c5b7d20``, the key's ASCII
    letters and digits (at most 60) and 12 hex digits of its hash.

    Only ``[a-z0-9-]``: no separator, dot or hidden name, whatever the account is called. The
    hash keeps apart names that lose everything to ASCII (``株式会社…``, all ``account-…``):
    48 bits, so 100,000 such accounts share a name with odds of one in 50,000, and
    :func:`file_names` refuses the run if two ever do. Stable: a link never changes while the
    account's name does not.
    """
    base = ascii_dashes(account_key)[:60].strip("-") or "account"
    return f"{base}-{hashlib.sha256(account_key.encode('utf-8')).hexdigest()[:12]}"


def file_names(keys: list[str]) -> dict[str, str]:
    """Each account's file name; a :class:`PackError` if two accounts would share one (one
    deck must never overwrite another's, in a folder that two sellers may read)."""
    names = {k: file_name(k) for k in keys}
    if len(set(names.values())) < len(names):
        seen: dict[str, str] = {}
        for k, n in names.items():
            if n in seen:
                raise PackError(f"accounts {seen[n]!r} and {k!r} would share the pack {n}.pptx")
            seen[n] = k
    return names


def make_pack(
    tables: Tables,
    key: str,
    out_dir: Path,
    template: Path | None,
    wording: Wording = Wording(),
    pdf: bool = False,
    browser: str = "",
) -> Path:
    """Write account ``key``'s pack into ``out_dir`` (and its PDF beside, with ``pdf``); return
    the .pptx path."""
    pack = contents(tables, key, wording.label, wording.pattern)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = deck.write_pptx(pack, out_dir / f"{file_name(key)}.pptx", template)
    if pdf:
        from hcportal.render.pack_pdf import write_pdfs

        write_pdfs([(pack, path.with_suffix(".pdf"))], browser)
    return path


def due_accounts(tables: Tables, within_days: int) -> list[str]:
    """Keys of the accounts with a check overdue or pending, or upcoming and due within
    ``within_days`` of the as-of date (most urgent first)."""
    targets = tables["targets"]
    if targets.empty:
        return []
    as_of = pd.Timestamp(tables.meta.get("as_of") or targets["due_date"].min())
    status = targets["status"].astype("str")
    soon = status.isin(["overdue", "pending"]) | (
        (status == "upcoming") & (targets["due_date"] <= as_of + pd.Timedelta(days=within_days))
    )
    chosen = targets.loc[soon.to_numpy()]
    if "urgency" in chosen.columns:
        chosen = chosen.sort_values("urgency")
    return list(dict.fromkeys(chosen["account_key"].astype("str")))


# -- the nightly packs, published with the site -------------------------------------------------

# Overwritten in each site folder with that folder's packs: the X-Ray and the targets page load
# it (it always exists, as a static file of the site, so a site without packs loads an empty map).
MAP_FILE = "static/js/packs.js"


@dataclass
class Made:
    packs: int = 0  # packs in the site (the manager root's)
    built: int = 0  # decks written this run
    reused: int = 0  # decks copied from the cache: their inputs had not changed


def publish_packs(
    tables: Tables,
    site_dir: Path,
    cache_dir: Path,
    within_days: int,
    template: Path | None,
    wording: Wording = Wording(),
    workers: int = 1,
    pdf: bool = False,
) -> Made:
    """Make the packs of the accounts due within ``within_days`` into ``site_dir/packs/`` and
    into every owner's and region's folder of a split site (``access.json``), each folder its
    own accounts' packs only; write each folder's map of them (:data:`MAP_FILE`).

    A deck is rebuilt only when its content changed: each is kept in ``cache_dir`` under the
    content hash of its inputs (the slides' data and the template), and copied from there.
    """
    import shutil

    from hcportal.render.pack import Grouped

    keys = due_accounts(tables, within_days)
    file_names(keys)  # two accounts, one file: refused before anything is written
    grouped = Grouped(tables)
    salt = _template_salt(template) + repr(wording) + _run_salt(tables)
    hashes = input_hashes(tables, keys)
    cache_dir.mkdir(parents=True, exist_ok=True)
    made = Made(packs=len(keys))
    todo: list[tuple[str, Path]] = []
    cached: dict[str, Path] = {}
    for key in keys:
        path = cache_dir / f"{file_name(key)}.{_digest(hashes[key] + salt)}.pptx"
        cached[key] = path
        if path.is_file():
            made.reused += 1
        else:
            todo.append((key, path))
    made_now = _build_all(tables, todo, template, wording, workers, keep=pdf)
    made.built = len(todo)
    pdfs = _pdfs(tables, cached, grouped, wording, made_now) if pdf else set()
    _prune(cache_dir, set(cached.values()) | {p.with_suffix(".pdf") for p in cached.values()})

    def fill(folder: Path, mine: list[str]) -> None:
        (folder / FOLDER).mkdir(parents=True, exist_ok=True)
        for key in mine:
            shutil.copyfile(cached[key], folder / FOLDER / f"{file_name(key)}.pptx")
            if key in pdfs:
                shutil.copyfile(
                    cached[key].with_suffix(".pdf"), folder / FOLDER / f"{file_name(key)}.pdf"
                )
        _write_map(folder, {k: f"{FOLDER}/{file_name(k)}.pptx" for k in mine})

    fill(site_dir, keys)
    for folder, accounts in _split_folders(tables, site_dir):
        fill(folder, [k for k in keys if k in accounts])
    log.info("packs: %d (%d built, %d unchanged)", made.packs, made.built, made.reused)
    return made


def input_hashes(tables: Tables, keys: list[str]) -> dict[str, str]:
    """Per account, a hash of its rows in every table a pack reads (:data:`PACK_TABLES`; one
    vectorised pass per table, no deck made): equal hashes, equal inputs, so the deck in the
    cache is still right. The other tables (every event, every activity) cannot change a deck."""
    import zlib

    import numpy as np

    from hcportal.render.pack import PACK_TABLES

    wanted = pd.Index(keys, dtype="str")
    total = np.zeros(len(wanted), dtype=np.uint64)
    for name in PACK_TABLES:
        frame = tables.frames.get(name)
        if frame is None or frame.empty:
            continue
        at = wanted.get_indexer(frame["account_key"].astype("str"))
        mine = at >= 0
        # pandas hashes each value by what it is (a timestamp's instant, a category's label),
        # whatever the rest of the column holds: a row's hash depends on that row alone.
        row_hash = pd.util.hash_pandas_object(frame.loc[mine], index=False).to_numpy()
        # A sum per account is order-free; salting each row with its table keeps tables apart.
        salted = row_hash * np.uint64(len(name) * 2 + 1) + np.uint64(
            zlib.crc32(name.encode("utf-8"))
        )
        np.add.at(total, at[mine], salted)
    return {k: format(int(v), "016x") for k, v in zip(keys, total, strict=True)}


def _run_salt(tables: Tables) -> str:
    """What every pack of a run shows besides its rows: the as-of date, the reports' freshness,
    which tables there are."""
    import json

    from hcportal import __version__
    from hcportal.render.pack import PACK_TABLES

    # Which tables exist at all: a slide says "not harvested" for a missing one.
    present = [n for n in PACK_TABLES if n in tables.frames]
    facts = {"as_of": tables.meta.get("as_of"), "reports": tables.meta.get("reports"),
             "tables": present}  # fmt: skip
    return __version__ + json.dumps(facts, sort_keys=True, default=str)


def _pdfs(tables, cached, grouped, wording, made_now: dict) -> set[str]:
    """Print the PDFs that are not in the cache yet (the slides of the decks just built are
    reused, not made again); return the accounts that have one. A PDF that cannot be printed
    (no browser) costs the PDFs, not the decks."""
    from hcportal.render.pack_pdf import write_pdfs

    todo = [k for k, p in cached.items() if not p.with_suffix(".pdf").is_file()]

    def slides(k: str):
        return made_now.get(k) or contents(tables, k, wording.label, wording.pattern, grouped)

    try:
        write_pdfs([(slides(k), cached[k].with_suffix(".pdf")) for k in todo])
    except Exception as e:  # the decks are still published
        log.warning("packs: no PDF (%s: %s)", type(e).__name__, e)
    return {k for k, p in cached.items() if p.with_suffix(".pdf").is_file()}


CHUNK = 20  # decks per task of the pool: small enough to share the work out and report progress


def _build_all(tables, todo, template, wording, workers: int, keep: bool = False) -> dict:
    """Write the decks ``todo`` lists, logging progress; a pool of ``workers`` processes when
    there are many (python-pptx is pure Python: a deck costs a core about a tenth of a second).
    With ``keep``, return each deck's slides (the PDFs print them without making them again)."""
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    jobs = [(c, template, wording, keep) for c in chunks]
    made: dict = {}
    done = 0

    def progress(part: dict | int) -> None:
        nonlocal done
        done += part if isinstance(part, int) else len(part)
        if isinstance(part, dict):
            made.update(part)
        if len(chunks) > 1:
            log.info("packs: %d of %d decks built", done, len(todo))

    if workers > 1 and len(chunks) > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(workers, initializer=_init, initargs=(tables,)) as pool:
            for future in as_completed([pool.submit(_write_chunk, job) for job in jobs]):
                progress(future.result())
        return made
    _init(tables)
    for job in jobs:
        progress(_write_chunk(job))
    return made


_WORKER: dict = {}


def _init(tables: Tables) -> None:
    from hcportal.render.pack import Grouped

    _WORKER["tables"], _WORKER["grouped"] = tables, Grouped(tables)


def _write_chunk(job) -> dict | int:
    todo, template, wording, keep = job
    tables, grouped = _WORKER["tables"], _WORKER["grouped"]
    made = {}
    for key, path in todo:
        p = contents(tables, key, wording.label, wording.pattern, grouped)
        tmp = path.with_name(path.name + ".tmp")
        deck.write_pptx(p, tmp, template)
        tmp.replace(path)  # a deck in the cache is always whole
        if keep:
            made[key] = p
    return made if keep else len(todo)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _template_salt(template: Path | None) -> str:
    if template is None:
        return "default"
    return _digest(template.read_bytes().hex()) if template.is_file() else str(template)


def _prune(cache_dir: Path, keep: set[Path]) -> None:
    """Drop the cached decks and PDFs no account uses any more (their data changed, or no check
    is due), and what a stopped run left half-written."""
    for p in cache_dir.iterdir():
        if p.suffix in (".pptx", ".pdf", ".tmp") and p not in keep:
            p.unlink(missing_ok=True)


def _split_folders(tables: Tables, site_dir: Path) -> list[tuple[Path, set[str]]]:
    """The owners' and regions' folders of a split site (``access.json``), with their accounts."""
    import json

    index = site_dir / "access.json"
    if not index.is_file():
        return []
    accounts = tables["accounts"]
    out = []
    for f in json.loads(index.read_text("utf-8")):
        column = accounts[f["kind"]].astype("str")
        keys = set(accounts.loc[(column == f["value"]).to_numpy(), "account_key"].astype("str"))
        out.append((site_dir / f["path"], keys))
    return out


def _write_map(folder: Path, files: dict[str, str]) -> None:
    import json

    # JSON inside a script: "<" escaped, so an account key can never close the script.
    text = json.dumps(files, ensure_ascii=True).replace("<", "\\u003c")
    (folder / MAP_FILE).write_text(f"window.HCP_PACKS = {text};\n", "utf-8")
