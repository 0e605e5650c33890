"""The DVC workspace a worker versions datasets in: a git repo with a DVC remote."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from flows.config import FlowSettings

GIT_IDENTITY = ["-c", "user.name=Acusight", "-c", "user.email=flows@acusight.local"]


class RepoError(RuntimeError):
    """A git or DVC command failed; the message carries what it printed."""


def _run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        command = " ".join(a for a in argv if not a.startswith("user."))
        raise RepoError(
            f"`{command}` failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}"
        )
    return done.stdout.strip()


@dataclass(frozen=True)
class Commit:
    """What one versioned dataset directory became: its git tag and revision, DVC hash and size."""

    tag: str
    rev: str
    dvc_hash: str
    path: str
    bytes: int


class DvcRepo:
    """A git + DVC repository; one writer at a time (a file lock), readers may check out any tag."""

    def __init__(self, root: Path, remote: str, endpoint_url: str = "") -> None:
        self.root = Path(root)
        self.remote = remote
        self.endpoint_url = endpoint_url

    @classmethod
    def from_settings(cls, settings: FlowSettings) -> DvcRepo:
        return cls(settings.dvc_repo, settings.dvc_remote, settings.dvc_remote_endpoint_url)

    def _set_remote(self) -> None:
        self.dvc("remote", "add", "-d", "-f", "storage", self.remote)
        if self.endpoint_url:
            # Local config (not committed): an endpoint is a property of this machine's network.
            self.dvc("remote", "modify", "--local", "storage", "endpointurl", self.endpoint_url)

    def git(self, *args: str) -> str:
        return _run(["git", *GIT_IDENTITY, *args], self.root)

    def dvc(self, *args: str) -> str:
        return _run([sys.executable, "-m", "dvc", *args], self.root)

    def ensure(self) -> None:
        """Create the repository and its default remote on first use."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / ".git").exists():
            self.git("init", "-q", "-b", "main")
        if not (self.root / ".dvc").exists():
            self.dvc("init", "-q")
            self.dvc("config", "core.analytics", "false")
            self.dvc("config", "core.autostage", "false")
            # Hard links, not copies: a version's packed arrays can be gigabytes, written once.
            self.dvc("config", "cache.type", "hardlink,copy")
            self._set_remote()
            self.git("add", ".dvc", ".dvcignore")
            self.git("commit", "-q", "-m", "Initialize DVC")
        elif self.dvc("remote", "list").split()[1:2] != [self.remote]:
            # The remote is a setting: follow it when it changes.
            self._set_remote()

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root.parent / f".{self.root.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def commit_directory(self, rel_path: str, tag: str, message: str) -> Commit:
        """``dvc add`` a directory, commit its .dvc file, tag the commit, and push the data."""
        dvc_file = f"{rel_path}.dvc"
        # DVC's Python API, not its CLI: two CLI starts cost 2-4 s of a version's time, and the
        # files a version kept from the last one are neither rehashed nor pushed again either way.
        from dvc.exceptions import DvcException
        from dvc.repo import Repo

        try:
            with Repo(str(self.root)) as dvc:
                dvc.add(str(self.root / rel_path))  # relative paths would be read from the cwd
        except DvcException as exc:
            raise RepoError(f"`dvc add {rel_path}` failed: {exc}") from exc
        gitignore = str(Path(rel_path).parent / ".gitignore")
        self.git("add", dvc_file, gitignore)
        if self.git("status", "--porcelain", "--", dvc_file):
            self.git("commit", "-q", "-m", message)
        else:
            # Same bytes as the last version: no new commit, but the new tag still names them.
            self.git("commit", "-q", "--allow-empty", "-m", message)
        self.git("tag", "-a", tag, "-m", message)
        try:
            with Repo(str(self.root)) as dvc:
                dvc.push(targets=[str(self.root / dvc_file)])
        except DvcException as exc:
            raise RepoError(f"`dvc push {dvc_file}` failed: {exc}") from exc
        out = yaml.safe_load((self.root / dvc_file).read_text())["outs"][0]
        return Commit(
            tag=tag,
            rev=self.git("rev-parse", "HEAD"),
            dvc_hash=out["md5"],
            path=rel_path,
            bytes=int(out.get("size") or _dir_size(self.root / rel_path)),
        )

    def checkout(self, tag: str, rel_path: str, into: Path) -> Path:
        """Materialize ``rel_path`` as of ``tag`` into another folder (a clone), pulling what's missing."""
        if not (into / ".git").exists():
            _run(["git", "clone", "-q", str(self.root), str(into)], self.root)
        clone = DvcRepo(into, self.remote, self.endpoint_url)
        clone.git("fetch", "-q", "--tags", "origin")
        clone.git("checkout", "-q", "-f", tag)
        clone._set_remote()
        clone.dvc("pull", "-q", f"{rel_path}.dvc")
        return into / rel_path


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
