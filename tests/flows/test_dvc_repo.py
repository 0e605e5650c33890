"""The DVC repository datasets are versioned in, with a folder remote and an S3-compatible one."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import boto3
import pytest

from flows.dvc_repo import DvcRepo, RepoError


def digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def version(repo: DvcRepo, content: bytes, tag: str) -> dict[str, str]:
    data = repo.root / "data" / "p"
    data.mkdir(parents=True, exist_ok=True)
    (data / "images.npy").write_bytes(content)
    (data / "dataset.json").write_text(json.dumps({"v": tag}))
    commit = repo.commit_directory("data/p", tag, f"version {tag}")
    assert commit.tag == tag and commit.dvc_hash.endswith(".dir") and commit.bytes > 0
    return digest(data)


@pytest.mark.parametrize("backend", ["folder", "s3"])
def test_versions_push_and_check_out_bit_identical(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"dvc-{uuid.uuid4().hex[:10]}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
        repo = DvcRepo(tmp_path / "repo", f"s3://{bucket}/remote", endpoint)
    else:
        repo = DvcRepo(tmp_path / "repo", str(tmp_path / "remote"))
    repo.ensure()
    v1 = version(repo, b"\x01" * 4096, "v1")
    v2 = version(repo, b"\x02" * 8192, "v2")
    assert v1 != v2
    if backend == "s3":
        objects = boto3.client("s3", endpoint_url=repo.endpoint_url, region_name="us-east-1").list_objects_v2(
            Bucket=repo.remote.split("/")[2]
        )
        assert objects["KeyCount"] >= 4  # two versions' files and directory listings were pushed
    # A fresh clone has no DVC cache: the data must come back from the remote, exactly.
    restored = repo.checkout("v1", "data/p", tmp_path / "clone")
    assert digest(restored) == v1
    # A tag is never moved onto other data.
    with pytest.raises(RepoError, match="already exists"):
        version(repo, b"\x03", "v1")
