#!/usr/bin/env bash
# Run every fuzz target for a bounded time (FUZZ_SECONDS, default 60) from
# the corpus kept in the repository (fuzz/corpus, minimized by fuzz/keep.sh)
# and the seeds; fail on any crash. Prints executions per target and in
# total. Needs the nightly toolchain and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
cargo +nightly fuzz build -O
total=0
for t in $(cargo +nightly fuzz list); do
  mkdir -p "corpus/$t"
  log="$(mktemp)"
  if ! cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
       -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    # What failed, and the input itself: the CI machine's artifacts folder
    # is gone when the log is read.
    grep -m3 -A4 -E "panicked at|ERROR: libFuzzer|SUMMARY:" "$log" || true
    tail -25 "$log"
    for f in "artifacts/$t"/*; do
      [ -f "$f" ] || continue
      echo "input $f ($(wc -c <"$f") bytes), base64 (first 6 KiB):"
      head -c 6144 "$f" | base64 -w 0; echo
    done
    echo "FUZZ CRASH in $t: the input is in fuzz/artifacts/$t; add it as a regression test" >&2
    exit 1
  fi
  runs=$(awk '/^stat::number_of_executed_units/ {print $2}' "$log")
  printf 'fuzz %-14s %10d executions in %ss, no crash\n' "$t" "$runs" "$seconds"
  total=$((total + runs))
done
echo "fuzz total: $total executions, 0 crashes"
