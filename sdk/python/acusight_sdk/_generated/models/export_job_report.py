from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.export_job_report_status import ExportJobReportStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.export_job_report_accuracy_type_0 import ExportJobReportAccuracyType0
    from ..models.export_job_report_drift_check_type_0 import (
        ExportJobReportDriftCheckType0,
    )
    from ..models.export_job_report_latency_ms_type_0 import (
        ExportJobReportLatencyMsType0,
    )
    from ..models.export_job_report_parity_type_0 import ExportJobReportParityType0
    from ..models.export_job_report_progress_type_0 import ExportJobReportProgressType0
    from ..models.export_job_report_reference_type_0 import (
        ExportJobReportReferenceType0,
    )
    from ..models.export_job_report_signature_type_0 import (
        ExportJobReportSignatureType0,
    )


T = TypeVar("T", bound="ExportJobReport")


@_attrs_define
class ExportJobReport:
    """
    Attributes:
        accuracy (ExportJobReportAccuracyType0 | None | Unset):
        drift_check (ExportJobReportDriftCheckType0 | None | Unset):
        error (None | str | Unset):
        latency_ms (ExportJobReportLatencyMsType0 | None | Unset):
        parity (ExportJobReportParityType0 | None | Unset):
        progress (ExportJobReportProgressType0 | None | Unset):
        reference (ExportJobReportReferenceType0 | None | Unset):
        signature (ExportJobReportSignatureType0 | None | Unset):
        status (ExportJobReportStatus | Unset):
    """

    accuracy: ExportJobReportAccuracyType0 | None | Unset = UNSET
    drift_check: ExportJobReportDriftCheckType0 | None | Unset = UNSET
    error: None | str | Unset = UNSET
    latency_ms: ExportJobReportLatencyMsType0 | None | Unset = UNSET
    parity: ExportJobReportParityType0 | None | Unset = UNSET
    progress: ExportJobReportProgressType0 | None | Unset = UNSET
    reference: ExportJobReportReferenceType0 | None | Unset = UNSET
    signature: ExportJobReportSignatureType0 | None | Unset = UNSET
    status: ExportJobReportStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.export_job_report_accuracy_type_0 import (
            ExportJobReportAccuracyType0,
        )
        from ..models.export_job_report_drift_check_type_0 import (
            ExportJobReportDriftCheckType0,
        )
        from ..models.export_job_report_latency_ms_type_0 import (
            ExportJobReportLatencyMsType0,
        )
        from ..models.export_job_report_parity_type_0 import ExportJobReportParityType0
        from ..models.export_job_report_progress_type_0 import (
            ExportJobReportProgressType0,
        )
        from ..models.export_job_report_reference_type_0 import (
            ExportJobReportReferenceType0,
        )
        from ..models.export_job_report_signature_type_0 import (
            ExportJobReportSignatureType0,
        )

        accuracy: dict[str, Any] | None | Unset
        if isinstance(self.accuracy, Unset):
            accuracy = UNSET
        elif isinstance(self.accuracy, ExportJobReportAccuracyType0):
            accuracy = self.accuracy.to_dict()
        else:
            accuracy = self.accuracy

        drift_check: dict[str, Any] | None | Unset
        if isinstance(self.drift_check, Unset):
            drift_check = UNSET
        elif isinstance(self.drift_check, ExportJobReportDriftCheckType0):
            drift_check = self.drift_check.to_dict()
        else:
            drift_check = self.drift_check

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        latency_ms: dict[str, Any] | None | Unset
        if isinstance(self.latency_ms, Unset):
            latency_ms = UNSET
        elif isinstance(self.latency_ms, ExportJobReportLatencyMsType0):
            latency_ms = self.latency_ms.to_dict()
        else:
            latency_ms = self.latency_ms

        parity: dict[str, Any] | None | Unset
        if isinstance(self.parity, Unset):
            parity = UNSET
        elif isinstance(self.parity, ExportJobReportParityType0):
            parity = self.parity.to_dict()
        else:
            parity = self.parity

        progress: dict[str, Any] | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        elif isinstance(self.progress, ExportJobReportProgressType0):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        reference: dict[str, Any] | None | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        elif isinstance(self.reference, ExportJobReportReferenceType0):
            reference = self.reference.to_dict()
        else:
            reference = self.reference

        signature: dict[str, Any] | None | Unset
        if isinstance(self.signature, Unset):
            signature = UNSET
        elif isinstance(self.signature, ExportJobReportSignatureType0):
            signature = self.signature.to_dict()
        else:
            signature = self.signature

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if accuracy is not UNSET:
            field_dict["accuracy"] = accuracy
        if drift_check is not UNSET:
            field_dict["drift_check"] = drift_check
        if error is not UNSET:
            field_dict["error"] = error
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if parity is not UNSET:
            field_dict["parity"] = parity
        if progress is not UNSET:
            field_dict["progress"] = progress
        if reference is not UNSET:
            field_dict["reference"] = reference
        if signature is not UNSET:
            field_dict["signature"] = signature
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.export_job_report_accuracy_type_0 import (
            ExportJobReportAccuracyType0,
        )
        from ..models.export_job_report_drift_check_type_0 import (
            ExportJobReportDriftCheckType0,
        )
        from ..models.export_job_report_latency_ms_type_0 import (
            ExportJobReportLatencyMsType0,
        )
        from ..models.export_job_report_parity_type_0 import ExportJobReportParityType0
        from ..models.export_job_report_progress_type_0 import (
            ExportJobReportProgressType0,
        )
        from ..models.export_job_report_reference_type_0 import (
            ExportJobReportReferenceType0,
        )
        from ..models.export_job_report_signature_type_0 import (
            ExportJobReportSignatureType0,
        )

        d = dict(src_dict)

        def _parse_accuracy(
            data: object,
        ) -> ExportJobReportAccuracyType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                accuracy_type_0 = ExportJobReportAccuracyType0.from_dict(data)

                return accuracy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReportAccuracyType0, None, Unset], data)

        accuracy = _parse_accuracy(d.pop("accuracy", UNSET))

        def _parse_drift_check(
            data: object,
        ) -> ExportJobReportDriftCheckType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                drift_check_type_0 = ExportJobReportDriftCheckType0.from_dict(data)

                return drift_check_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReportDriftCheckType0, None, Unset], data)

        drift_check = _parse_drift_check(d.pop("drift_check", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_latency_ms(
            data: object,
        ) -> ExportJobReportLatencyMsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latency_ms_type_0 = ExportJobReportLatencyMsType0.from_dict(data)

                return latency_ms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReportLatencyMsType0, None, Unset], data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms", UNSET))

        def _parse_parity(data: object) -> ExportJobReportParityType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                parity_type_0 = ExportJobReportParityType0.from_dict(data)

                return parity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReportParityType0, None, Unset], data)

        parity = _parse_parity(d.pop("parity", UNSET))

        def _parse_progress(
            data: object,
        ) -> ExportJobReportProgressType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = ExportJobReportProgressType0.from_dict(data)

                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReportProgressType0, None, Unset], data)

        progress = _parse_progress(d.pop("progress", UNSET))

        def _parse_reference(
            data: object,
        ) -> ExportJobReportReferenceType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reference_type_0 = ExportJobReportReferenceType0.from_dict(data)

                return reference_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReportReferenceType0, None, Unset], data)

        reference = _parse_reference(d.pop("reference", UNSET))

        def _parse_signature(
            data: object,
        ) -> ExportJobReportSignatureType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                signature_type_0 = ExportJobReportSignatureType0.from_dict(data)

                return signature_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ExportJobReportSignatureType0, None, Unset], data)

        signature = _parse_signature(d.pop("signature", UNSET))

        _status = d.pop("status", UNSET)
        status: ExportJobReportStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ExportJobReportStatus(_status)

        export_job_report = cls(
            accuracy=accuracy,
            drift_check=drift_check,
            error=error,
            latency_ms=latency_ms,
            parity=parity,
            progress=progress,
            reference=reference,
            signature=signature,
            status=status,
        )

        return export_job_report
