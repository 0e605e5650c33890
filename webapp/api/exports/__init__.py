"""Export jobs API: ONNX artifacts of trained models, checked against PyTorch, for devices."""
