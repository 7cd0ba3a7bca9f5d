#!/usr/bin/env bash
# `make test`: runs after `make build` (release), so the test build reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests first, against the server binary `cargo leptos build` just made: island
# names carry a hash that differs between that build and the one `cargo test` relinks, and
# a server whose island names do not match the wasm leaves every button dead.
echo "== browser tests on SQLite (Chromium, 390x844; hydrated and without JavaScript)"
(cd end2end && env -u E2E_DATABASE_URL npx playwright test)

# The same browser suite on PostgreSQL, in a database made for this run (never the one
# DATABASE_URL names: the test server loads the demo court into it).
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*)
    e2e_db="pocket_court_e2e_$$"
    admin="${DATABASE_URL%/*}/postgres"
    psql "$admin" -qc "CREATE DATABASE $e2e_db" >/dev/null
    trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $e2e_db" >/dev/null 2>&1 || true' EXIT
    echo "== browser tests on PostgreSQL (${DATABASE_URL%/*}/$e2e_db)"
    (cd end2end && E2E_DATABASE_URL="${DATABASE_URL%/*}/$e2e_db" npx playwright test)
    ;;
esac

echo "== unit and integration tests (SQLite${DATABASE_URL:+ and $DATABASE_URL})"
# The one variable cargo-leptos sets that the leptos crates are compiled with: with it the
# tests reuse `make build`'s compiled crates instead of building them again.
export LEPTOS_OUTPUT_NAME=pocket-court
cargo test --release --workspace

echo "== the browser build holds no server-only crate"
bash scripts/check-wasm-deps.sh
