#!/usr/bin/env bash
# GPU check: which PyTorch natives DJL finds, then a few ResNet-18 training steps (plain and PGD-AT) on CUDA
# with their images/s. Self-contained: builds the project if needed. Run from anywhere on an NVIDIA machine:
#   ci/gpu-check.sh                  # uses the CUDA natives already in ~/.djl.ai (or lets DJL fetch them)
#   PYTORCH_FLAVOR=cu124 ci/gpu-check.sh
# Exit code: 0 when the steps ran on a GPU, 1 otherwise (the log says why).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$(mktemp -t gpu-check.XXXXXX.log)"

echo "== GPU and driver"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else
  echo "nvidia-smi not found: no NVIDIA driver on this machine"
fi

echo "== PyTorch natives in ${DJL_CACHE_DIR:-$HOME/.djl.ai}/pytorch"
ls -1 "${DJL_CACHE_DIR:-$HOME/.djl.ai}/pytorch" 2>/dev/null || echo "(none unpacked yet)"
echo "PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-<unset: DJL picks cpu or the CUDA flavor it detects>}"

echo "== ResNet-18 training steps on the GPU (batch 128, 5 timed steps each)"
# Offline off, so that DJL may fetch the CUDA natives matching PYTORCH_FLAVOR on first use.
JAVA_OPTS="${JAVA_OPTS:--Xmx8g} -Dai.djl.offline=false" DNNL_MAX_CPU_ISA="${DNNL_MAX_CPU_ISA:-ALL}" \
  "$root/defense-bench" bench --arch resnet18 --throughput --device gpu --batch 128 --throughput-steps 5 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

echo "== Natives DJL loaded"
grep -E "Found matching platform|Downloading|libtorch|CUDA|cuda" "$log" | sort -u || true
if [[ $status -eq 0 ]] && grep -q "device gpu" "$log"; then
  echo "GPU check: OK"
  exit 0
fi
echo "GPU check: FAILED (exit $status); full log: $log"
exit 1
