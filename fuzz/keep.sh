#!/usr/bin/env bash
# Fuzz every target for FUZZ_SECONDS (default 600) from the corpus kept in
# the repository (fuzz/ci.sh: fuzz/corpus/TARGET with fuzz/seeds/TARGET),
# then minimize each corpus in place (libFuzzer's merge: the fewest inputs
# that reach the same coverage) and add the run's executions to
# fuzz/executions.tsv. Commit fuzz/corpus and fuzz/executions.tsv
# afterwards: the next run, in CI or here, starts where this one stopped.
# Needs the nightly toolchain and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-600}"
log="$(mktemp)"
FUZZ_SECONDS="$seconds" bash ci.sh | tee "$log"
commit="$(git rev-parse --short HEAD)"
[ -f executions.tsv ] || printf 'date\tcommit\ttarget\tseconds\texecutions\tcorpus\n' > executions.tsv
# ci.sh prints `fuzz TARGET N executions in …` for each target it ran.
awk '$1 == "fuzz" && $4 == "executions" { print $2, $3 }' "$log" | while read -r t runs; do
  minimized="$(mktemp -d)"
  cargo +nightly fuzz run -O "$t" "$minimized" "corpus/$t" -- -merge=1 >"$log.merge" 2>&1 \
    || { tail -20 "$log.merge"; exit 1; }
  rm -rf "corpus/$t"
  mkdir -p "corpus/$t"
  cp "$minimized"/* "corpus/$t"/ 2>/dev/null || true
  rm -rf "$minimized"
  kept=$(find "corpus/$t" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$commit" "$t" "$seconds" "$runs" "$kept" >> executions.tsv
  printf 'corpus %-14s minimized to %d inputs\n' "$t" "$kept"
done
echo "cumulative executions per target (fuzz/executions.tsv):"
awk -F'\t' 'NR > 1 { n[$3] += $5 } END { for (t in n) printf "  %-14s %12d\n", t, n[t] }' executions.tsv | sort
