#!/usr/bin/env bash
# Regenerates every example in Reports/ from the shipped hardware and workloads.
#   Scripts/regenerate-reports.sh           rewrite Reports/
#   Scripts/regenerate-reports.sh --check   regenerate into a temporary folder and fail if Reports/ differs
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
if [ "${1:-}" = "--check" ]; then check=true; fi

swift build --product memwall >/dev/null
memwall="$(swift build --show-bin-path)/memwall"
out=Reports
if $check; then out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

run() { # run EXPECTED_STATUS memwall-args...
  local expected=$1; shift
  local status=0
  "$memwall" "$@" || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "regenerate-reports: 'memwall $*' exited $status, expected $expected" >&2
    exit 1
  fi
}

h100=HardwareSpecs/nvidia-h100-sxm-80gb.yaml
a100=HardwareSpecs/nvidia-a100-sxm4-40gb.yaml
for format in table csv json; do
  ext=$format; [ "$format" = table ] && ext=txt
  run 0 analyze --hardware $h100 --workload Workloads/llama-3-8b-decode.yaml --format $format --output "$out/llama-3-8b-decode-h100.$ext"
done
run 0 analyze --hardware $h100 --workload Workloads/llama-3-8b-prefill.yaml --output "$out/llama-3-8b-prefill-h100.txt"
run 0 analyze --hardware $h100 --workload Workloads/mixtral-8x7b-decode.yaml --format json --output "$out/mixtral-8x7b-decode-h100.json"
run 0 analyze --hardware $a100 --workload Workloads/graphs/gpt2-block.yaml --format csv --output "$out/gpt2-block-a100-40gb.csv"
# Llama-3-70B in bf16 does not fit one 80 GB H100: the report is written and memwall exits 1.
run 1 analyze --hardware $h100 --workload Workloads/llama-3-70b-decode.yaml --output "$out/llama-3-70b-decode-h100-does-not-fit.txt" 2>/dev/null
run 0 roofline --hardware $h100 --workload Workloads/llama-3-8b-prefill.yaml --output "$out/roofline-llama-3-8b-prefill-h100.svg"
run 0 roofline --hardware $h100 --workload Workloads/llama-3-8b-decode.yaml --set batch=64 --output "$out/roofline-llama-3-8b-decode-b64-h100.svg"
run 0 roofline --hardware $a100 --workload Workloads/graphs/gpt2-block.yaml --output "$out/roofline-gpt2-block-a100-40gb.svg"
# Long-context prefill: standard attention is HBM-bound, FlashAttention-2 compute-bound.
for attention in standard flash2; do
  run 0 analyze --hardware $h100 --workload Workloads/llama-3-8b-prefill.yaml --set seq_len=32768 --attention $attention \
    --output "$out/llama-3-8b-prefill-32k-$attention-h100.txt"
done
# IO per tier boundary, and sweeps against fast memory and sequence length.
run 0 io --kernel attention --seq 8192 --heads 32 --kv-heads 8 --causal --hardware $h100 --output "$out/io-attention-8k-h100.txt"
run 0 io --kernel attention --seq 4096 --head-dim 64 --sweep-fast-memory 16KiB:16MiB \
  --output "$out/io-attention-vs-fast-memory.csv" --plot "$out/io-attention-vs-fast-memory.svg"
run 0 io --kernel attention --head-dim 128 --fast-memory 192KiB --sweep-seq 512:65536:8 --causal \
  --output "$out/io-attention-vs-seq.csv" --plot "$out/io-attention-vs-seq.svg"
run 0 io --kernel gemm --m 4096 --k 4096 --n 4096 --hardware $h100 --output "$out/io-gemm-4096-h100.txt"
# Every kind of hardware: the shipped list, and one decode step compared across devices.
run 0 specs list > "$out/specs-list.txt"
run 0 compare --workload Workloads/llama-3-8b-decode.yaml --set batch=16 \
  --hardware nvidia-a100-sxm4-80gb nvidia-h100-sxm-80gb nvidia-h200-sxm-141gb amd-mi300x google-tpu-v4 google-tpu-v5e \
    huawei-ascend-910b sambanova-sn40l samsung-hbm-pim-gpu attacc-system duplex-logic-pim sk-hynix-gddr6-aim \
  --output "$out/compare-llama-3-8b-decode-b16.txt" --plot "$out/compare-llama-3-8b-decode-b16.svg"
run 0 compare --workload Workloads/llama-3-8b-decode.yaml --set weight_dtype=int4 --set activation_dtype=int8 --set kv_dtype=int8 \
  --hardware amd-alveo-u280 amd-versal-vhk158 --format csv --output "$out/compare-fpga-llama-3-8b-w4a8.csv"
