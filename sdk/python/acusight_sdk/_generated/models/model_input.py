from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_input_resize_type_0_type_0 import ModelInputResizeType0Type0
    from ..models.resize import Resize


T = TypeVar("T", bound="ModelInput")


@_attrs_define
class ModelInput:
    """
    Attributes:
        color (str | Unset): Channel order: RGB
        dtype (str | Unset):
        height (int | Unset): Of the model input, in pixels
        image_size (int | Unset): Square side the image is brought to
        layout (str | Unset):
        mean (list[float] | Unset): …subtract this per channel…
        name (str | Unset): The ONNX input's name
        resize (ModelInputResizeType0Type0 | None | Resize | Unset):
        scale (float | Unset): Divide the 0-255 pixels by this…
        shape (list[Any] | Unset): e.g. ["batch", 3, 64, 64]
        std (list[float] | Unset): …and divide by this
        width (int | Unset): Of the model input, in pixels
    """

    color: str | Unset = UNSET
    dtype: str | Unset = UNSET
    height: int | Unset = UNSET
    image_size: int | Unset = UNSET
    layout: str | Unset = UNSET
    mean: list[float] | Unset = UNSET
    name: str | Unset = UNSET
    resize: ModelInputResizeType0Type0 | None | Resize | Unset = UNSET
    scale: float | Unset = UNSET
    shape: list[Any] | Unset = UNSET
    std: list[float] | Unset = UNSET
    width: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_input_resize_type_0_type_0 import ModelInputResizeType0Type0
        from ..models.resize import Resize

        color = self.color

        dtype = self.dtype

        height = self.height

        image_size = self.image_size

        layout = self.layout

        mean: list[float] | Unset = UNSET
        if not isinstance(self.mean, Unset):
            mean = self.mean

        name = self.name

        resize: dict[str, Any] | None | Unset
        if isinstance(self.resize, Unset):
            resize = UNSET
        elif isinstance(self.resize, ModelInputResizeType0Type0) or isinstance(
            self.resize, Resize
        ):
            resize = self.resize.to_dict()
        else:
            resize = self.resize

        scale = self.scale

        shape: list[Any] | Unset = UNSET
        if not isinstance(self.shape, Unset):
            shape = self.shape

        std: list[float] | Unset = UNSET
        if not isinstance(self.std, Unset):
            std = self.std

        width = self.width

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if color is not UNSET:
            field_dict["color"] = color
        if dtype is not UNSET:
            field_dict["dtype"] = dtype
        if height is not UNSET:
            field_dict["height"] = height
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if layout is not UNSET:
            field_dict["layout"] = layout
        if mean is not UNSET:
            field_dict["mean"] = mean
        if name is not UNSET:
            field_dict["name"] = name
        if resize is not UNSET:
            field_dict["resize"] = resize
        if scale is not UNSET:
            field_dict["scale"] = scale
        if shape is not UNSET:
            field_dict["shape"] = shape
        if std is not UNSET:
            field_dict["std"] = std
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_input_resize_type_0_type_0 import ModelInputResizeType0Type0
        from ..models.resize import Resize

        d = dict(src_dict)
        color = d.pop("color", UNSET)

        dtype = d.pop("dtype", UNSET)

        height = d.pop("height", UNSET)

        image_size = d.pop("image_size", UNSET)

        layout = d.pop("layout", UNSET)

        mean = cast(list[float], d.pop("mean", UNSET))

        name = d.pop("name", UNSET)

        def _parse_resize(
            data: object,
        ) -> ModelInputResizeType0Type0 | None | Resize | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                resize_type_0_type_0 = ModelInputResizeType0Type0.from_dict(data)

                return resize_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                resize_type_1 = Resize.from_dict(data)

                return resize_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ModelInputResizeType0Type0, None, Resize, Unset], data)

        resize = _parse_resize(d.pop("resize", UNSET))

        scale = d.pop("scale", UNSET)

        shape = cast(list[Any], d.pop("shape", UNSET))

        std = cast(list[float], d.pop("std", UNSET))

        width = d.pop("width", UNSET)

        model_input = cls(
            color=color,
            dtype=dtype,
            height=height,
            image_size=image_size,
            layout=layout,
            mean=mean,
            name=name,
            resize=resize,
            scale=scale,
            shape=shape,
            std=std,
            width=width,
        )

        return model_input
