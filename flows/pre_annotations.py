"""Pre-annotations: the project's newest model version turns images into Label Studio predictions.

A classifier suggests its top class (a Choices result); a detector suggests its boxes as
RectangleLabels in percent of the image the annotator sees, mapped back through the model's own
resize (letterbox, stretch or crop) so a suggestion lands where the model saw the object. What an
annotator keeps or corrects comes back by the usual pull.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from prefect import get_run_logger
from prefect.cache_policies import NO_CACHE

from flows.client import PlatformClient
from flows.tasks import retried_task
from pipelines.label_config import FROM_NAME, IMAGE_KEY

if TYPE_CHECKING:
    from torch import nn

IMAGE_TIMEOUT_S = 60
# A detector's boxes scoring below this are not suggested: a box an annotator must delete costs
# more than one they draw.
BOX_SCORE_THRESHOLD = 0.3
BOX_IOU_THRESHOLD = 0.5
MAX_SUGGESTED_BOXES = 50


@dataclass
class PreAnnotator:
    """A project's model version, ready to suggest labels for images (bytes as uploaded)."""

    model: nn.Module
    task: str
    name: str
    labels: list[str]
    image_size: int
    allowed: set[str]
    resize: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, checkpoint: Path, model: dict[str, Any], task: str, allowed: Sequence[str]) -> PreAnnotator:
        """From the downloaded checkpoint and the API's model version record."""
        # torch only when a model exists: pushing without one stays light.
        if task == "detection":
            from pipelines.detection.model import load_detector
            from pipelines.frames import resize_spec

            net, ckpt = load_detector(checkpoint, "cpu")
            resize = resize_spec((model.get("preprocessing") or {}).get("resize") or ckpt.get("resize"), task)
        else:
            from pipelines.model import load_checkpoint

            net, ckpt = load_checkpoint(checkpoint, "cpu")
            resize = {}
        labels = list(ckpt["labels"])
        return cls(net, task, model["name"], labels, int(ckpt["image_size"]), set(allowed), resize)

    def predictions(self, images: Sequence[tuple[int, bytes]]) -> dict[int, dict[str, Any]]:
        """image id → a Label Studio prediction; images with nothing to suggest are left out."""
        if not images:
            return {}
        if self.task == "detection":
            return self._boxes(images)
        return self._classes(images)

    def _classes(self, images: Sequence[tuple[int, bytes]]) -> dict[int, dict[str, Any]]:
        """The top class and its probability."""
        import numpy as np

        from pipelines.frames import decode_resize
        from pipelines.model import predict_logits

        arrays = np.stack([decode_resize(data, self.image_size) for _, data in images])
        probabilities = predict_logits(self.model, arrays).softmax(dim=1)
        scores, classes = probabilities.max(dim=1)
        out = {}
        for (image_id, _), score, index in zip(images, scores.tolist(), classes.tolist(), strict=True):
            label = self.labels[index]
            if label not in self.allowed:
                continue  # a class the project has since dropped: no suggestion rather than a wrong one
            result = {"from_name": FROM_NAME, "to_name": IMAGE_KEY, "type": "choices"}
            out[image_id] = {
                "model_version": self.name,
                "score": round(float(score), 6),
                "result": [{**result, "value": {"choices": [label]}}],
            }
        return out

    def _boxes(self, images: Sequence[tuple[int, bytes]]) -> dict[int, dict[str, Any]]:
        """The detector's boxes, as RectangleLabels in percent of the (EXIF-oriented) image."""
        import numpy as np

        from pipelines.detection.boxes import predict
        from pipelines.frames import decode_frame, source_boxes

        decoded = [decode_frame(data, self.image_size, self.resize) for _, data in images]
        found = predict(
            self.model,
            np.stack([frame for frame, _ in decoded]),
            score_threshold=BOX_SCORE_THRESHOLD,
            iou_threshold=BOX_IOU_THRESHOLD,
            max_detections=MAX_SUGGESTED_BOXES,
        )
        out = {}
        for (image_id, _), (_, (width, height)), (boxes, scores, labels) in zip(
            images, decoded, found, strict=True
        ):
            result = []
            kept = []
            in_frame = source_boxes(boxes, (width, height), self.image_size, self.resize)
            for box, score, index in zip(in_frame, scores, labels, strict=True):
                label = self.labels[int(index)]
                x1, y1, x2, y2 = (float(v) * 100 for v in box)
                if label not in self.allowed or x2 <= x1 or y2 <= y1:
                    continue
                result.append(
                    {
                        "from_name": FROM_NAME,
                        "to_name": IMAGE_KEY,
                        "type": "rectanglelabels",
                        "original_width": width,
                        "original_height": height,
                        "image_rotation": 0,
                        "value": {
                            "x": round(x1, 4),
                            "y": round(y1, 4),
                            "width": round(x2 - x1, 4),
                            "height": round(y2 - y1, 4),
                            "rotation": 0,
                            "rectanglelabels": [label],
                        },
                        "score": round(float(score), 6),
                    }
                )
                kept.append(float(score))
            if result:
                out[image_id] = {
                    "model_version": self.name,
                    "score": round(float(np.mean(kept)), 6),
                    "result": result,
                }
        return out


