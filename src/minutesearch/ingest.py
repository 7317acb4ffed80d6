"""read -> parse -> store -> stages (entities, topics, indexes, analysis); incremental by hash."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import swap_into_place
from .config import Settings
from .errors import MinutesearchError, ReadError
from .locations import PROJECT_ROOT, store_path
from .parse import parse_document
from .read import SUPPORTED_SUFFIXES, read_document
from .stages import ProgressFn, StageContext, _no_progress
from .store import Store

Stage = Callable[[StageContext], None]


@dataclass
class FileOutcome:
    """What happened to one file: new, changed, unchanged, removed or skipped (with reason)."""

    source: str
    status: str
    doc_id: str | None = None
    items: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    """The summary `minutesearch ingest` prints."""

    files: list[FileOutcome] = field(default_factory=list)
    stage_warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def skipped(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def warnings(self) -> list[str]:
        out = [f"{f.source}: {w}" for f in self.files for w in f.warnings]
        return out + self.stage_warnings


def source_key(path: Path) -> str:
    """A stable key for a file: relative to the project when inside it, else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files to ingest under the given paths (sorted), and outcomes for paths that are unusable."""
    found: list[Path] = []
    bad: list[FileOutcome] = []
    for p in paths:
        if p.is_dir():
            found += sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED_SUFFIXES
                and not f.name.startswith(".")
            )
        elif p.is_file():
            found.append(p)
        else:
            bad.append(FileOutcome(str(p), "skipped", reason="no such file or directory"))
    return found, bad


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_stages() -> list[Stage]:
    """The stages after store, in order. Imported here so each stage loads its heavy deps lazily."""
    from .analysis.pipeline import analyse
    from .entities.pipeline import annotate
    from .index.fulltext import build_fulltext
    from .index.semantic import build_semantic
    from .topics import build_topics

    return [annotate, build_topics, analyse, build_fulltext, build_semantic]


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: ProgressFn = _no_progress,
    stages: list[Stage] | None = None,
) -> IngestReport:
    """Ingest files into the store under settings.index_dir; never damages what was stored."""
    paths = list(paths)
    if rebuild:
        return _rebuild(paths, settings, progress, stages)
    report = IngestReport()
    files, bad = discover(paths)
    report.files += bad
    with Store.open(settings.index_dir) as store:
        known = store.source_hashes()
        changed: set[str] = set()
        for n, path in enumerate(files):
            progress("read", n, len(files))
            outcome = _ingest_file(store, path, known)
            report.files.append(outcome)
            if outcome.status in ("new", "changed") and outcome.doc_id:
                changed.add(outcome.doc_id)
        progress("read", len(files), len(files))
        removed = _remove_vanished(store, paths, {source_key(f) for f in files}, known)
        report.files += [FileOutcome(s, "removed") for s in removed]
        store.relink()
        ctx = StageContext(
            store=store,
            settings=settings,
            changed_docs=changed,
            removed_docs=set(removed),
            rebuild=rebuild,
            progress=progress,
        )
        for stage in stages if stages is not None else default_stages():
            if not changed and not removed and _stage_is_current(ctx, stage):
                continue
            stage(ctx)
        report.stage_warnings = ctx.warnings
        report.counts = store.counts()
    return report


def _stage_is_current(ctx: StageContext, stage: Stage) -> bool:
    """A stage may expose `is_current(ctx)`; without one, an unchanged corpus skips it."""
    check = getattr(stage, "is_current", None)
    return bool(check(ctx)) if check else True


def _ingest_file(store: Store, path: Path, known: dict[str, str]) -> FileOutcome:
    key = source_key(path)
    try:
        digest = sha256_file(path)
    except OSError as exc:
        return FileOutcome(key, "skipped", reason=f"cannot read ({exc.strerror})")
    if known.get(key) == digest:
        return FileOutcome(key, "unchanged")
    try:
        result = read_document(path)
        doc = parse_document(result.text, key)
    except ReadError as exc:
        return FileOutcome(key, "skipped", reason=exc.msg.removeprefix(f"{path}: "))
    except MinutesearchError as exc:
        return FileOutcome(key, "skipped", reason=exc.msg)
    except Exception as exc:  # a parser bug must not end the whole run; it is reported per file
        return FileOutcome(key, "skipped", reason=f"internal error: {type(exc).__name__}: {exc}")
    doc.warnings = result.warnings + doc.warnings
    doc_id = store.save_document(doc, digest)
    status = "changed" if key in known else "new"
    return FileOutcome(
        key, status, doc_id=doc_id, items=len(doc.items), warnings=list(doc.warnings)
    )


def _remove_vanished(
    store: Store, paths: list[Path], present: set[str], known: dict[str, str]
) -> list[str]:
    """Documents stored from an ingested folder whose file is gone are removed."""
    dirs = [source_key(p) for p in paths if p.is_dir()]
    gone = [
        s
        for s in known
        if s not in present and any(s == d or s.startswith(d.rstrip("/") + "/") for d in dirs)
    ]
    for s in gone:
        store.delete_source(s)
    return gone


def _rebuild(
    paths: list[Path], settings: Settings, progress: ProgressFn, stages: list[Stage] | None
) -> IngestReport:
    """Build a fresh index beside the old one, then swap: the old one survives any failure."""
    target = settings.index_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".rebuild-", dir=target.parent))
    try:
        cache = target / "embeddings.sqlite"
        if cache.is_file():  # starting over must not mean embedding every unchanged text again
            shutil.copy2(cache, tmp / "embeddings.sqlite")
        fresh = Settings(**{**settings.__dict__, "index_dir": tmp})
        report = ingest(paths, fresh, progress=progress, stages=stages)
        if store_path(target).exists():
            from .analysis.watches import carry_over

            with Store.open(tmp) as new_store:
                carry_over(target, new_store)  # saved watches and what they have seen survive
        swap_into_place(tmp, target)
        return report
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
