#!/usr/bin/env bash
# Proves the training path on a GPU machine that has torch but none of the platform's services:
# the pipelines tests (CUDA ones included: classifier and detector), and the train-stage throughput
# of both against a bare loop of the same model on the same device-resident data.
# Usage (repository root): bash scripts/gpu_check.sh [OUT_DIR]
set -uo pipefail
out=${1:-gpu-check}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  python3 -c 'import torch, onnxruntime, onnx; print("torch", torch.__version__, "cuda", torch.version.cuda, "ort", onnxruntime.__version__, "onnx", onnx.__version__)'
} 2>&1 | tee "$out/env.txt"
# tests/conftest.py imports the web app and test_dvc.py needs dvc, which this machine lacks.
python3 -m pytest tests/pipelines --confcutdir=tests/pipelines --ignore=tests/pipelines/test_dvc.py -p no:cacheprovider -q -rs -s \
  --timeout=300 2>&1 | tee "$out/pytest.txt"
for size in 32 64; do
  python3 -m benchmarks.train_throughput --device cuda --image-size "$size" 2>&1 | tee -a "$out/throughput.txt"
done
python3 -m benchmarks.train_throughput --device cuda --image-size 64 --width 32 --depth 2 2>&1 \
  | tee -a "$out/throughput.txt"
for size in 64 128; do
  python3 -m benchmarks.detect_throughput --device cuda --image-size "$size" 2>&1 | tee -a "$out/throughput.txt"
done
