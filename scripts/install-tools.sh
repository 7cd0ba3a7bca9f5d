#!/usr/bin/env bash
# Installs what building and testing need, from package registries only, skipping what is
# already there: the wasm target, cargo-leptos, the wasm-bindgen CLI matching Cargo.lock,
# npm packages (Playwright, binaryen's wasm-opt), and Debian's Chromium, brotli, fonts and
# poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.11 needs rustc 1.96; 0.3.10 builds here. no_downloads: it uses the
# wasm-bindgen and wasm-opt on PATH instead of fetching binaries.
if ! cargo leptos --version 2>/dev/null | grep -q ' 0\.3\.10'; then
  say "installing cargo-leptos 0.3.10 (about 12 minutes on 2 cores)"
  cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly. (--locked fails for
# 0.2.130: its lock names a webpki-roots version the registry lacks.)
wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
  say "installing wasm-bindgen-cli $wb"
  cargo install wasm-bindgen-cli --version "$wb" --force
fi

# leptosfmt formats the view! macros (rustfmt leaves them alone); `make lint` checks it.
if ! leptosfmt --version 2>/dev/null | grep -q '0\.1\.33'; then
  say "installing leptosfmt 0.1.33 (about 2 minutes)"
  cargo install leptosfmt --version 0.1.33 --locked
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v brotli >/dev/null || missing+=(brotli)
command -v wrk >/dev/null || missing+=(wrk)
command -v psql >/dev/null || missing+=(postgresql-client)  # browser tests on PostgreSQL
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || missing+=(poppler-utils)  # PDF notices' tests read them back
if [ ${#missing[@]} -gt 0 ]; then
  say "installing from Debian: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Playwright (never `playwright install`: it downloads browsers) and binaryen. Debian's
# binaryen 108 silently breaks the wasm; npm's 132 works.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ]; then
  say "installing npm packages for end2end"
  (cd end2end && npm ci --no-audit --no-fund)
fi