def device_suggestions(images: list[dict[str, Any]], allowed: Sequence[str]) -> dict[int, dict[str, Any]]:
    """image id → a Label Studio prediction made of what the camera's own model predicted, for frames
    uploaded under the sampling policy (``device_prediction``): the annotators correct what the field
    model saw, which is what the next version must learn."""
    out = {}
    for image in images:
        guess = image.get("device_prediction")
        if not guess:
            continue
        version = f"device: export {guess.get('export_id')}"
        if "detections" in guess:
            result = [
                {
                    "from_name": FROM_NAME,
                    "to_name": IMAGE_KEY,
                    "type": "rectanglelabels",
                    "original_width": image["width"],
                    "original_height": image["height"],
                    "image_rotation": 0,
                    "value": {
                        **{k: round(float(box[k]) * 100, 4) for k in ("x", "y", "width", "height")},
                        "rotation": 0,
                        "rectanglelabels": [box["label"]],
                    },
                    "score": round(float(box["score"]), 6),
                }
                for box in guess["detections"]
                if box["label"] in allowed
            ]
            scores = [float(box["score"]) for box in guess["detections"] if box["label"] in allowed]
            score = sum(scores) / len(scores) if scores else 0.0
        elif guess.get("label") in allowed:
            value = {"choices": [guess["label"]]}
            result = [{"from_name": FROM_NAME, "to_name": IMAGE_KEY, "type": "choices", "value": value}]
            score = float(guess.get("score") or 0.0)
        else:
            continue
        if result:
            out[image["image_id"]] = {"model_version": version, "score": round(score, 6), "result": result}
    return out


@retried_task((5, 15), cache_policy=NO_CACHE)
def load_pre_annotator(api: PlatformClient, project_id: int, into: Path) -> PreAnnotator | None:
    """The newest model version of the project, ready to predict; None when there is none to use."""
    log = get_run_logger()
    project = api.get(f"/data/projects/{project_id}")
    models = api.get("/ml/models", project_id=project_id, per_page=1)
    if not models:
        log.info("project %s has no model version: tasks go without pre-annotations", project_id)
        return None
    model = models[0]
    task = model.get("task_type", "classification")
    if task != project["task_type"]:
        log.info(
            "no pre-annotations: model version %s is a %s model, project %s is for %s",
            model["id"],
            task,
            project_id,
            project["task_type"],
        )
        return None
    path = into / f"model-{model['id']}.pt"
    with api.stream("GET", f"/ml/models/{model['id']}/download") as resp, open(path, "wb") as f:
        for block in resp.iter_bytes(1 << 20):
            f.write(block)
    if hashlib.sha256(path.read_bytes()).hexdigest() != model["artifact_sha256"]:
        raise RuntimeError(
            f"model version {model['id']}: the checkpoint downloaded does not match its sha256"
        )
    log.info("pre-annotating with model version %s (%s)", model["id"], model["name"])
    return PreAnnotator.load(path, model, task, project["labels"])


@retried_task((2, 5), cache_policy=NO_CACHE)
def predict(annotator: PreAnnotator, images: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Fetch the images through their signed URLs, as Label Studio will, and predict."""
    fetched = []
    with httpx.Client() as http:
        for image in images:
            resp = http.get(image["url"], timeout=IMAGE_TIMEOUT_S)
            resp.raise_for_status()
            fetched.append((image["image_id"], resp.content))
    return annotator.predictions(fetched)
