from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.export_job_status import ExportJobStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.export_job_accuracy_type_0 import ExportJobAccuracyType0
    from ..models.export_job_drift_check_type_0 import ExportJobDriftCheckType0
    from ..models.export_job_latency_ms_type_0 import ExportJobLatencyMsType0
    from ..models.export_job_options_type_0 import ExportJobOptionsType0
    from ..models.export_job_parity_type_0 import ExportJobParityType0
    from ..models.export_job_progress_type_0 import ExportJobProgressType0
    from ..models.export_job_reference_type_0 import ExportJobReferenceType0
    from ..models.export_job_signature_type_0 import ExportJobSignatureType0


T = TypeVar("T", bound="ExportJob")


@_attrs_define
class ExportJob:
    """
    Attributes:
        accuracy (ExportJobAccuracyType0 | None | Unset): torch, onnx and their drop (detectors: COCO mAP, and map50 of
            each)
        artifact_sha256 (None | str | Unset):
        artifact_size (int | None | Unset):
        created_at (datetime.datetime | Unset):
        drift_check (ExportJobDriftCheckType0 | None | Unset): The last drift check: at, verdict (drift, stable, no
            verdict), class_psi, confidence_psi, predictions, threshold
        dynamic_batch (bool | Unset):
        error (None | str | Unset):
        finished_at (datetime.datetime | None | Unset):
        flow_run_id (None | str | Unset):
        flow_run_url (None | str | Unset): The flow run in the Prefect UI; null without a run or a known Prefect UI
        format_ (str | Unset):
        id (int | Unset):
        latency_ms (ExportJobLatencyMsType0 | None | Unset): Median onnxruntime ms per provider (cpu, cuda) and batch
        max_accuracy_drop (float | Unset):
        model_id (int | Unset):
        opset (int | Unset):
        options (ExportJobOptionsType0 | None | Unset): Detectors: max_detections, score_threshold, iou_threshold; null
            otherwise
        parity (ExportJobParityType0 | None | Unset): ONNX vs PyTorch on held-out images: classifiers max_abs_diff and
            argmax agreement of the logits; detectors max_box_diff, max_score_diff, detections_agreement
        precision (str | Unset):
        progress (ExportJobProgressType0 | None | Unset): The flow's current step: stage, step, steps, and when it began
            (at)
        project_id (int | Unset):
        reference (ExportJobReferenceType0 | None | Unset): The model's predictions on its held-out images, counted in
            the field bins (predictions, confidence_histogram, class_counts, latency_ms): the field's baseline; field-
            metrics shows it as figures
        signature (ExportJobSignatureType0 | None | Unset): The model's input and output
        started_at (datetime.datetime | None | Unset):
        status (ExportJobStatus | Unset):
    """

    accuracy: ExportJobAccuracyType0 | None | Unset = UNSET
    artifact_sha256: None | str | Unset = UNSET
    artifact_size: int | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    drift_check: ExportJobDriftCheckType0 | None | Unset = UNSET
    dynamic_batch: bool | Unset = UNSET
    error: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    flow_run_id: None | str | Unset = UNSET
    flow_run_url: None | str | Unset = UNSET
    format_: str | Unset = UNSET
    id: int | Unset = UNSET
    latency_ms: ExportJobLatencyMsType0 | None | Unset = UNSET
    max_accuracy_drop: float | Unset = UNSET
    model_id: int | Unset = UNSET
    opset: int | Unset = UNSET
    options: ExportJobOptionsType0 | None | Unset = UNSET
    parity: ExportJobParityType0 | None | Unset = UNSET
    precision: str | Unset = UNSET
    progress: ExportJobProgressType0 | None | Unset = UNSET
    project_id: int | Unset = UNSET
    reference: ExportJobReferenceType0 | None | Unset = UNSET
    signature: ExportJobSignatureType0 | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    status: ExportJobStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.export_job_accuracy_type_0 import ExportJobAccuracyType0
        from ..models.export_job_drift_check_type_0 import ExportJobDriftCheckType0
        from ..models.export_job_latency_ms_type_0 import ExportJobLatencyMsType0
        from ..models.export_job_options_type_0 import ExportJobOptionsType0
        from ..models.export_job_parity_type_0 import ExportJobParityType0
        from ..models.export_job_progress_type_0 import ExportJobProgressType0
        from ..models.export_job_reference_type_0 import ExportJobReferenceType0
        from ..models.export_job_signature_type_0 import ExportJobSignatureType0

        accuracy: dict[str, Any] | None | Unset
        if isinstance(self.accuracy, Unset):
            accuracy = UNSET
        elif isinstance(self.accuracy, ExportJobAccuracyType0):
            accuracy = self.accuracy.to_dict()
        else:
            accuracy = self.accuracy

        artifact_sha256: None | str | Unset
        if isinstance(self.artifact_sha256, Unset):
            artifact_sha256 = UNSET
        else:
            artifact_sha256 = self.artifact_sha256

        artifact_size: int | None | Unset
        if isinstance(self.artifact_size, Unset):
            artifact_size = UNSET
        else:
            artifact_size = self.artifact_size

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        drift_check: dict[str, Any] | None | Unset
        if isinstance(self.drift_check, Unset):
            drift_check = UNSET
        elif isinstance(self.drift_check, ExportJobDriftCheckType0):
            drift_check = self.drift_check.to_dict()
        else:
            drift_check = self.drift_check

        dynamic_batch = self.dynamic_batch

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        flow_run_id: None | str | Unset
        if isinstance(self.flow_run_id, Unset):
            flow_run_id = UNSET
        else:
            flow_run_id = self.flow_run_id

        flow_run_url: None | str | Unset
        if isinstance(self.flow_run_url, Unset):
            flow_run_url = UNSET
        else:
            flow_run_url = self.flow_run_url

        format_ = self.format_

        id = self.id

        latency_ms: dict[str, Any] | None | Unset
        if isinstance(self.latency_ms, Unset):
            latency_ms = UNSET
        elif isinstance(self.latency_ms, ExportJobLatencyMsType0):
            latency_ms = self.latency_ms.to_dict()
        else:
            latency_ms = self.latency_ms

        max_accuracy_drop = self.max_accuracy_drop

        model_id = self.model_id

        opset = self.opset

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, ExportJobOptionsType0):
            options = self.options.to_dict()
        else:
            options = self.options

        parity: dict[str, Any] | None | Unset
        if isinstance(self.parity, Unset):
            parity = UNSET
        elif isinstance(self.parity, ExportJobParityType0):
            parity = self.parity.to_dict()
        else:
            parity = self.parity

        precision = self.precision

        progress: dict[str, Any] | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        elif isinstance(self.progress, ExportJobProgressType0):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        project_id = self.project_id

        reference: dict[str, Any] | None | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        elif isinstance(self.reference, ExportJobReferenceType0):
            reference = self.reference.to_dict()
        else:
            reference = self.reference

        signature: dict[str, Any] | None | Unset
        if isinstance(self.signature, Unset):
            signature = UNSET
        elif isinstance(self.signature, ExportJobSignatureType0):
            signature = self.signature.to_dict()
        else:
            signature = self.signature

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if accuracy is not UNSET:
            field_dict["accuracy"] = accuracy
        if artifact_sha256 is not UNSET:
            field_dict["artifact_sha256"] = artifact_sha256
        if artifact_size is not UNSET:
            field_dict["artifact_size"] = artifact_size
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if drift_check is not UNSET:
            field_dict["drift_check"] = drift_check
        if dynamic_batch is not UNSET:
            field_dict["dynamic_batch"] = dynamic_batch
        if error is not UNSET:
            field_dict["error"] = error
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if flow_run_id is not UNSET:
            field_dict["flow_run_id"] = flow_run_id
        if flow_run_url is not UNSET:
            field_dict["flow_run_url"] = flow_run_url
        if format_ is not UNSET:
            field_dict["format"] = format_
        if id is not UNSET:
            field_dict["id"] = id
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if max_accuracy_drop is not UNSET:
            field_dict["max_accuracy_drop"] = max_accuracy_drop
        if model_id is not UNSET:
            field_dict["model_id"] = model_id
        if opset is not UNSET:
            field_dict["opset"] = opset
        if options is not UNSET:
            field_dict["options"] = options
        if parity is not UNSET:
            field_dict["parity"] = parity
        if precision is not UNSET:
            field_dict["precision"] = precision
        if progress is not UNSET:
            field_dict["progress"] = progress
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if reference is not UNSET:
            field_dict["reference"] = reference
        if signature is not UNSET:
            field_dict["signature"] = signature
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.export_job_accuracy_type_0 import ExportJobAccuracyType0
        from ..models.export_job_drift_check_type_0 import ExportJobDriftCheckType0
        from ..models.export_job_latency_ms_type_0 import ExportJobLatencyMsType0
        from ..models.export_job_options_type_0 import ExportJobOptionsType0
        from ..models.export_job_parity_type_0 import ExportJobParityType0
        from ..models.export_job_progress_type_0 import ExportJobProgressType0
        from ..models.export_job_reference_type_0 import ExportJobReferenceType0
        from ..models.export_job_signature_type_0 import ExportJobSignatureType0

        d = dict(src_dict)

        def _parse_accuracy(data: object) -> ExportJobAccuracyType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                accuracy_type_0 = ExportJobAccuracyType0.from_dict(data)

                return accuracy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobAccuracyType0, None, Unset], data)

        accuracy = _parse_accuracy(d.pop("accuracy", UNSET))

        def _parse_artifact_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        artifact_sha256 = _parse_artifact_sha256(d.pop("artifact_sha256", UNSET))

        def _parse_artifact_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        artifact_size = _parse_artifact_size(d.pop("artifact_size", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_drift_check(data: object) -> ExportJobDriftCheckType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                drift_check_type_0 = ExportJobDriftCheckType0.from_dict(data)

                return drift_check_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobDriftCheckType0, None, Unset], data)

        drift_check = _parse_drift_check(d.pop("drift_check", UNSET))

        dynamic_batch = d.pop("dynamic_batch", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_flow_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        flow_run_id = _parse_flow_run_id(d.pop("flow_run_id", UNSET))

        def _parse_flow_run_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        flow_run_url = _parse_flow_run_url(d.pop("flow_run_url", UNSET))

        format_ = d.pop("format", UNSET)

        id = d.pop("id", UNSET)

        def _parse_latency_ms(data: object) -> ExportJobLatencyMsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latency_ms_type_0 = ExportJobLatencyMsType0.from_dict(data)

                return latency_ms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobLatencyMsType0, None, Unset], data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms", UNSET))

        max_accuracy_drop = d.pop("max_accuracy_drop", UNSET)

        model_id = d.pop("model_id", UNSET)

        opset = d.pop("opset", UNSET)

        def _parse_options(data: object) -> ExportJobOptionsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                options_type_0 = ExportJobOptionsType0.from_dict(data)

                return options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobOptionsType0, None, Unset], data)

        options = _parse_options(d.pop("options", UNSET))

        def _parse_parity(data: object) -> ExportJobParityType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                parity_type_0 = ExportJobParityType0.from_dict(data)

                return parity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobParityType0, None, Unset], data)

        parity = _parse_parity(d.pop("parity", UNSET))

        precision = d.pop("precision", UNSET)

        def _parse_progress(data: object) -> ExportJobProgressType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = ExportJobProgressType0.from_dict(data)

                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobProgressType0, None, Unset], data)

        progress = _parse_progress(d.pop("progress", UNSET))

        project_id = d.pop("project_id", UNSET)

        def _parse_reference(data: object) -> ExportJobReferenceType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reference_type_0 = ExportJobReferenceType0.from_dict(data)

                return reference_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReferenceType0, None, Unset], data)

        reference = _parse_reference(d.pop("reference", UNSET))

        def _parse_signature(data: object) -> ExportJobSignatureType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                signature_type_0 = ExportJobSignatureType0.from_dict(data)

                return signature_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobSignatureType0, None, Unset], data)

        signature = _parse_signature(d.pop("signature", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        _status = d.pop("status", UNSET)
        status: ExportJobStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ExportJobStatus(_status)

        export_job = cls(
            accuracy=accuracy,
            artifact_sha256=artifact_sha256,
            artifact_size=artifact_size,
            created_at=created_at,
            drift_check=drift_check,
            dynamic_batch=dynamic_batch,
            error=error,
            finished_at=finished_at,
            flow_run_id=flow_run_id,
            flow_run_url=flow_run_url,
            format_=format_,
            id=id,
            latency_ms=latency_ms,
            max_accuracy_drop=max_accuracy_drop,
            model_id=model_id,
            opset=opset,
            options=options,
            parity=parity,
            precision=precision,
            progress=progress,
            project_id=project_id,
            reference=reference,
            signature=signature,
            started_at=started_at,
            status=status,
        )

        return export_job
