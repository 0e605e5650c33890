"""Target assignment: which ground-truth box (if any) each feature-map point must predict.

FCOS rules (Tian et al. 2019) with centre sampling: a point is a candidate for a box when it lies
inside the box, within `center_radius` strides of the box centre, and the box's farthest side from
it falls in its level's size range; among several candidates it takes the smallest box. A box that
no point claims (smaller than a stride, or on a level boundary) still gets the point nearest its
centre on the level its size belongs to, so no labelled object is silently unlearnable.

Everything is batched over images with ground truth padded to M boxes (label -1 = padding): tensor
ops only, no per-image Python loop.
"""

from __future__ import annotations

import torch

# A level of stride s owns boxes whose farthest side from a point is in (RANGE * s / 2, RANGE * s];
# the finest level takes everything smaller, the coarsest everything larger.
SIZE_RANGE = 4.0
CENTER_RADIUS = 2.5


def level_ranges(strides: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(low, high) bound of the size range of each point's level: [N], [N]."""
    low = torch.where(strides == strides.min(), torch.zeros_like(strides), SIZE_RANGE * strides / 2)
    high = torch.where(strides == strides.max(), torch.full_like(strides, float("inf")), SIZE_RANGE * strides)
    return low, high


def assign(
    points: torch.Tensor,
    strides: torch.Tensor,
    gt_boxes: torch.Tensor,
    gt_labels: torch.Tensor,
    *,
    center_radius: float = CENTER_RADIUS,
) -> torch.Tensor:
    """Index into M of the box each point predicts, or -1 for background: [B, N] int64.

    points [N, 2] and strides [N] (pixels, from the model), gt_boxes [B, M, 4] (x1, y1, x2, y2
    pixels) and gt_labels [B, M] (-1 = padding). Degenerate boxes are ignored like padding.
    """
    b, m = gt_labels.shape
    n = len(points)
    if m == 0:
        return torch.full((b, n), -1, dtype=torch.int64, device=points.device)
    size = gt_boxes[..., 2:] - gt_boxes[..., :2]  # [B, M, 2]
    valid = (gt_labels >= 0) & (size > 0).all(-1)  # [B, M]
    px, py = points[:, 0][None, :, None], points[:, 1][None, :, None]  # [1, N, 1]
    x1, y1, x2, y2 = (gt_boxes[..., i][:, None, :] for i in range(4))  # [B, 1, M]
    sides = torch.stack([px - x1, py - y1, x2 - px, y2 - py], -1)  # [B, N, M, 4]
    inside = sides.min(-1).values > 0
    radius = (center_radius * strides)[None, :, None]
    near = ((px - (x1 + x2) / 2).abs() < radius) & ((py - (y1 + y2) / 2).abs() < radius)
    farthest = sides.max(-1).values
    low, high = (r[None, :, None] for r in level_ranges(strides))
    candidate = inside & near & (farthest > low) & (farthest <= high) & valid[:, None, :]
    box_area = (size[..., 0] * size[..., 1])[:, None, :].expand(b, n, m)
    box_area = torch.where(candidate, box_area, torch.full_like(box_area, float("inf")))
    smallest = box_area.min(-1)
    matched = torch.where(torch.isfinite(smallest.values), smallest.indices, -1)  # [B, N]

    # Fallback: the nearest point, on the level its half-size belongs to, for every unclaimed box.
    claimed = torch.zeros(b, m + 1, dtype=torch.bool, device=points.device)
    claimed.scatter_(1, matched + 1, True)  # column 0 collects the background
    orphan = valid & ~claimed[:, 1:]  # [B, M]
    if orphan.any():
        half = size.max(-1).values / 2  # [B, M]
        low, high = level_ranges(strides)
        on_level = (half[:, None, :] > low[None, :, None]) & (half[:, None, :] <= high[None, :, None])
        centre = (gt_boxes[..., :2] + gt_boxes[..., 2:]) / 2  # [B, M, 2]
        offset = (points[None, :, None, :] - centre[:, None, :, :]) / strides[None, :, None, None]
        distance = offset.pow(2).sum(-1)  # [B, N, M], in strides
        distance = torch.where(on_level, distance, torch.full_like(distance, float("inf")))
        nearest = distance.argmin(1)  # [B, M]
        image, box = orphan.nonzero(as_tuple=True)
        matched[image, nearest[image, box]] = box
    return matched
