from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.export_job_create_format import ExportJobCreateFormat
from ..models.export_job_create_precision import ExportJobCreatePrecision
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportJobCreate")


@_attrs_define
class ExportJobCreate:
    """
    Attributes:
        model_id (int):
        dynamic_batch (bool | Unset): false fixes the batch axis at 1 Default: True.
        format_ (ExportJobCreateFormat | Unset):  Default: ExportJobCreateFormat.ONNX.
        iou_threshold (float | Unset): Detectors: NMS suppresses a box overlapping a better one of its class by more
            (default 0.5)
        max_accuracy_drop (float | Unset): fp16/int8: held-out accuracy the export may lose against PyTorch (default:
            ACUSIGHT_EXPORT_MAX_ACCURACY_DROP); for detectors, COCO mAP@[.5:.95]
        max_detections (int | Unset): Detectors: K, the rows of boxes/scores/labels per image (default 100)
        opset (int | Unset):  Default: 18.
        precision (ExportJobCreatePrecision | Unset): int8: static quantization, calibrated on the dataset's train
            images Default: ExportJobCreatePrecision.FP32.
        score_threshold (float | Unset): Detectors: detections scoring below it are dropped (default 0.25)
    """

    model_id: int
    dynamic_batch: bool | Unset = True
    format_: ExportJobCreateFormat | Unset = ExportJobCreateFormat.ONNX
    iou_threshold: float | Unset = UNSET
    max_accuracy_drop: float | Unset = UNSET
    max_detections: int | Unset = UNSET
    opset: int | Unset = 18
    precision: ExportJobCreatePrecision | Unset = ExportJobCreatePrecision.FP32
    score_threshold: float | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model_id = self.model_id

        dynamic_batch = self.dynamic_batch

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value

        iou_threshold = self.iou_threshold

        max_accuracy_drop = self.max_accuracy_drop

        max_detections = self.max_detections

        opset = self.opset

        precision: str | Unset = UNSET
        if not isinstance(self.precision, Unset):
            precision = self.precision.value

        score_threshold = self.score_threshold

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model_id": model_id,
            }
        )
        if dynamic_batch is not UNSET:
            field_dict["dynamic_batch"] = dynamic_batch
        if format_ is not UNSET:
            field_dict["format"] = format_
        if iou_threshold is not UNSET:
            field_dict["iou_threshold"] = iou_threshold
        if max_accuracy_drop is not UNSET:
            field_dict["max_accuracy_drop"] = max_accuracy_drop
        if max_detections is not UNSET:
            field_dict["max_detections"] = max_detections
        if opset is not UNSET:
            field_dict["opset"] = opset
        if precision is not UNSET:
            field_dict["precision"] = precision
        if score_threshold is not UNSET:
            field_dict["score_threshold"] = score_threshold

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model_id = d.pop("model_id")

        dynamic_batch = d.pop("dynamic_batch", UNSET)

        _format_ = d.pop("format", UNSET)
        format_: ExportJobCreateFormat | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = ExportJobCreateFormat(_format_)

        iou_threshold = d.pop("iou_threshold", UNSET)

        max_accuracy_drop = d.pop("max_accuracy_drop", UNSET)

        max_detections = d.pop("max_detections", UNSET)

        opset = d.pop("opset", UNSET)

        _precision = d.pop("precision", UNSET)
        precision: ExportJobCreatePrecision | Unset
        if isinstance(_precision, Unset):
            precision = UNSET
        else:
            precision = ExportJobCreatePrecision(_precision)

        score_threshold = d.pop("score_threshold", UNSET)

        export_job_create = cls(
            model_id=model_id,
            dynamic_batch=dynamic_batch,
            format_=format_,
            iou_threshold=iou_threshold,
            max_accuracy_drop=max_accuracy_drop,
            max_detections=max_detections,
            opset=opset,
            precision=precision,
            score_threshold=score_threshold,
        )

        return export_job_create
