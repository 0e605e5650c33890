"""Helpers shared by the stage scripts: params sections, device choice, JSON output."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, TypeVar

import torch
import yaml

T = TypeVar("T")


def params_section(params: dict[str, Any], name: str) -> dict[str, Any]:
    """Accept either the whole params.yaml mapping or just its `name` section."""
    section = params.get(name)
    return dict(section) if isinstance(section, dict) else dict(params)


def from_params(cls: type[T], values: dict[str, Any]) -> T:
    """Build a params dataclass, rejecting unknown keys so a typo in params.yaml fails loudly."""
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys {unknown}; known: {sorted(known)}")
    return cls(**values)


def load_params(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read params.yaml."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def resolve_device(device: str) -> torch.device:
    """`auto` -> cuda when torch sees a GPU, else cpu; `cuda`/`cpu`/`cuda:N` as given."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    resolved = torch.device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {device!r} requested but torch sees no CUDA device")
    return resolved


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write JSON with stable key order (diff-friendly for `dvc metrics diff`)."""
    Path(path).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
