#!/usr/bin/env bash
# Coverage-guided fuzzing of memwall's parsers with libFuzzer (Fuzz/ package).
#   Scripts/fuzz.sh [SECONDS_PER_TARGET]    default 60; CI runs 12 per target
# Seeds come from the shipped files; the growing corpus is kept in Fuzz/corpus/ (ignored by git).
# A crash, trap, leak or timeout fails the run and leaves the input in Fuzz/artifacts/; turn it
# into a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=.build-fuzz
(cd Fuzz && swift build -c release --scratch-path "../$build" -Xswiftc -sanitize=fuzzer,address >/dev/null)
bin="$build/release"

seed() { # seed TARGET FILES...
  local dir="Fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for file in "$@"; do cp -n "$file" "$dir/" 2>/dev/null || true; done
}
seed FuzzHardware HardwareSpecs/*.yaml HardwareSpecs/systems/*.yaml
seed FuzzWorkload Workloads/*.yaml Workloads/graphs/*.yaml Workloads/models/*.json
seed FuzzSuite Workloads/regression/*.yaml
seed FuzzSweep Workloads/sweeps/*.yaml
seed FuzzMeasurements Workloads/measurements/*.csv
seed FuzzPlacement Workloads/placement/*.yaml
mkdir -p Fuzz/corpus/FuzzUnits
for value in "80 GB" "80 GiB" "3.35 TB/s" "989.4 TFLOPS" "1.2 ns" "5 pJ/B" "700 W" '$2.50/h' "1.98 GHz" '$0.12/kWh'; do
  printf '%s' "$value" > "Fuzz/corpus/FuzzUnits/$(printf '%s' "$value" | md5sum | cut -c1-12)"
done
mkdir -p Fuzz/artifacts

status=0
for target in FuzzUnits FuzzHardware FuzzWorkload FuzzSuite FuzzSweep FuzzMeasurements FuzzPlacement; do
  log=$(mktemp)
  if "$bin/$target" "Fuzz/corpus/$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="Fuzz/artifacts/$target-" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED; status=1
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 >&2
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  echo "fuzz: $target $result: ${runs:-0} executions in ${seconds} s, coverage ${coverage:-0} edges, corpus $(ls "Fuzz/corpus/$target" | wc -l) inputs"
  rm -f "$log"
done
exit $status
