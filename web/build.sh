#!/usr/bin/env bash
# Build the web verifier into web/dist (and its page into web/page/, which
# the desk builds in): tessera-web compiled to
# wasm32-unknown-unknown (profile wasm: opt-level s, LTO, then wasm-opt), the
# wasm-bindgen glue (`--target no-modules`: a classic script, so the page
# works from file://), and index.html: the page from web/site with its style
# sheet, its scripts and the module (base64) inlined. `tessera site build`
# writes that page with the desk's trust list and status list filled in, and
# the module file beside it (for size reports).
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli of the same
# version as the wasm-bindgen crate (Cargo.lock), `npm ci` in web/tests
# (binaryen's wasm-opt), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each missing tool is named with the command that installs it here.
missing=0
want="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
have="$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')"
if [ "$have" != "$want" ]; then
  # Not --locked: wasm-bindgen-cli's own lock file names a webpki-roots
  # release the registry no longer serves.
  echo "error: wasm-bindgen-cli $want is needed (found: ${have:-none}): cargo install wasm-bindgen-cli --version $want" >&2
  missing=1
fi
if command -v rustup >/dev/null && ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "error: the wasm32-unknown-unknown target is needed: rustup target add wasm32-unknown-unknown" >&2
  missing=1
fi
wasm_opt=web/tests/node_modules/.bin/wasm-opt
if [ ! -x "$wasm_opt" ]; then
  echo "error: wasm-opt (npm binaryen, pinned in web/tests) is needed: (cd web/tests && npm ci)" >&2
  missing=1
fi
if ! command -v python3 >/dev/null; then
  echo "error: python3 is needed (it inlines the page's parts): install it (Debian/Ubuntu: sudo apt install python3)" >&2
  missing=1
fi
[ "$missing" -eq 0 ] || exit 1
# Paths remapped so the module is the same bytes from any checkout (CI
# compares a rebuild with web/page/, the copy built into the desk).
RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$PWD=/tessera --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo" \
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
# One page, one file: the style sheet and the scripts inlined (each allowed
# by its hash in the page's Content-Security-Policy, so nothing else can
# run), the module as base64 in a data block. A link costs one request, and
# the page can be saved, mailed or opened from file:// as it is.
python3 - <<'PY'
import base64, hashlib, pathlib, re, sys
dist, site = pathlib.Path("web/dist"), pathlib.Path("web/site")
html = (site / "index.html").read_text()

def digest(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

scripts, styles = [], []

def script(m):
    name = m.group(1)
    text = ((dist if name == "tessera_web.js" else site) / name).read_text()
    if "</script" in text.lower() or "<!--" in text:
        sys.exit(f"web/build.sh: {name} contains </script or <!--, which would end its inline script")
    scripts.append(digest(text))
    return "<script>" + text + "</script>"

def style(m):
    text = (site / m.group(1)).read_text()
    if "</style" in text.lower():
        sys.exit(f"web/build.sh: {m.group(1)} contains </style")
    styles.append(digest(text))
    return "<style>" + text + "</style>"

html = re.sub(r'<script src="([^"]+)"></script>', script, html)
html = re.sub(r'<link rel="stylesheet" href="([^"]+)">', style, html)
wasm = base64.b64encode((dist / "tessera_web_bg.wasm").read_bytes()).decode()
for slot, count in (("@TESSERA_WASM@", 1), ("@TESSERA_SITE@", 1), ("script-src 'self'", 1), ("style-src 'self'", 1)):
    if html.count(slot) != count:
        sys.exit(f"web/build.sh: web/site/index.html must hold {slot!r} exactly once")
html = html.replace("@TESSERA_WASM@", wasm)
html = html.replace("script-src 'self'", "script-src " + " ".join(scripts))
html = html.replace("style-src 'self'", "style-src " + " ".join(styles))
(dist / "index.html").write_text(html)
PY
# The copy the desk builds into `tessera` (`tessera site build` with no
# --assets): checked in, so the desk needs no web toolchain; CI runs this
# script and fails when web/page/ then differs from what is committed.
mkdir -p web/page
cp web/dist/index.html web/dist/tessera_web_bg.wasm web/page/
gz=$(gzip -9 -c web/dist/tessera_web_bg.wasm | wc -c)
page=$(gzip -9 -c web/dist/index.html | wc -c)
echo "web/dist: tessera_web_bg.wasm $(wc -c < web/dist/tessera_web_bg.wasm) bytes, $gz gzipped; index.html $(wc -c < web/dist/index.html) bytes, $page gzipped"
