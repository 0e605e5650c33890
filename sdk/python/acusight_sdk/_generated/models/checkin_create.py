from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.checkin_create_metrics_type_0 import CheckinCreateMetricsType0


T = TypeVar("T", bound="CheckinCreate")


@_attrs_define
class CheckinCreate:
    """
    Attributes:
        battery_pct (float | None | Unset):
        disk_free_mb (float | None | Unset):
        failed_export_id (int | None | Unset): The export the device was given but could not run (checksum, load): it
            kept running_export_id. Rollouts count these as load failures
        firmware_version (None | str | Unset):
        ip_address (Any | Unset):
        metrics (CheckinCreateMetricsType0 | None | Unset): Free-form numbers or text, at most 8192 bytes as JSON
        model_error (None | str | Unset): Why the last model load failed (bad checksum, onnxruntime's error); null: fine
        running_export_id (int | None | Unset): The export the device actually runs (null: none loaded)
        runs_failed (int | None | Unset): Inference runs of running_export_id that failed since the last check-in
        temperature_c (float | None | Unset):
        uptime_s (int | None | Unset):
    """

    battery_pct: float | None | Unset = UNSET
    disk_free_mb: float | None | Unset = UNSET
    failed_export_id: int | None | Unset = UNSET
    firmware_version: None | str | Unset = UNSET
    ip_address: Any | Unset = UNSET
    metrics: CheckinCreateMetricsType0 | None | Unset = UNSET
    model_error: None | str | Unset = UNSET
    running_export_id: int | None | Unset = UNSET
    runs_failed: int | None | Unset = UNSET
    temperature_c: float | None | Unset = UNSET
    uptime_s: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.checkin_create_metrics_type_0 import CheckinCreateMetricsType0

        battery_pct: float | None | Unset
        if isinstance(self.battery_pct, Unset):
            battery_pct = UNSET
        else:
            battery_pct = self.battery_pct

        disk_free_mb: float | None | Unset
        if isinstance(self.disk_free_mb, Unset):
            disk_free_mb = UNSET
        else:
            disk_free_mb = self.disk_free_mb

        failed_export_id: int | None | Unset
        if isinstance(self.failed_export_id, Unset):
            failed_export_id = UNSET
        else:
            failed_export_id = self.failed_export_id

        firmware_version: None | str | Unset
        if isinstance(self.firmware_version, Unset):
            firmware_version = UNSET
        else:
            firmware_version = self.firmware_version

        ip_address: Any | Unset
        if isinstance(self.ip_address, Unset):
            ip_address = UNSET
        else:
            ip_address = self.ip_address

        metrics: dict[str, Any] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, CheckinCreateMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        model_error: None | str | Unset
        if isinstance(self.model_error, Unset):
            model_error = UNSET
        else:
            model_error = self.model_error

        running_export_id: int | None | Unset
        if isinstance(self.running_export_id, Unset):
            running_export_id = UNSET
        else:
            running_export_id = self.running_export_id

        runs_failed: int | None | Unset
        if isinstance(self.runs_failed, Unset):
            runs_failed = UNSET
        else:
            runs_failed = self.runs_failed

        temperature_c: float | None | Unset
        if isinstance(self.temperature_c, Unset):
            temperature_c = UNSET
        else:
            temperature_c = self.temperature_c

        uptime_s: int | None | Unset
        if isinstance(self.uptime_s, Unset):
            uptime_s = UNSET
        else:
            uptime_s = self.uptime_s

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if battery_pct is not UNSET:
            field_dict["battery_pct"] = battery_pct
        if disk_free_mb is not UNSET:
            field_dict["disk_free_mb"] = disk_free_mb
        if failed_export_id is not UNSET:
            field_dict["failed_export_id"] = failed_export_id
        if firmware_version is not UNSET:
            field_dict["firmware_version"] = firmware_version
        if ip_address is not UNSET:
            field_dict["ip_address"] = ip_address
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if model_error is not UNSET:
            field_dict["model_error"] = model_error
        if running_export_id is not UNSET:
            field_dict["running_export_id"] = running_export_id
        if runs_failed is not UNSET:
            field_dict["runs_failed"] = runs_failed
        if temperature_c is not UNSET:
            field_dict["temperature_c"] = temperature_c
        if uptime_s is not UNSET:
            field_dict["uptime_s"] = uptime_s

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.checkin_create_metrics_type_0 import CheckinCreateMetricsType0

        d = dict(src_dict)

        def _parse_battery_pct(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        battery_pct = _parse_battery_pct(d.pop("battery_pct", UNSET))

        def _parse_disk_free_mb(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        disk_free_mb = _parse_disk_free_mb(d.pop("disk_free_mb", UNSET))

        def _parse_failed_export_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        failed_export_id = _parse_failed_export_id(d.pop("failed_export_id", UNSET))

        def _parse_firmware_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        firmware_version = _parse_firmware_version(d.pop("firmware_version", UNSET))

        def _parse_ip_address(data: object) -> Any | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Union[Any, Unset], data)

        ip_address = _parse_ip_address(d.pop("ip_address", UNSET))

        def _parse_metrics(data: object) -> CheckinCreateMetricsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = CheckinCreateMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[CheckinCreateMetricsType0, None, Unset], data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))

        def _parse_model_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        model_error = _parse_model_error(d.pop("model_error", UNSET))

        def _parse_running_export_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        running_export_id = _parse_running_export_id(d.pop("running_export_id", UNSET))

        def _parse_runs_failed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        runs_failed = _parse_runs_failed(d.pop("runs_failed", UNSET))

        def _parse_temperature_c(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        temperature_c = _parse_temperature_c(d.pop("temperature_c", UNSET))

        def _parse_uptime_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        uptime_s = _parse_uptime_s(d.pop("uptime_s", UNSET))

        checkin_create = cls(
            battery_pct=battery_pct,
            disk_free_mb=disk_free_mb,
            failed_export_id=failed_export_id,
            firmware_version=firmware_version,
            ip_address=ip_address,
            metrics=metrics,
            model_error=model_error,
            running_export_id=running_export_id,
            runs_failed=runs_failed,
            temperature_c=temperature_c,
            uptime_s=uptime_s,
        )

        return checkin_create
