#!/usr/bin/env bash
# Build the web verifier's assets into web/dist: tessera-web compiled to
# wasm32-unknown-unknown (profile wasm: opt-level s, LTO), the wasm-bindgen glue
# (`--target no-modules`: classic scripts, so the page works from file://),
# the module once more as base64 in a script (file:// pages cannot fetch),
# and the page's static files from web/site. `tessera site build` copies
# web/dist and adds the desk's trust list and status list.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli of the same
# version as the wasm-bindgen crate (Cargo.lock), `npm ci` in web/tests
# (binaryen's wasm-opt), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
want="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
if [ "$have" != "$want" ]; then
  echo "error: wasm-bindgen-cli $want is needed (found: ${have:-none}): cargo install wasm-bindgen-cli --version $want --locked" >&2
  exit 1
fi
wasm_opt=web/tests/node_modules/.bin/wasm-opt
if [ ! -x "$wasm_opt" ]; then
  echo "error: wasm-opt (npm binaryen, pinned in web/tests) is needed: (cd web/tests && npm ci)" >&2
  exit 1
fi
cargo build --profile wasm --target wasm32-unknown-unknown -p tessera-web
rm -rf web/dist
mkdir -p web/dist
wasm-bindgen --target no-modules --no-typescript --out-dir web/dist \
  target/wasm32-unknown-unknown/wasm/tessera_web.wasm
# binaryen's size optimiser: about 12 % smaller gzipped than the compiler's
# output alone (measured in BENCHMARKS.md).
"$wasm_opt" -Os --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals \
  web/dist/tessera_web_bg.wasm -o web/dist/tessera_web_bg.wasm
cp web/site/* web/dist/
python3 - <<'PY'
import base64, pathlib
wasm = pathlib.Path("web/dist/tessera_web_bg.wasm").read_bytes()
pathlib.Path("web/dist/tessera_wasm.js").write_text(
    "// The verifier module, base64: a page opened from file:// cannot fetch it.\n"
    "window.TESSERA_WASM = \"" + base64.b64encode(wasm).decode() + "\";\n")
PY
gz=$(gzip -9 -c web/dist/tessera_web_bg.wasm | wc -c)
echo "web/dist: tessera_web_bg.wasm $(wc -c < web/dist/tessera_web_bg.wasm) bytes, $gz gzipped"
