"""Class-wise NMS as an ONNX subgraph appended to an exported detector, and its eager twin in torch.

The detector's graph ends in decoded pre-NMS outputs, raw boxes [B, N, 4] (x1, y1, x2, y2 as
fractions of the input) and per-class probabilities [B, N, C]. `append_postprocess` adds, inside
the same graph:

    boxes  = Clip(raw boxes, 0, 1)
    sel    = NonMaxSuppression(boxes, Transpose(scores) [B, C, N], K, iou, score)  # per class
    kept   = ScatterND(zeros [B, C, N], sel, GatherND(scores, sel))                # survivors only
    top    = TopK(Reshape(kept, [B, C * N]), K)                                    # best K per image
    labels = top index // N, box = top index % N

and the outputs `boxes` float32 [B, K, 4], `scores` float32 [B, K] (0 marks a padding row),
`labels` int64 [B, K]; a padding row is all zeros. NonMaxSuppression is class-wise by definition
(boxes of different classes never suppress each other), so no coordinate-offset trick is needed,
and the same box may be kept for two classes. Its semantics, which `postprocess` reproduces
in torch for the parity check: candidates have score > score_threshold; greedy in descending score
(lower box index first on ties); a candidate is dropped when its IoU with a kept box of its class
is > iou_threshold; at most K per class. TopK puts lower flat indices (class-major) first on ties.

Built with onnx.helper rather than a torch.autograd.Function symbolic because the dynamo exporter
(pipelines.export.torch_to_onnx) does not run TorchScript symbolics; the fp16/int8 conversions are
applied to the detector graph before this is appended, so NMS always runs in float32.
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OUTPUT_BOXES = "boxes"
OUTPUT_SCORES = "scores"
OUTPUT_LABELS = "labels"
PREFIX = "acusight_nms/"


def append_postprocess(
    model: onnx.ModelProto,
    *,
    raw_boxes: str,
    raw_scores: str,
    num_anchors: int,
    num_classes: int,
    max_detections: int,
    score_threshold: float,
    iou_threshold: float,
) -> None:
    """Replace the graph's outputs `raw_boxes`, `raw_scores` by NMS'd `boxes`, `scores`, `labels`."""
    graph = model.graph
    outputs = [o.name for o in graph.output]
    if sorted(outputs) != sorted([raw_boxes, raw_scores]):
        raise ValueError(f"expected the detector's outputs {[raw_boxes, raw_scores]}, got {outputs}")
    taken = {t for n in graph.node for t in n.output} | {i.name for i in graph.initializer}
    clash = taken & {OUTPUT_BOXES, OUTPUT_SCORES, OUTPUT_LABELS}
    if clash:
        raise ValueError(f"the detector graph already has tensors named {sorted(clash)}")
    k, flat_size = max_detections, num_anchors * num_classes
    pad = max(0, k - flat_size)

    def p(name: str) -> str:
        return PREFIX + name

    consts = {
        "k_per_class": np.array([k], np.int64),
        "k": np.array([k], np.int64),
        "iou": np.array([iou_threshold], np.float32),
        "score": np.array([score_threshold], np.float32),
        "lo": np.array(0.0, np.float32),
        "hi": np.array(1.0, np.float32),
        "flat_shape": np.array([0, -1], np.int64),
        "n": np.array(num_anchors, np.int64),
        "last": np.array(flat_size - 1, np.int64),
        "axis2": np.array([2], np.int64),
        "expand4": np.array([1, 1, 4], np.int64),
    }
    if pad:
        consts |= {
            "batch_start": np.array([0], np.int64),
            "batch_end": np.array([1], np.int64),
            "pad": np.array([pad], np.int64),
        }
    graph.initializer.extend(numpy_helper.from_array(v, p(n)) for n, v in consts.items())
    node = helper.make_node
    nodes = [
        node("Clip", [raw_boxes, p("lo"), p("hi")], [p("clipped")]),
        node("Transpose", [raw_scores], [p("scores_bcn")], perm=[0, 2, 1]),
        node(
            "NonMaxSuppression",
            [p("clipped"), p("scores_bcn"), p("k_per_class"), p("iou"), p("score")],
            [p("selected")],
            center_point_box=0,
        ),
        node("GatherND", [p("scores_bcn"), p("selected")], [p("picked")]),
        node("Shape", [p("scores_bcn")], [p("bcn")]),
        node(
            "ConstantOfShape",
            [p("bcn")],
            [p("zeros")],
            value=helper.make_tensor("", TensorProto.FLOAT, [1], [0]),
        ),
        node("ScatterND", [p("zeros"), p("selected"), p("picked")], [p("kept")]),
        node("Reshape", [p("kept"), p("flat_shape")], [p("flat")]),
    ]
    flat = p("flat")
    if pad:
        # Fewer (anchor, class) pairs than K: append zero columns so TopK can take K; the indices
        # they yield are clamped below and their rows are zeroed as padding anyway.
        nodes += [
            node("Shape", [p("flat")], [p("flat_dims")]),
            node("Slice", [p("flat_dims"), p("batch_start"), p("batch_end")], [p("batch")]),
            node("Concat", [p("batch"), p("pad")], [p("pad_shape")], axis=0),
            node(
                "ConstantOfShape",
                [p("pad_shape")],
                [p("pad_zeros")],
                value=helper.make_tensor("", TensorProto.FLOAT, [1], [0]),
            ),
            node("Concat", [p("flat"), p("pad_zeros")], [p("flat_padded")], axis=1),
        ]
        flat = p("flat_padded")
    nodes += [
        node("TopK", [flat, p("k")], [p("top_scores"), p("top_index_raw")], axis=-1, largest=1, sorted=1),
        node("Min", [p("top_index_raw"), p("last")], [p("top_index")]),
        node("Div", [p("top_index"), p("n")], [p("class_index")]),
        node("Mod", [p("top_index"), p("n")], [p("box_index")]),
        node("Unsqueeze", [p("box_index"), p("axis2")], [p("box_index3")]),
        node("Expand", [p("box_index3"), p("expand4")], [p("box_index4")]),
        node("GatherElements", [p("clipped"), p("box_index4")], [p("top_boxes")], axis=1),
        node("Greater", [p("top_scores"), p("lo")], [p("valid")]),
        node("Cast", [p("valid")], [p("valid_f")], to=TensorProto.FLOAT),
        node("Cast", [p("valid")], [p("valid_i")], to=TensorProto.INT64),
        node("Unsqueeze", [p("valid_f"), p("axis2")], [p("valid_f3")]),
        node("Mul", [p("top_boxes"), p("valid_f3")], [OUTPUT_BOXES]),
        node("Identity", [p("top_scores")], [OUTPUT_SCORES]),
        node("Mul", [p("class_index"), p("valid_i")], [OUTPUT_LABELS]),
    ]
    for i, n in enumerate(nodes):
        n.name = p(f"{n.op_type}_{i}")
    graph.node.extend(nodes)
    batch = graph.input[0].type.tensor_type.shape.dim[0]
    batch_dim: str | int = batch.dim_param or batch.dim_value
    del graph.output[:]
    graph.output.extend(
        [
            helper.make_tensor_value_info(OUTPUT_BOXES, TensorProto.FLOAT, [batch_dim, k, 4]),
            helper.make_tensor_value_info(OUTPUT_SCORES, TensorProto.FLOAT, [batch_dim, k]),
            helper.make_tensor_value_info(OUTPUT_LABELS, TensorProto.INT64, [batch_dim, k]),
        ]
    )


def _nms(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float, limit: int) -> torch.Tensor:
    """Indices (into boxes) kept by greedy NMS, best first; boxes [m, 4] x1y1x2y2, scores [m]."""
    order = torch.sort(scores, descending=True, stable=True).indices
    b = boxes[order]
    x1 = torch.minimum(b[:, 0], b[:, 2])
    x2 = torch.maximum(b[:, 0], b[:, 2])
    y1 = torch.minimum(b[:, 1], b[:, 3])
    y2 = torch.maximum(b[:, 1], b[:, 3])
    area = (x2 - x1) * (y2 - y1)
    iw = (torch.minimum(x2[:, None], x2[None]) - torch.maximum(x1[:, None], x1[None])).clamp(min=0)
    ih = (torch.minimum(y2[:, None], y2[None]) - torch.maximum(y1[:, None], y1[None])).clamp(min=0)
    inter = iw * ih
    union = area[:, None] + area[None] - inter
    # As onnxruntime: a pair with no overlap or an empty box never suppresses.
    ok = (inter > 0) & (area[:, None] > 0) & (area[None] > 0) & (union > 0)
    iou = torch.where(ok, inter / union.clamp(min=1e-12), torch.zeros_like(inter))
    keep: list[int] = []
    suppressed = torch.zeros(len(b), dtype=torch.bool)
    for i in range(len(b)):
        if suppressed[i]:
            continue
        keep.append(i)
        if len(keep) == limit:
            break
        suppressed |= iou[i] > iou_threshold
    return order[torch.tensor(keep, dtype=torch.int64)]


@torch.no_grad()
def postprocess(
    raw_boxes: torch.Tensor,
    raw_scores: torch.Tensor,
    *,
    max_detections: int,
    score_threshold: float,
    iou_threshold: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Eager torch version of the appended subgraph, same semantics: (boxes, scores, labels)."""
    raw_boxes, raw_scores = raw_boxes.float().cpu(), raw_scores.float().cpu()
    batch, n, c = raw_scores.shape
    k = max_detections
    boxes = raw_boxes.clamp(0.0, 1.0)
    kept = torch.zeros(batch, c, n)
    for i in range(batch):
        for cls in range(c):
            s = raw_scores[i, :, cls]
            candidates = torch.nonzero(s > score_threshold).flatten()
            if len(candidates) == 0:
                continue
            chosen = candidates[_nms(boxes[i, candidates], s[candidates], iou_threshold, k)]
            kept[i, cls, chosen] = s[chosen]
    flat = kept.reshape(batch, c * n)
    if c * n < k:
        flat = torch.cat([flat, torch.zeros(batch, k - c * n)], dim=1)
    order = torch.sort(flat, dim=1, descending=True, stable=True)
    top_scores, top_index = order.values[:, :k], order.indices[:, :k].clamp(max=c * n - 1)
    labels, box_index = top_index // n, top_index % n
    top_boxes = torch.gather(boxes, 1, box_index[..., None].expand(-1, -1, 4))
    valid = top_scores > 0
    return top_boxes * valid[..., None], top_scores, labels * valid
