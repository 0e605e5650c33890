from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.device_model_source import DeviceModelSource
from ..models.device_model_task import DeviceModelTask
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.device_model_output_type_0 import DeviceModelOutputType0
    from ..models.device_model_sampling_type_1_type_0 import (
        DeviceModelSamplingType1Type0,
    )
    from ..models.device_sampling import DeviceSampling
    from ..models.model_input import ModelInput


T = TypeVar("T", bound="DeviceModel")


@_attrs_define
class DeviceModel:
    """
    Attributes:
        download_url (str | Unset):
        export_id (int | Unset):
        exported_at (datetime.datetime | None | Unset):
        format_ (str | Unset):
        input_ (ModelInput | Unset):
        labels (list[str] | Unset): Class names, by output index
        model_id (int | Unset):
        model_name (str | Unset):
        model_version (int | Unset):
        opset (int | Unset):
        output (DeviceModelOutputType0 | None | Unset): Output tensors (tensors: name, dtype, shape, meaning);
            detection: NMS settings
        precision (str | Unset):
        project_id (int | Unset):
        sampling (DeviceModelSamplingType1Type0 | DeviceSampling | None | Unset): The project's sampling policy, or null
        sha256 (str | Unset): Of the .onnx file; also its download's ETag
        size (int | Unset):
        source (DeviceModelSource | Unset): Whose assignment this is: the device's own, its project's, or a rollout's
        task (DeviceModelTask | Unset):
    """

    download_url: str | Unset = UNSET
    export_id: int | Unset = UNSET
    exported_at: datetime.datetime | None | Unset = UNSET
    format_: str | Unset = UNSET
    input_: ModelInput | Unset = UNSET
    labels: list[str] | Unset = UNSET
    model_id: int | Unset = UNSET
    model_name: str | Unset = UNSET
    model_version: int | Unset = UNSET
    opset: int | Unset = UNSET
    output: DeviceModelOutputType0 | None | Unset = UNSET
    precision: str | Unset = UNSET
    project_id: int | Unset = UNSET
    sampling: DeviceModelSamplingType1Type0 | DeviceSampling | None | Unset = UNSET
    sha256: str | Unset = UNSET
    size: int | Unset = UNSET
    source: DeviceModelSource | Unset = UNSET
    task: DeviceModelTask | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.device_model_output_type_0 import DeviceModelOutputType0
        from ..models.device_model_sampling_type_1_type_0 import (
            DeviceModelSamplingType1Type0,
        )
        from ..models.device_sampling import DeviceSampling

        download_url = self.download_url

        export_id = self.export_id

        exported_at: None | str | Unset
        if isinstance(self.exported_at, Unset):
            exported_at = UNSET
        elif isinstance(self.exported_at, datetime.datetime):
            exported_at = self.exported_at.isoformat()
        else:
            exported_at = self.exported_at

        format_ = self.format_

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        model_id = self.model_id

        model_name = self.model_name

        model_version = self.model_version

        opset = self.opset

        output: dict[str, Any] | None | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        elif isinstance(self.output, DeviceModelOutputType0):
            output = self.output.to_dict()
        else:
            output = self.output

        precision = self.precision

        project_id = self.project_id

        sampling: dict[str, Any] | None | Unset
        if isinstance(self.sampling, Unset):
            sampling = UNSET
        elif isinstance(self.sampling, DeviceSampling) or isinstance(
            self.sampling, DeviceModelSamplingType1Type0
        ):
            sampling = self.sampling.to_dict()
        else:
            sampling = self.sampling

        sha256 = self.sha256

        size = self.size

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        task: str | Unset = UNSET
        if not isinstance(self.task, Unset):
            task = self.task.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if download_url is not UNSET:
            field_dict["download_url"] = download_url
        if export_id is not UNSET:
            field_dict["export_id"] = export_id
        if exported_at is not UNSET:
            field_dict["exported_at"] = exported_at
        if format_ is not UNSET:
            field_dict["format"] = format_
        if input_ is not UNSET:
            field_dict["input"] = input_
        if labels is not UNSET:
            field_dict["labels"] = labels
        if model_id is not UNSET:
            field_dict["model_id"] = model_id
        if model_name is not UNSET:
            field_dict["model_name"] = model_name
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if opset is not UNSET:
            field_dict["opset"] = opset
        if output is not UNSET:
            field_dict["output"] = output
        if precision is not UNSET:
            field_dict["precision"] = precision
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if sampling is not UNSET:
            field_dict["sampling"] = sampling
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if size is not UNSET:
            field_dict["size"] = size
        if source is not UNSET:
            field_dict["source"] = source
        if task is not UNSET:
            field_dict["task"] = task

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.device_model_output_type_0 import DeviceModelOutputType0
        from ..models.device_model_sampling_type_1_type_0 import (
            DeviceModelSamplingType1Type0,
        )
        from ..models.device_sampling import DeviceSampling
        from ..models.model_input import ModelInput

        d = dict(src_dict)
        download_url = d.pop("download_url", UNSET)

        export_id = d.pop("export_id", UNSET)

        def _parse_exported_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                exported_at_type_0 = datetime.datetime.fromisoformat(data)

                return exported_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        exported_at = _parse_exported_at(d.pop("exported_at", UNSET))

        format_ = d.pop("format", UNSET)

        _input_ = d.pop("input", UNSET)
        input_: ModelInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = ModelInput.from_dict(_input_)

        labels = cast(list[str], d.pop("labels", UNSET))

        model_id = d.pop("model_id", UNSET)

        model_name = d.pop("model_name", UNSET)

        model_version = d.pop("model_version", UNSET)

        opset = d.pop("opset", UNSET)

        def _parse_output(data: object) -> DeviceModelOutputType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_type_0 = DeviceModelOutputType0.from_dict(data)

                return output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[DeviceModelOutputType0, None, Unset], data)

        output = _parse_output(d.pop("output", UNSET))

        precision = d.pop("precision", UNSET)

        project_id = d.pop("project_id", UNSET)

        def _parse_sampling(
            data: object,
        ) -> DeviceModelSamplingType1Type0 | DeviceSampling | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_0 = DeviceSampling.from_dict(data)

                return sampling_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_1_type_0 = DeviceModelSamplingType1Type0.from_dict(data)

                return sampling_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DeviceModelSamplingType1Type0, DeviceSampling, None, Unset], data
            )

        sampling = _parse_sampling(d.pop("sampling", UNSET))

        sha256 = d.pop("sha256", UNSET)

        size = d.pop("size", UNSET)

        _source = d.pop("source", UNSET)
        source: DeviceModelSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = DeviceModelSource(_source)

        _task = d.pop("task", UNSET)
        task: DeviceModelTask | Unset
        if isinstance(_task, Unset):
            task = UNSET
        else:
            task = DeviceModelTask(_task)

        device_model = cls(
            download_url=download_url,
            export_id=export_id,
            exported_at=exported_at,
            format_=format_,
            input_=input_,
            labels=labels,
            model_id=model_id,
            model_name=model_name,
            model_version=model_version,
            opset=opset,
            output=output,
            precision=precision,
            project_id=project_id,
            sampling=sampling,
            sha256=sha256,
            size=size,
            source=source,
            task=task,
        )

        return device_model
