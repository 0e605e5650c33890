"""`acusight fsck`: find (and repair) where the database and the blob store disagree.

A crash between publishing a blob and committing its row leaves a blob nothing refers to (an
orphan); uploads cut off mid-body leave staged files; a lost disk or a hand-made deletion leaves rows
whose blob is gone. The check is one ordered pass over the store, merged against ordered streams of
the hashes the database refers to, so neither side is ever held in memory whole.

Nothing written or claimed within the grace period is touched: an upload in flight publishes its
blob a few milliseconds before its row commits, and a retry claims an existing blob again (the
store renews its time), so only blobs that stayed unreferenced for the whole grace period go.
"""

from __future__ import annotations

import heapq
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, exists, or_, select
from sqlalchemy.orm import Session

from webapp.models import DatasetItem, ExportJob, Image, ModelVersion
from webapp.storage import BlobInfo, BlobStore

DEFAULT_GRACE_S = 24 * 3600
# How many examples of each problem the report lists (the counts are always complete).
EXAMPLES = 50
_STREAM_ROWS = 5000

_HEX64 = "[0-9a-f]{64}"
_IMAGE = re.compile(rf"^([0-9a-f]{{2}})/([0-9a-f]{{2}})/({_HEX64})$")
_DERIVED = re.compile(rf"^derived/([0-9a-f]{{2}})/([0-9a-f]{{2}})/({_HEX64})-[^/]+$")
_ARTIFACT = re.compile(rf"^artifacts/([0-9a-f]{{2}})/({_HEX64})$")


@dataclass
class Finding:
    """One kind of finding: how many, how many bytes, how many were repaired, and some examples."""

    count: int = 0
    bytes: int = 0
    repaired: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, example: str, size: int = 0) -> None:
        self.count += 1
        self.bytes += size
        if len(self.examples) < EXAMPLES:
            self.examples.append(example)

    @property
    def remaining(self) -> int:
        return self.count - self.repaired


@dataclass
class FsckReport:
    backend: str
    repair: bool
    grace_s: float
    blobs: int = 0
    blob_bytes: int = 0
    # Problems: each is repaired by --repair, except missing blobs, which only a backup can bring back.
    orphan_images: Finding = field(default_factory=Finding)
    orphan_derived: Finding = field(default_factory=Finding)
    orphan_artifacts: Finding = field(default_factory=Finding)
    stale_staging: Finding = field(default_factory=Finding)
    missing_images: Finding = field(default_factory=Finding)
    missing_artifacts: Finding = field(default_factory=Finding)
    # Not problems: unreferenced blobs and staged files younger than the grace period (work in flight),
    # and keys of a shape this platform never writes (left alone, listed for the operator).
    young: Finding = field(default_factory=Finding)
    unknown_keys: Finding = field(default_factory=Finding)

    PROBLEMS = (
        "orphan_images",
        "orphan_derived",
        "orphan_artifacts",
        "stale_staging",
        "missing_images",
        "missing_artifacts",
    )

    @property
    def problems_remaining(self) -> int:
        return sum(getattr(self, name).remaining for name in self.PROBLEMS)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "problems_remaining": self.problems_remaining}

    def lines(self) -> list[str]:
        """The human summary `acusight fsck` prints."""
        out = [
            f"blob store   {self.backend}",
            f"checked      {self.blobs} blobs, {self.blob_bytes / 1e6:.1f} MB "
            f"(grace period {self.grace_s / 3600:g} h; {'repairing' if self.repair else 'report only'})",
        ]
        labels = {
            "orphan_images": "image blobs without a row",
            "orphan_derived": "thumbnails of no image",
            "orphan_artifacts": "model/export artifacts without a row",
            "stale_staging": "stale staged files",
            "missing_images": "images whose blob is missing",
            "missing_artifacts": "models/exports whose artifact is missing",
        }
        for name, label in labels.items():
            finding: Finding = getattr(self, name)
            if not finding.count:
                out.append(f"ok           {label}: none")
                continue
            fixed = f", {finding.repaired} removed" if finding.repaired else ""
            out.append(f"PROBLEM      {label}: {finding.count} ({finding.bytes / 1e6:.1f} MB){fixed}")
            out.extend(f"               {example}" for example in finding.examples)
            if finding.count > len(finding.examples):
                out.append(f"               … and {finding.count - len(finding.examples)} more")
        if self.missing_images.count or self.missing_artifacts.count:
            out.append("             missing blobs cannot be repaired here: restore them from a backup")
        if self.young.count:
            out.append(
                f"in flight    {self.young.count} unreferenced blobs or staged files within the grace "
                "period, left alone"
            )
        if self.unknown_keys.count:
            out.append(f"unknown      {self.unknown_keys.count} keys this platform never writes, left alone:")
            out.extend(f"               {example}" for example in self.unknown_keys.examples)
        remaining = self.problems_remaining
        out.append("clean" if not remaining else f"{remaining} problems remain")
        return out


