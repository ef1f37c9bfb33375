#!/usr/bin/env bash
# Profiles one real-scale row on both sides, one after the other (docs/benchmarks.md, "Real-scale rows"): defense-bench
# through ProfileScale.java (compiled here against the harness that ./defense-bench built, run with the launcher's
# kernel choices and OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE unless set), then PyTorch 1.13 (/usr/bin/python3)
# through profile_scale.py on ONNX, the weights `bench --mode scale --save-onnx` wrote; then the per-operator table.
#   docs/bench/profile/profile.sh ONNX ARCH plain|pgd BATCH REPS OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
if [[ $# -ne 6 ]]; then
  echo "usage: $0 ONNX ARCH plain|pgd BATCH REPS OUT_DIR" >&2
  exit 2
fi
onnx="$1" arch="$2" row="$3" batch="$4" reps="$5" out="$6"
app="$root/harness/app/target"
cp="$app/harness-app-0.1.0-SNAPSHOT.jar:$app/lib/*"
if [[ ! -f "$app/harness-app-0.1.0-SNAPSHOT.jar" || ! -f "$onnx" ]]; then
  echo "$0: build the harness first (./defense-bench --help) and write $onnx with bench --mode scale --save-onnx" >&2
  exit 2
fi
mkdir -p "$out/classes"
javac -nowarn -d "$out/classes" -cp "$cp" "$here/ProfileScale.java"
kernels="$(java -Dai.djl.offline=true -cp "$cp" dev.defensebench.kernels.KernelProbe)"
DNNL_MAX_CPU_ISA="$(sed -n 1p <<<"$kernels")"
shim="$(sed -n 2p <<<"$kernels")"
export DNNL_MAX_CPU_ISA OPT_OUT_TRACKING=true DJL_OFFLINE=true
export ONEDNN_PRIMITIVE_CACHE_CAPACITY="${ONEDNN_PRIMITIVE_CACHE_CAPACITY:-256}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"
LD_PRELOAD="$shim${LD_PRELOAD:+:$LD_PRELOAD}" java -Xmx8g -Dai.djl.offline=true -cp "$cp:$out/classes" \
  dev.defensebench.app.cli.ProfileScale "$arch" "$row" "$batch" "$reps" "$out/defense-bench.json" 2>&1 | grep -v "WARN\|INFO"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"
(cd /tmp && /usr/bin/python3 "$here/profile_scale.py" "$onnx" "$row" "$batch" "$reps" "$out/pytorch.json")
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"
/usr/bin/python3 "$here/operators.py" "defense-bench=$out/defense-bench.json:$reps" "PyTorch 1.13=$out/pytorch.json:$reps"
