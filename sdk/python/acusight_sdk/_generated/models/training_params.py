from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrainingParams")


@_attrs_define
class TrainingParams:
    """
    Attributes:
        batch_size (int | Unset):
        depth (int | Unset):
        epochs (int | Unset):
        flip (bool | Unset): Random horizontal flips (wrong for digits and text)
        fpn_channels (int | Unset): Detection only: channels of the feature pyramid and the head
        head_convs (int | Unset): Detection only: convolutions in each head branch before its output
        image_size (int | Unset): Must equal the dataset version's image size (it is fixed there)
        label_smoothing (float | Unset): Classification only
        lr (float | Unset):
        scale_jitter (float | Unset): Detection only: random zoom by a factor in [1 - j, 1 + j]
        seed (int | Unset):
        threads (int | Unset): CPU threads (0: torch's default)
        weight_decay (float | Unset):
        width (int | Unset):
    """

    batch_size: int | Unset = UNSET
    depth: int | Unset = UNSET
    epochs: int | Unset = UNSET
    flip: bool | Unset = UNSET
    fpn_channels: int | Unset = UNSET
    head_convs: int | Unset = UNSET
    image_size: int | Unset = UNSET
    label_smoothing: float | Unset = UNSET
    lr: float | Unset = UNSET
    scale_jitter: float | Unset = UNSET
    seed: int | Unset = UNSET
    threads: int | Unset = UNSET
    weight_decay: float | Unset = UNSET
    width: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        batch_size = self.batch_size

        depth = self.depth

        epochs = self.epochs

        flip = self.flip

        fpn_channels = self.fpn_channels

        head_convs = self.head_convs

        image_size = self.image_size

        label_smoothing = self.label_smoothing

        lr = self.lr

        scale_jitter = self.scale_jitter

        seed = self.seed

        threads = self.threads

        weight_decay = self.weight_decay

        width = self.width

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size
        if depth is not UNSET:
            field_dict["depth"] = depth
        if epochs is not UNSET:
            field_dict["epochs"] = epochs
        if flip is not UNSET:
            field_dict["flip"] = flip
        if fpn_channels is not UNSET:
            field_dict["fpn_channels"] = fpn_channels
        if head_convs is not UNSET:
            field_dict["head_convs"] = head_convs
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if label_smoothing is not UNSET:
            field_dict["label_smoothing"] = label_smoothing
        if lr is not UNSET:
            field_dict["lr"] = lr
        if scale_jitter is not UNSET:
            field_dict["scale_jitter"] = scale_jitter
        if seed is not UNSET:
            field_dict["seed"] = seed
        if threads is not UNSET:
            field_dict["threads"] = threads
        if weight_decay is not UNSET:
            field_dict["weight_decay"] = weight_decay
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        batch_size = d.pop("batch_size", UNSET)

        depth = d.pop("depth", UNSET)

        epochs = d.pop("epochs", UNSET)

        flip = d.pop("flip", UNSET)

        fpn_channels = d.pop("fpn_channels", UNSET)

        head_convs = d.pop("head_convs", UNSET)

        image_size = d.pop("image_size", UNSET)

        label_smoothing = d.pop("label_smoothing", UNSET)

        lr = d.pop("lr", UNSET)

        scale_jitter = d.pop("scale_jitter", UNSET)

        seed = d.pop("seed", UNSET)

        threads = d.pop("threads", UNSET)

        weight_decay = d.pop("weight_decay", UNSET)

        width = d.pop("width", UNSET)

        training_params = cls(
            batch_size=batch_size,
            depth=depth,
            epochs=epochs,
            flip=flip,
            fpn_channels=fpn_channels,
            head_convs=head_convs,
            image_size=image_size,
            label_smoothing=label_smoothing,
            lr=lr,
            scale_jitter=scale_jitter,
            seed=seed,
            threads=threads,
            weight_decay=weight_decay,
            width=width,
        )

        return training_params