class _Refs:
    """A sorted stream of referenced hashes, consumed in step with the store's sorted keys."""

    def __init__(self, hashes: Iterator[str]) -> None:
        self._hashes = hashes
        self._head: str | None = None
        self._last = ""
        self._advance()

    def _advance(self) -> None:
        value = next(self._hashes, None)
        if value is not None and value < self._last:
            raise RuntimeError("the database did not return hashes in byte order; fsck cannot merge them")
        self._head = value
        if value is not None:
            self._last = value

    def seek(self, sha256: str, missing: Callable[[str], None]) -> bool:
        """Whether ``sha256`` is referenced; each referenced hash skipped over has no blob."""
        while self._head is not None and self._head < sha256:
            missing(self._head)
            self._advance()
        if self._head != sha256:
            return False
        self._advance()
        return True

    def rest(self, missing: Callable[[str], None]) -> None:
        while self._head is not None:
            missing(self._head)
            self._advance()


def _sorted_hashes(session: Session, *columns: Any) -> Iterator[str]:
    """The distinct values of these hash columns, ascending, streamed a few thousand rows at a time."""
    streams = [
        session.scalars(
            select(column).where(column.is_not(None)).distinct().order_by(column),
            execution_options={"yield_per": _STREAM_ROWS},
        )
        for column in columns
    ]
    last = None
    for value in heapq.merge(*streams):
        if value != last:
            yield value
            last = value


