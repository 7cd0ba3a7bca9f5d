#!/usr/bin/env bash
# `make test`: runs after `make build` (release), so the test build reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests first, against the server binary `cargo leptos build` just made: island
# names carry a hash that differs between that build and the one `cargo test` relinks, and
# a server whose island names do not match the wasm leaves every button dead.
echo "== browser tests (Chromium, 390x844; hydrated and without JavaScript)"
(cd end2end && npx playwright test)

echo "== unit and integration tests (SQLite${DATABASE_URL:+ and $DATABASE_URL})"
# The one variable cargo-leptos sets that the leptos crates are compiled with: with it the
# tests reuse `make build`'s compiled crates instead of building them again.
export LEPTOS_OUTPUT_NAME=pocket-court
cargo test --release --workspace

echo "== the browser build holds no server-only crate"
bash scripts/check-wasm-deps.sh