# Tensor placement (issue 9): the shipped scenarios. Solve time is left out and the large scenarios stop
# after one branch-and-bound node (--node-limit), so the files are the same on every run and machine speed.
placement=Workloads/placement
run 0 place --scenario $placement/cosma-gpt2-block-sram.yaml --omit-solve-time --output "$out/placement-cosma-gpt2-block-sram.txt" \
  --timeline "$out/placement-cosma-gpt2-block-sram.svg"
run 0 place --scenario $placement/cosma-gpt2-block-sram.yaml --omit-solve-time --format json --output "$out/placement-cosma-gpt2-block-sram.json"
for scenario in flexgen-llama-3-8b-decode flexgen-llama-3-8b-decode-4tier sn40l-mixtral-8x7b-experts; do
  run 0 place --scenario $placement/$scenario.yaml --omit-solve-time --node-limit 1 --time-limit 600 \
    --output "$out/placement-$scenario.txt" --timeline "$out/placement-$scenario.svg"
done

# Capacity planning: serving across context lengths, the KV-cache wall, one estimate and one plan.
run 0 sweep Workloads/sweeps/llama-3-70b-serving.yaml --output "$out/sweep-llama-3-70b-serving.csv" \
  --plot "$out/sweep-llama-3-70b-serving-tpot.svg"
run 0 sweep Workloads/sweeps/kv-cache-wall.yaml --output "$out/sweep-kv-cache-wall.csv" --plot "$out/sweep-kv-cache-wall.svg"
run 0 serve --hardware $h100 --workload Workloads/llama-3-70b-decode.yaml --tp 4 --output "$out/serve-llama-3-70b-h100-tp4.txt"
run 0 plan --workload Workloads/llama-3-70b-decode.yaml --slo ttft=1s,tpot=50ms,throughput=5000 --output "$out/plan-llama-3-70b.txt"
# Calibration against published measurements (Workloads/measurements/): the pure roofline's error, a fit with
# its parameters and residuals, the held-out (5-fold) error, and the calibrated file against another source.
meas=Workloads/measurements
run 0 validate --hardware $h100 --measurements $meas/h100-gemm-xla.csv --output "$out/validate-roofline-h100-gemm.txt"
run 0 calibrate --hardware $h100 --measurements $meas/h100-gemm-xla.csv \
  --output "$out/nvidia-h100-sxm-80gb-calibrated.yaml" --report "$out/calibrate-h100-gemm.txt"
run 0 validate --hardware $h100 --measurements $meas/h100-gemm-xla.csv --holdout --output "$out/validate-holdout-h100-gemm.txt"
run 0 validate --hardware "$out/nvidia-h100-sxm-80gb-calibrated.yaml" --measurements $meas/h100-gemm-mamf.csv \
  --output "$out/validate-calibrated-h100-on-mamf.txt"
# Fitted on b=1 only, checked on the batched (b=2, 4) GEMMs it never saw; then 5-fold over all 375.
run 0 validate --hardware "$out/nvidia-h100-sxm-80gb-calibrated.yaml" --measurements $meas/h100-gemm-xla-batched.csv \
  --output "$out/validate-calibrated-h100-on-batched.txt"
run 0 validate --hardware $h100 --measurements $meas/h100-gemm-xla.csv $meas/h100-gemm-xla-batched.csv --holdout \
  --format csv --output "$out/validate-holdout-h100-gemm-all.csv"
run 0 validate --hardware $h100 --measurements $meas/h100-gemm-xla.csv $meas/h100-gemm-xla-batched.csv --holdout \
  --output "$out/validate-holdout-h100-gemm-all.txt"
# H100 FP8 GEMMs from a later version of the same table: 6 of its 125 rows beat the dense FP8 peak (memwall warns on
# standard error), so they are validated on their own and kept out of the kernel fits below.
run 0 validate --hardware $h100 --measurements $meas/h100-gemm-xla-fp8.csv --output "$out/validate-roofline-h100-gemm-fp8.txt" 2>/dev/null
run 0 validate --hardware $h100 --measurements $meas/h100-gemm-xla-fp8.csv --holdout \
  --output "$out/validate-holdout-h100-gemm-fp8.txt" 2>/dev/null
# MI300X-class (gfx942) GEMMs from the ROCm/xla fork's table: the same flow as the H100 ones. parallel_units comes
# from the file's 304 CUs (its first tier, the per-CU register file).
mi300x=HardwareSpecs/amd-mi300x.yaml
run 0 validate --hardware $mi300x --measurements $meas/mi300x-gemm-xla.csv --output "$out/validate-roofline-mi300x-gemm.txt"
run 0 calibrate --hardware $mi300x --measurements $meas/mi300x-gemm-xla.csv \
  --output "$out/amd-mi300x-calibrated.yaml" --report "$out/calibrate-mi300x-gemm.txt"
run 0 validate --hardware $mi300x --measurements $meas/mi300x-gemm-xla.csv --holdout --folds 5 \
  --output "$out/validate-holdout-mi300x-gemm.txt"
