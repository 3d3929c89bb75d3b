#!/usr/bin/env bash
# The README's promise on a fresh machine with only Rust, as CI can have
# one: a `git clone`, a clean build directory, a new home (no data
# directory), and a view of the machine without the PC/SC development
# files, pkg-config or the PC/SC library itself (a private mount namespace
# hides them; nothing outside it changes). Then:
#
#   1. the README's run command (`cargo run --release -p tessera`) builds
#      and opens the app on its demo issuer (in tmux), and Ctrl+Q quits it;
#   2. the release binary does not link libpcsclite (`ldd`), and
#      `tessera card check` says what to install;
#   3. `tessera site build --out DIR` writes the page with no web toolchain
#      (the page is built into the binary), and that page shows VALID for
#      the badge's `tessera share` link in headless Chromium
#      (web/tests/browser.mjs, from this checkout: a test tool).
#
# Needs root (the mount namespace), tmux, git, node with web/tests'
# node_modules, Debian's chromium. `.ci/run` runs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ "${1:-}" != "--inside" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "fresh-machine.sh: needs root, for a mount namespace that hides the PC/SC files" >&2
    exit 1
  fi
  exec unshare --mount --propagation private bash "$0" --inside
fi

fail() { echo "fresh machine: FAIL: $*" >&2; exit 1; }
step() { printf 'fresh machine: %s (%(%H:%M:%S)T)\n' "$1" -1; }

work="$(mktemp -d)"
sock="tessera-fresh-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# What a machine with only Rust lacks: the PC/SC headers, pkg-config and
# libpcsclite (the development link and the library it names).
mkdir -p "$work/empty"
hidden=()
for dir in /usr/include/PCSC; do
  [ -d "$dir" ] && mount --bind "$work/empty" "$dir" && hidden+=("$dir")
done
for file in /usr/bin/pkg-config /usr/bin/pkgconf \
  /usr/lib/*/pkgconfig/libpcsclite.pc /usr/lib/*/libpcsclite.so*; do
  [ -e "$file" ] || continue
  real="$(readlink -f "$file")"
  case " ${hidden[*]:-} " in *" $real "*) continue ;; esac
  mount --bind /dev/null "$real" && hidden+=("$real")
done
echo "fresh machine: hidden: ${hidden[*]:-nothing (not installed)}"
command -v pkg-config >/dev/null && pkg-config --exists libpcsclite 2>/dev/null \
  && fail "libpcsclite is still visible to pkg-config"

# A new home, so the app starts from nothing; cargo and rustup stay where
# they are (a machine with Rust has them).
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
export HOME="$work/home" CARGO_TARGET_DIR="$work/target"
unset TESSERA_HOME TESSERA_WEB_ASSETS XDG_DATA_HOME XDG_CONFIG_HOME
mkdir -p "$HOME"

step "git clone"
git clone -q "$root" "$work/tessera"
cd "$work/tessera"

step "the README's run command opens the app"
run_cmd="$(awk '/^## Run the app/{f=1} f && /^cargo run/{print; exit}' README.md)"
[ -n "$run_cmd" ] || fail "README.md has no run command under \"## Run the app\""
echo "fresh machine: $run_cmd"
tmux -L "$sock" new-session -d -s app -x 120 -y 40 \
  "cd '$work/tessera' && $run_cmd 2>'$work/run.err'; echo \"app exited: \$?\"; sleep 3600"
screen() { tmux -L "$sock" capture-pane -p -t app; }
# The first build compiles everything: up to 30 minutes on 2 cores.
opened=""
for _ in $(seq 1 1800); do
  if screen | grep -q "DEMO"; then opened=yes; break; fi
  if screen | grep -q "app exited"; then break; fi
  sleep 1
done
if [ -z "$opened" ]; then
  screen
  tail -20 "$work/run.err" || true
  fail "the app did not open (no DEMO issuer on its screen)"
fi
screen | head -12
tmux -L "$sock" send-keys -t app C-q
for _ in $(seq 1 30); do screen | grep -q "app exited" && break; sleep 1; done
screen | grep -q "app exited: 0" || { screen; fail "Ctrl+Q did not end the app with status 0"; }

bin="$CARGO_TARGET_DIR/release/tessera"
step "no link to libpcsclite"
ldd "$bin"
ldd "$bin" | grep -q pcsclite && fail "the binary links libpcsclite"
set +e
card="$("$bin" card check 2>&1)"
code=$?
set -e
echo "$card"
[ "$code" -ne 0 ] || fail "tessera card check succeeded without PC/SC"
echo "$card" | grep -q "sudo apt install pcscd libpcsclite1" \
  || fail "tessera card check does not say what to install"

step "a badge, the site, the share link"
"$bin" issue --recipient ada@example.org --achievement RUST-101 --out "$work/ada.cbor"
"$bin" site build --out "$work/site" --url https://badges.example.org/
link="$("$bin" share 1 | grep -o 'https://badges.example.org/#[^ ]*' | head -1)"
[ -n "$link" ] || fail "tessera share printed no verification link"
echo "fresh machine: $link"
fragment="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1].split("#", 1)[1]))' "$link")"
python3 - "$work" "$fragment" <<'PY'
import json, sys
work, fragment = sys.argv[1], sys.argv[2]
json.dump({
    "site": f"{work}/site", "screenshot": None, "bench_out": None, "bench_input": None,
    "cases": [{"name": "fresh machine: the share link", "via": "http", "locale": None,
               "fragment": fragment, "holder": None,
               "expect": {"verdict": "valid", "serial": 1, "demo": True}}],
}, open(f"{work}/cases.json", "w"))
PY
step "the page in headless Chromium"
node "$root/web/tests/browser.mjs" "$work/cases.json"
step "done: opened, no libpcsclite, site built, VALID in Chromium"
