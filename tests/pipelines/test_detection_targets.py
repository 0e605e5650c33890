"""Target assignment on a hand-made example, and the loss on it."""

from __future__ import annotations

import torch

from pipelines.detection.loss import detection_loss
from pipelines.detection.model import RawOutput
from pipelines.detection.targets import assign, level_ranges


def _points() -> tuple[torch.Tensor, torch.Tensor]:
    """A 16 px input: stride 4 (4 x 4 points at 2, 6, 10, 14) then stride 8 (2 x 2 at 4, 12)."""
    pts, strides = [], []
    for stride in (4, 8):
        centres = torch.arange(0, 16, stride, dtype=torch.float32) + stride / 2
        gy, gx = torch.meshgrid(centres, centres, indexing="ij")
        pts.append(torch.stack([gx.reshape(-1), gy.reshape(-1)], 1))
        strides.append(torch.full((len(centres) ** 2,), float(stride)))
    return torch.cat(pts), torch.cat(strides)


def _index(points: torch.Tensor, strides: torch.Tensor, x: float, y: float, stride: int) -> int:
    hit = (points[:, 0] == x) & (points[:, 1] == y) & (strides == stride)
    return int(hit.nonzero().item())


def test_level_ranges() -> None:
    low, high = level_ranges(torch.tensor([4.0, 8.0, 16.0]))
    assert low.tolist() == [0.0, 16.0, 32.0]
    assert high.tolist() == [16.0, 32.0, float("inf")]


def test_hand_made_assignment() -> None:
    points, strides = _points()
    gt = torch.tensor(
        [
            [
                [0.0, 0.0, 8.0, 8.0],  # A: the four stride-4 points of the top-left quarter
                [0.0, 0.0, 16.0, 16.0],  # C: the whole frame, every other stride-4 point
                [10.0, 10.0, 10.0, 14.0],  # degenerate: ignored
                [13.0, 13.0, 13.5, 13.5],  # tiny: no point inside; gets the nearest, (14, 14)
                [0.0, 0.0, 0.0, 0.0],  # padding
            ]
        ]
    )
    labels = torch.tensor([[0, 1, 0, 2, -1]])
    matched = assign(points, strides, gt, labels)[0]
    a = {_index(points, strides, x, y, 4) for x in (2.0, 6.0) for y in (2.0, 6.0)}
    tiny = _index(points, strides, 14.0, 14.0, 4)
    for i in range(len(points)):
        if i in a:
            assert matched[i] == 0, i  # A and C both qualify: the smaller box wins
        elif i == tiny:
            assert matched[i] == 3
        elif strides[i] == 4:
            assert matched[i] == 1, i
        else:
            assert matched[i] == -1, i  # C's farthest side (<= 12 px) is below stride 8's range


def test_no_boxes_means_all_background() -> None:
    points, strides = _points()
    assert (assign(points, strides, torch.zeros(2, 0, 4), torch.zeros(2, 0, dtype=torch.int64)) == -1).all()
    padded = assign(points, strides, torch.zeros(1, 3, 4), torch.full((1, 3), -1))
    assert (padded == -1).all()


def test_loss_rewards_the_right_boxes_and_classes() -> None:
    points, strides = _points()
    gt = torch.tensor([[[0.0, 0.0, 8.0, 8.0]]])
    labels = torch.tensor([[1]])
    n = len(points)
    # Perfect: every point predicts the distances to A's sides, class 1 certain where assigned.
    matched = assign(points, strides, gt, labels)[0]
    sides = torch.cat([points - gt[0, 0, :2], gt[0, 0, 2:] - points], 1).clamp(min=0.1)
    logits = torch.full((1, n, 3), -12.0)
    logits[0, matched == 0, 1] = 12.0
    good = detection_loss(RawOutput(logits, sides[None], points, strides), gt, labels)
    bad_boxes = RawOutput(logits, torch.full((1, n, 4), 1.0), points, strides)
    bad_class = RawOutput(logits.roll(1, dims=2), sides[None], points, strides)
    assert good.positives.item() == 4
    assert good.box.item() < 1e-5
    assert detection_loss(bad_boxes, gt, labels).box > 0.5
    assert detection_loss(bad_class, gt, labels).classification > 10 * good.classification
    empty = detection_loss(bad_boxes, torch.zeros(1, 0, 4), torch.zeros(1, 0, dtype=torch.int64))
    assert empty.positives.item() == 0 and empty.box.item() == 0 and torch.isfinite(empty.total)
