"""What becomes of one captured frame: the model's prediction, the report of it, and whether it goes up.

- No model held: the frame is uploaded as it is (the platform has nothing to compare it with yet).
- A model and no sampling policy (the check-in's ``sampling`` is null): every frame is uploaded, without a
  prediction (as devices did before sampling existed), and every prediction is reported.
- A model and a policy: the sampler decides from the prediction (acusight_sdk/sampling.py); a frame it
  picks carries its prediction (the platform's pre-label) and the reason, and its report names the frame
  by sha256 so the platform links the two.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass
from typing import Any

from acusight_sdk.agent.models import Held
from acusight_sdk.device import Frame, predictions
from acusight_sdk.sampling import Sampler


@dataclass(frozen=True)
class Outcome:
    """The frame to queue (None: not uploaded), the prediction to report (None: no model), and why."""

    frame: Frame | None
    prediction: dict[str, Any] | None
    reason: str


def decide(
    held: Held | None,
    sampler: Sampler,
    data: bytes,
    captured_at: str,
    metadata: dict[str, Any] | None,
    filename: str | None,
) -> Outcome:
    if held is None:
        return Outcome(Frame(data, filename, captured_at, metadata), None, "no model")
    started = time.perf_counter()
    label, score, guess = predictions(held.model, [data])[0]
    latency_ms = (time.perf_counter() - started) * 1000
    report: dict[str, Any] = {
        "export_id": held.export_id,
        "captured_at": captured_at,
        "latency_ms": latency_ms,
        **guess,
    }
    if not sampler.policy:
        return Outcome(Frame(data, filename, captured_at, metadata), report, "no policy")
    decision = sampler.decide(label, score)
    if not decision.upload:
        return Outcome(None, report, decision.reason)
    report["image_sha256"] = hashlib.sha256(data).hexdigest()
    frame = Frame(
        data,
        filename,
        captured_at,
        metadata,
        prediction={"export_id": held.export_id, **guess},
        sampling_reason=decision.reason,
    )
    return Outcome(frame, report, decision.reason)


def decodes(data: bytes) -> bool:
    """Whether the bytes are an image Pillow reads: a frame the model raised on is then its failure."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True
