#!/usr/bin/env bash
# Cargo runner for the kiosk (see .cargo/config.toml): runs the ELF in QEMU
# (mps2-an386, Cortex-M4) with semihosting and decodes its defmt log with
# defmt-print. The kiosk reads trust.bin, status.cbor, cards.txt and the
# card dumps from the current folder; without a cards.txt there, the test
# set is made in a temporary folder first (tessera-make-cards).
set -euo pipefail
elf="$(realpath "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -f cards.txt ]; then
  dir="$(mktemp -d)"
  (cd "$here/.." && cargo run -q -p tessera-tests --bin tessera-make-cards -- "$dir")
  cd "$dir"
  echo "card images: $dir"
fi
qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
  -semihosting-config enable=on,target=native -kernel "$elf" \
  | defmt-print -e "$elf"
echo "verdicts written to $(pwd)/results.txt"