def check(
    session: Session,
    engine: Engine,
    store: BlobStore,
    *,
    backend: str,
    repair: bool = False,
    grace_s: float = DEFAULT_GRACE_S,
    now: float | None = None,
) -> FsckReport:
    """Compare the store with the database; with ``repair``, remove what is safe to remove.

    ``engine`` answers the last-moment question "does anything refer to this blob now?" on a
    connection of its own, outside the session's long read (whose snapshot may be old).
    """
    report = FsckReport(backend=backend, repair=repair, grace_s=grace_s)
    cutoff = (now if now is not None else time.time()) - grace_s

    image_refs = _Refs(_sorted_hashes(session, Image.sha256, DatasetItem.sha256))
    derived_refs = _Refs(_sorted_hashes(session, Image.sha256))
    artifact_refs = _Refs(_sorted_hashes(session, ModelVersion.artifact_sha256, ExportJob.artifact_sha256))
    missing_images = _Missing()
    missing_artifacts = _Missing()

    def still_unreferenced(kind: str, sha256: str) -> Callable[[], bool]:
        return lambda: not _referenced_now(engine, kind, sha256)

    def orphan(finding: Finding, blob: BlobInfo, kind: str, sha256: str) -> None:
        if blob.modified >= cutoff:
            report.young.add(blob.key, blob.size)
            return
        finding.add(blob.key, blob.size)
        if repair and store.remove_unclaimed(blob.key, cutoff, still_unreferenced(kind, sha256)):
            finding.repaired += 1

    for blob in store.iter_blobs():
        report.blobs += 1
        report.blob_bytes += blob.size
        if m := _IMAGE.match(blob.key):
            sha256 = m.group(3)
            if not sha256.startswith(m.group(1) + m.group(2)):
                report.unknown_keys.add(blob.key, blob.size)
            elif not image_refs.seek(sha256, missing_images):
                orphan(report.orphan_images, blob, "image", sha256)
        elif m := _DERIVED.match(blob.key):
            sha256 = m.group(3)
            if not sha256.startswith(m.group(1) + m.group(2)):
                report.unknown_keys.add(blob.key, blob.size)
            elif not derived_refs.seek(sha256, lambda _sha: None):
                orphan(report.orphan_derived, blob, "derived", sha256)
        elif m := _ARTIFACT.match(blob.key):
            sha256 = m.group(2)
            if not sha256.startswith(m.group(1)):
                report.unknown_keys.add(blob.key, blob.size)
            elif not artifact_refs.seek(sha256, missing_artifacts):
                orphan(report.orphan_artifacts, blob, "artifact", sha256)
        else:
            report.unknown_keys.add(blob.key, blob.size)
    image_refs.rest(missing_images)
    artifact_refs.rest(missing_artifacts)

    _describe_missing_images(session, missing_images, report.missing_images)
    _describe_missing_artifacts(session, missing_artifacts, report.missing_artifacts)

    for staged in store.staged_files():
        if staged.modified >= cutoff:
            report.young.add(f"staging/{staged.key}", staged.size)
            continue
        report.stale_staging.add(f"staging/{staged.key}", staged.size)
        if repair:
            (store.staging_dir / staged.key).unlink(missing_ok=True)
            report.stale_staging.repaired += 1
    return report


def _referenced_now(engine: Engine, kind: str, sha256: str) -> bool:
    """Whether a row refers to this blob as of now, read on a fresh connection."""
    if kind == "image":
        query = select(
            or_(
                exists().where(Image.sha256 == sha256),
                exists().where(DatasetItem.sha256 == sha256),
            )
        )
    elif kind == "derived":
        query = select(exists().where(Image.sha256 == sha256))
    else:
        query = select(
            or_(
                exists().where(ModelVersion.artifact_sha256 == sha256),
                exists().where(ExportJob.artifact_sha256 == sha256),
            )
        )
    with engine.connect() as conn:
        return bool(conn.scalar(query))


class _Missing:
    """Referenced hashes found without a blob: all counted, the first few kept to be described."""

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[str] = []

    def __call__(self, sha256: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(sha256)


def _describe_missing_images(session: Session, missing: _Missing, finding: Finding) -> None:
    """Name the rows behind each missing image blob: image ids, or the dataset versions that froze it."""
    for sha256 in missing.examples:
        ids = session.scalars(
            select(Image.id).where(Image.sha256 == sha256).order_by(Image.id).limit(5)
        ).all()
        if ids:
            finding.add(f"sha256 {sha256}: image {', '.join(map(str, ids))}")
            continue
        versions = session.scalars(
            select(DatasetItem.dataset_id)
            .where(DatasetItem.sha256 == sha256)
            .order_by(DatasetItem.dataset_id)
        ).all()
        finding.add(f"sha256 {sha256}: frozen in dataset version {', '.join(map(str, versions[:5]))}")
    finding.count = missing.count


def _describe_missing_artifacts(session: Session, missing: _Missing, finding: Finding) -> None:
    for sha256 in missing.examples:
        models = session.scalars(select(ModelVersion.id).where(ModelVersion.artifact_sha256 == sha256)).all()
        exports = session.scalars(select(ExportJob.id).where(ExportJob.artifact_sha256 == sha256)).all()
        owners = [f"model {i}" for i in models] + [f"export {i}" for i in exports]
        finding.add(f"sha256 {sha256}: {', '.join(owners[:5])}")
    finding.count = missing.count
