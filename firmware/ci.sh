#!/usr/bin/env bash
# Firmware CI: build both kiosks (QEMU and nRF52840 + PN532), run the QEMU
# kiosk on the card test set, check every verdict, and print the measured
# costs: instructions per verify (QEMU TCG plugin counting between the
# bench_start/bench_end markers), stack used by verify (painted stack),
# flash and static RAM (llvm-size). Needs: qemu-system-arm, gcc, the rustup
# target thumbv7em-none-eabihf and component llvm-tools, defmt-print.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd .. && pwd)"
target="$root/target/thumbv7em-none-eabihf/firmware"
bin_dir="$(dirname "$(find "$(rustc --print sysroot)" -name llvm-size | head -1)")"

cargo build --profile firmware --bin kiosk-qemu
cargo build --profile firmware --no-default-features --features nrf52840 --bin kiosk-nrf52840
cargo clippy --profile firmware --bin kiosk-qemu -- -D warnings
cargo clippy --profile firmware --no-default-features --features nrf52840 --bin kiosk-nrf52840 -- -D warnings

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$root" && cargo run -q -p tessera-tests --bin tessera-make-cards -- "$work/cards")
gcc -shared -fPIC -O2 -o "$work/libinsncount.so" "$root/../shared/tools/qemu-insncount/insncount.c" 2>/dev/null \
  || gcc -shared -fPIC -O2 -o "$work/libinsncount.so" "$root/firmware/tools/insncount.c"
elf="$target/kiosk-qemu"
start=$("$bin_dir/llvm-nm" "$elf" | awk '/ bench_start$/{print "0x"$1}')
end=$("$bin_dir/llvm-nm" "$elf" | awk '/ bench_end$/{print "0x"$1}')
(cd "$work/cards" && timeout 600 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
   -semihosting-config enable=on,target=native \
   -plugin "$work/libinsncount.so,addr0=$start,addr1=$end" -d plugin -kernel "$elf" \
   > "$work/defmt.bin" 2> "$work/marks.txt")
echo "--- kiosk log (defmt, decoded with defmt-print) ---"
defmt-print -e "$elf" < "$work/defmt.bin"

echo "--- verdicts ---"
fail=0
check_verdicts() {
  while read -r name want; do
    got=$(awk -v n="$name" '$1 == n {print $2}' "$1/results.txt")
    if [ "$got" = "$want" ]; then echo "ok    $name: $got"; else echo "FAIL  $name: got '${got:-nothing}', want $want"; fail=1; fi
  done < "$1/expected.txt"
}
check_verdicts "$work/cards"
# The same cards with the first status list damaged: the kiosk fails closed.
(cd "$work/cards/damaged" && timeout 600 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
   -semihosting-config enable=on,target=native -kernel "$elf" > "$work/defmt-damaged.bin" 2>/dev/null)
echo "--- verdicts with a damaged status list (fail closed) ---"
defmt-print -e "$elf" < "$work/defmt-damaged.bin" | grep -i "status list" || true
check_verdicts "$work/cards/damaged"
# The same cards at a kiosk configured to take lists no older than a day
# (the lists are older than that): out of date, never VALID.
(cd "$work/cards/stale" && timeout 600 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
   -semihosting-config enable=on,target=native -kernel "$elf" > "$work/defmt-stale.bin" 2>/dev/null)
echo "--- verdicts with status lists older than the kiosk's configured age ---"
defmt-print -e "$elf" < "$work/defmt-stale.bin" | grep -i "older than\|out of date" | head -3 || true
check_verdicts "$work/cards/stale"

# The desk walk of app/tests/key_lifecycle.rs (issue, revoke, suspend and
# reinstate, rotate, revoke an old-key badge, a stolen key declared
# compromised, then distrusted): each step's exported trust.bin and
# status.cbor and its badges on cards, read by this kiosk, which must give
# the verdicts the desk and the page gave.
walk="$work/walk"
# Then the hostile corpus of the same test file (forged, relabelled,
# malformed, not yet valid, expired, escape codes, strangers' keys): the
# verdicts desk and page gave.
(cd "$root" && TESSERA_KIOSK_WALK="$walk" cargo test -q -p tessera --test key_lifecycle -- \
   revocations_hold_across_a_key_rotation a_hostile_corpus_gets_one_verdict >/dev/null)
