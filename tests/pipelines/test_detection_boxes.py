"""Box geometry and post-processing: IoU, GIoU, NMS, class-wise NMS, edge cases."""

from __future__ import annotations

import torch

from pipelines.detection.boxes import batched_nms, box_iou, elementwise_iou_giou, nms, postprocess
from pipelines.detection.model import distance_to_box


def test_box_iou_known_values() -> None:
    a = torch.tensor([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0]])
    b = torch.tensor([[1.0, 1.0, 3.0, 3.0], [0.0, 0.0, 2.0, 2.0], [5.0, 5.0, 6.0, 6.0]])
    expected = torch.tensor([[1 / 7, 1.0, 0.0], [0.0, 0.25, 0.0]])
    torch.testing.assert_close(box_iou(a, b), expected)


def test_iou_of_degenerate_and_empty_boxes() -> None:
    line = torch.tensor([[1.0, 1.0, 1.0, 3.0]])  # zero width
    flipped = torch.tensor([[2.0, 2.0, 1.0, 1.0]])  # x2 < x1
    assert box_iou(line, line).item() == 0.0
    assert box_iou(flipped, torch.tensor([[0.0, 0.0, 3.0, 3.0]])).item() == 0.0
    assert box_iou(torch.zeros(0, 4), line).shape == (0, 1)
    iou, giou = elementwise_iou_giou(line, line)
    assert torch.isfinite(iou).all() and torch.isfinite(giou).all()


def test_giou_is_iou_when_nested_and_negative_when_apart() -> None:
    a = torch.tensor([[0.0, 0.0, 4.0, 4.0], [0.0, 0.0, 1.0, 1.0]])
    b = torch.tensor([[1.0, 1.0, 3.0, 3.0], [2.0, 0.0, 3.0, 1.0]])
    iou, giou = elementwise_iou_giou(a, b)
    torch.testing.assert_close(iou, torch.tensor([0.25, 0.0]))
    # Hull of the second pair is 3 x 1, union 2: GIoU = 0 - 1/3.
    torch.testing.assert_close(giou, torch.tensor([0.25, -1 / 3]))


def test_distance_to_box() -> None:
    points = torch.tensor([[10.0, 20.0]])
    distances = torch.tensor([[[1.0, 2.0, 3.0, 4.0]]])
    torch.testing.assert_close(distance_to_box(points, distances), torch.tensor([[[9.0, 18.0, 13.0, 24.0]]]))


def test_nms_keeps_the_best_of_each_cluster_and_chains_correctly() -> None:
    boxes = torch.tensor(
        [
            [0.0, 0.0, 10.0, 10.0],
            [1.0, 0.0, 11.0, 10.0],  # overlaps box 0 (IoU 0.82)
            [2.0, 0.0, 12.0, 10.0],  # overlaps 1 (0.82) and 0 (0.67): suppressed by 0 either way
            [50.0, 50.0, 60.0, 60.0],
        ]
    )
    scores = torch.tensor([0.9, 0.8, 0.7, 0.3])
    assert nms(boxes, scores, 0.5).tolist() == [0, 3]
    # At 0.7, box 1 is suppressed by 0, so box 2 (IoU 0.67 with 0) survives: exact greedy order.
    assert nms(boxes, scores, 0.7).tolist() == [0, 2, 3]
    assert nms(boxes, scores, 0.5, limit=1).tolist() == [0]
    assert nms(torch.zeros(0, 4), torch.zeros(0), 0.5).tolist() == []


def test_nms_keeps_degenerate_boxes_unsuppressed() -> None:
    boxes = torch.tensor([[1.0, 1.0, 1.0, 5.0], [1.0, 1.0, 1.0, 5.0]])
    assert sorted(nms(boxes, torch.tensor([0.5, 0.4]), 0.5).tolist()) == [0, 1]


def test_batched_nms_is_class_wise() -> None:
    boxes = torch.tensor([[0.0, 0.0, 0.5, 0.5], [0.0, 0.0, 0.5, 0.5], [0.01, 0.0, 0.5, 0.5]])
    scores = torch.tensor([0.9, 0.8, 0.7])
    labels = torch.tensor([0, 1, 0])
    assert batched_nms(boxes, scores, labels, 0.5).tolist() == [0, 1]


def test_postprocess_threshold_nms_top_k() -> None:
    boxes = torch.tensor([[0.1, 0.1, 0.3, 0.3], [0.11, 0.1, 0.3, 0.3], [0.6, 0.6, 0.9, 0.9]])
    scores = torch.tensor([[0.9, 0.0], [0.8, 0.7], [0.02, 0.6]])  # point 1 proposes both classes
    b, s, k = postprocess(boxes, scores, score_threshold=0.05, iou_threshold=0.5, max_detections=10)
    assert s.tolist() == [torch.tensor(0.9).item(), torch.tensor(0.7).item(), torch.tensor(0.6).item()]
    assert k.tolist() == [0, 1, 1]
    torch.testing.assert_close(b[0], boxes[0])
    b, s, k = postprocess(boxes, scores, score_threshold=0.05, iou_threshold=0.5, max_detections=1)
    assert len(b) == 1 and k.tolist() == [0]
    b, s, k = postprocess(boxes, scores, score_threshold=0.95, iou_threshold=0.5, max_detections=10)
    assert b.shape == (0, 4) and s.shape == (0,) and k.shape == (0,)
