#!/usr/bin/env bash
# Fuzz every target for FUZZ_SECONDS (default 600) from the corpus kept in
# the repository (fuzz/corpus/TARGET, with fuzz/seeds/TARGET), minimize the
# corpus in place (libFuzzer's merge: the fewest inputs that reach the
# same coverage), and add the run's executions to fuzz/executions.tsv. Commit
# fuzz/corpus and fuzz/executions.tsv afterwards: the next run, in CI or
# here, starts where this one stopped. fuzz/ci.sh runs the same targets for
# a minute each from the same corpus and fails on any crash.
# Needs the nightly toolchain and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-600}"
cargo +nightly fuzz build -O
commit="$(git rev-parse --short HEAD)"
[ -f executions.tsv ] || printf 'date\tcommit\ttarget\tseconds\texecutions\tcorpus\n' > executions.tsv
for t in $(cargo +nightly fuzz list); do
  mkdir -p "corpus/$t"
  log="$(mktemp)"
  if ! cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
       -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    grep -m3 -A4 -E "panicked at|ERROR: libFuzzer|SUMMARY:" "$log" || true
    echo "FUZZ CRASH in $t: the input is in fuzz/artifacts/$t; add it as a regression test" >&2
    exit 1
  fi
  runs=$(awk '/^stat::number_of_executed_units/ {print $2}' "$log")
  # libFuzzer's merge: the fewest inputs of the corpus that reach the same
  # coverage (what `cargo fuzz cmin` does, with the build `run` just used).
  minimized="$(mktemp -d)"
  cargo +nightly fuzz run -O "$t" "$minimized" "corpus/$t" -- -merge=1 >"$log" 2>&1 || { tail -20 "$log"; exit 1; }
  rm -rf "corpus/$t"
  mkdir -p "corpus/$t"
  cp "$minimized"/* "corpus/$t"/ 2>/dev/null || true
  rm -rf "$minimized"
  kept=$(find "corpus/$t" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$commit" "$t" "$seconds" "$runs" "$kept" >> executions.tsv
  printf 'fuzz %-14s %10d executions in %ss; corpus minimized to %d inputs\n' "$t" "$runs" "$seconds" "$kept"
done
echo "cumulative executions per target (fuzz/executions.tsv):"
awk -F'\t' 'NR > 1 { n[$3] += $5 } END { for (t in n) printf "  %-14s %12d\n", t, n[t] }' executions.tsv | sort