echo "--- the desk walk's steps at the QEMU kiosk ---"
steps=0
for step in "$walk"/step*; do
  (cd "$step" && timeout 600 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
     -semihosting-config enable=on,target=native -kernel "$elf" > /dev/null 2>&1)
  echo "$(basename "$step"): $(awk '{ $1 = ""; printf "%s;", $0 }' "$step/labels.txt")"
  check_verdicts "$step"
  steps=$((steps + 1))
done
[ "$steps" -ge 6 ] || { echo "FAIL  the desk walk wrote $steps kiosk steps, expected at least 6"; fail=1; }

echo "--- measured costs (Cortex-M4, QEMU mps2-an386, profile firmware: opt-level z, LTO) ---"
{ echo status-list; cat "$work/cards/cards.txt"; } > "$work/measured.txt"
grep '^MARK' "$work/marks.txt" | awk '{split($3, a, "="); print a[2]}' | paste - - \
  | paste "$work/measured.txt" - \
  | while read -r name s e; do
      stack=$(awk -v n="$name" '$1 == n {print $4}' "$work/cards/results.txt")
      [ "$name" = status-list ] && name="status list (65,536 serials)"
      printf '%-26s %9d instructions  %5d bytes of stack\n' "$name" $((e - s)) "$stack"
    done
for f in kiosk-qemu kiosk-nrf52840; do
  "$bin_dir/llvm-size" -A "$target/$f" | awk -v f="$f" '
    $1 == ".vector_table" || $1 == ".text" || $1 == ".rodata" {flash += $2}
    $1 == ".data" {flash += $2; ram += $2} $1 == ".bss" || $1 == ".uninit" {ram += $2}
    END {printf "%-15s flash %6d bytes (vectors + text + rodata + data), static RAM %6d bytes\n", f, flash, ram}'
done
"$bin_dir/llvm-nm" --size-sort -S -C --radix=d "$target/kiosk-nrf52840" | awk '
  $3 ~ /[tTrR]/ && ($4 ~ /tessera_core|ed25519_compact|minicbor/ || $0 ~ /tessera_core|ed25519_compact|minicbor/) {s += $2}
  END {printf "verifier code in the nRF52840 image (tessera_core + ed25519_compact + minicbor symbols): %d bytes\n", s}'

echo "--- alternative: salty (firmware feature salty, opt-level 3) on the same signed bytes ---"
cargo build --profile firmware --features salty --bin kiosk-qemu
start=$("$bin_dir/llvm-nm" "$elf" | awk '/ salty_start$/{print "0x"$1}')
end=$("$bin_dir/llvm-nm" "$elf" | awk '/ salty_end$/{print "0x"$1}')
(cd "$work/cards" && timeout 600 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
   -semihosting-config enable=on,target=native \
   -plugin "$work/libinsncount.so,addr0=$start,addr1=$end" -d plugin -kernel "$elf" \
   > /dev/null 2> "$work/salty-marks.txt")
grep '^salty-' "$work/cards/results.txt" > "$work/salty.txt"
grep '^MARK' "$work/salty-marks.txt" | awk '{split($3, a, "="); print a[2]}' | paste - - | paste "$work/salty.txt" - \
  | while read -r _ verdict bytes stack s e; do
      printf 'salty verify of %3d signed bytes: %s, %9d instructions  %5d bytes of stack\n' "$bytes" "$verdict" $((e - s)) "$stack"
    done
grep -q '^salty-[0-9]* forged' "$work/salty.txt" && { echo "FAIL  salty rejected a valid badge"; fail=1; }
# Leave the default kiosk built.
cargo build --profile firmware --bin kiosk-qemu
exit $fail
