"""Detection losses: quality focal loss on the class scores, GIoU on the boxes.

Quality focal loss (Li et al. 2020, GFL): the score target of a positive point is the IoU of its
own predicted box with its ground truth (0 elsewhere), so the class score doubles as a localisation
quality estimate; that is what lets the model's output be ranked for NMS and COCO AP without a
separate centerness branch. GIoU (Rezatofighi et al. 2019) gives boxes a gradient even when they
do not overlap their target yet.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F

from pipelines.detection.boxes import elementwise_iou_giou
from pipelines.detection.model import RawOutput, distance_to_box
from pipelines.detection.targets import assign

# GFL's weights: the box term is worth twice the classification term.
BOX_WEIGHT = 2.0
QFL_BETA = 2.0


class LossParts(NamedTuple):
    total: torch.Tensor
    classification: torch.Tensor
    box: torch.Tensor
    positives: torch.Tensor  # number of positive points, for logging


def quality_focal_loss(logits: torch.Tensor, target: torch.Tensor, beta: float = QFL_BETA) -> torch.Tensor:
    """Sum over all elements of BCE(logits, soft target) * |sigmoid(logits) - target| ** beta."""
    modulation = (torch.sigmoid(logits) - target).abs().pow(beta)
    return (F.binary_cross_entropy_with_logits(logits, target, reduction="none") * modulation).sum()


def detection_loss(raw: RawOutput, gt_boxes: torch.Tensor, gt_labels: torch.Tensor) -> LossParts:
    """Loss of one batch: gt_boxes [B, M, 4] in input pixels, gt_labels [B, M] (-1 = padding).

    Both terms are normalised by the number of positive points (at least 1), so the loss scale
    does not depend on how many objects a batch happens to hold.
    """
    logits = raw.logits.float()
    if gt_labels.shape[1] == 0:  # no boxes in the whole batch: one padding box keeps gathers valid
        gt_boxes = gt_boxes.new_zeros(gt_boxes.shape[0], 1, 4)
        gt_labels = gt_labels.new_full((gt_labels.shape[0], 1), -1)
    matched = assign(raw.points, raw.strides, gt_boxes, gt_labels)  # [B, N]
    positive = matched >= 0
    pred = distance_to_box(raw.points, raw.distances.float())  # [B, N, 4]
    index = matched.clamp(min=0)
    target_boxes = torch.gather(gt_boxes, 1, index[..., None].expand(-1, -1, 4))  # [B, N, 4]
    target_labels = torch.gather(gt_labels, 1, index)  # [B, N]

    iou, giou = elementwise_iou_giou(pred[positive], target_boxes[positive])
    target = torch.zeros_like(logits)
    target[positive, target_labels[positive]] = iou.detach().clamp(min=0).to(target.dtype)
    count = positive.sum()
    norm = count.clamp(min=1).float()
    cls = quality_focal_loss(logits, target) / norm
    box = (1 - giou).sum() / norm
    return LossParts(cls + BOX_WEIGHT * box, cls.detach(), box.detach(), count)