run 0 validate --hardware "$out/amd-mi300x-calibrated.yaml" --measurements $meas/mi300x-gemm-xla-batched.csv \
  --output "$out/validate-calibrated-mi300x-on-batched.txt"
run 0 validate --hardware $mi300x --measurements $meas/mi300x-gemm-xla.csv $meas/mi300x-gemm-xla-batched.csv --holdout \
  --output "$out/validate-holdout-mi300x-gemm-all.txt"
a100_80=HardwareSpecs/nvidia-a100-sxm4-80gb.yaml
run 0 validate --hardware $a100_80 --measurements $meas/a100-attention-fa2.csv --output "$out/validate-roofline-a100-attention.txt"
run 0 validate --hardware $a100_80 --measurements $meas/a100-attention-fa2.csv --holdout --format csv \
  --output "$out/validate-holdout-a100-attention.csv"
run 0 validate --hardware $a100_80 --measurements $meas/a100-attention-fa2.csv --holdout --output "$out/validate-holdout-a100-attention.txt"
# A100 FP16 GEMMs (cuBLAS, Triton issue #3551): the pure roofline and 5-fold held out.
run 0 validate --hardware $a100_80 --measurements $meas/a100-gemm-triton-issue3551.csv --output "$out/validate-roofline-a100-gemm.txt"
run 0 validate --hardware $a100_80 --measurements $meas/a100-gemm-triton-issue3551.csv --holdout --output "$out/validate-holdout-a100-gemm.txt"
# H100 attention from the FlashAttention-3 paper (Fig. 5): FlashAttention-3 and FlashAttention-2, each fitted and held out on
# its own; H100 decode attention (onnxruntime PR #21414, 9 rows, so 3 folds).
for kernel in fa3 fa2; do
  run 0 validate --hardware $h100 --measurements $meas/h100-attention-$kernel.csv --output "$out/validate-roofline-h100-attention-$kernel.txt"
  run 0 validate --hardware $h100 --measurements $meas/h100-attention-$kernel.csv --holdout --format csv \
    --output "$out/validate-holdout-h100-attention-$kernel.csv"
  run 0 validate --hardware $h100 --measurements $meas/h100-attention-$kernel.csv --holdout --output "$out/validate-holdout-h100-attention-$kernel.txt"
done
run 0 validate --hardware $h100 --measurements $meas/h100-decode-attention-ort.csv --output "$out/validate-roofline-h100-decode-attention.txt"
run 0 validate --hardware $h100 --measurements $meas/h100-decode-attention-ort.csv --holdout --folds 3 --format csv \
  --output "$out/validate-holdout-h100-decode-attention.csv"
run 0 validate --hardware $h100 --measurements $meas/h100-decode-attention-ort.csv --holdout --folds 3 \
  --output "$out/validate-holdout-h100-decode-attention.txt"

# Whole-model steps (model rows: TensorRT-LLM v0.5 first-token latency, gpt-fast decode), too few to fit on: the pure
# roofline, and the prediction of a file calibrated on the kernel families only (GEMM, attention, decode attention),
# never on a model row: the held-out figure for whole models.
run 0 validate --hardware $a100_80 --measurements $meas/a100-model.csv --output "$out/validate-roofline-a100-model.txt"
run 0 calibrate --hardware $a100_80 --measurements $meas/a100-attention-fa2.csv $meas/a100-gemm-mamf.csv $meas/a100-gemm-triton-issue3551.csv \
  --output "$out/nvidia-a100-sxm4-80gb-calibrated-kernels.yaml" --report "$out/calibrate-a100-kernels.txt"
run 0 validate --hardware "$out/nvidia-a100-sxm4-80gb-calibrated-kernels.yaml" --measurements $meas/a100-model.csv \
  --output "$out/validate-kernels-calibrated-a100-on-model.txt"
run 0 validate --hardware $h100 --measurements $meas/h100-model.csv --output "$out/validate-roofline-h100-model.txt"
run 0 calibrate --hardware $h100 --measurements $meas/h100-gemm-xla.csv $meas/h100-attention-fa2.csv \
  $meas/h100-decode-attention-ort.csv --output "$out/nvidia-h100-sxm-80gb-calibrated-kernels.yaml" \
  --report "$out/calibrate-h100-kernels.txt"
run 0 validate --hardware "$out/nvidia-h100-sxm-80gb-calibrated-kernels.yaml" --measurements $meas/h100-model.csv \
  --output "$out/validate-kernels-calibrated-h100-on-model.txt"

if $check; then
  if ! diff -r -u Reports "$out" >&2; then
    echo "regenerate-reports: Reports/ is out of date; run Scripts/regenerate-reports.sh and commit the result" >&2
    exit 1
  fi
  echo "regenerate-reports: Reports/ is up to date ($(ls "$out" | wc -l) files)"
fi
