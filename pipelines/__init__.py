"""Acusight ML pipeline: packed datasets, DVC stages (train, evaluate), ONNX export, predict."""
