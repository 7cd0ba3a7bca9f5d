#!/usr/bin/env bash
# The browser build must not contain any server-only crate. Lists the dependency tree of
# the hydrate build and fails if one of them appears.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(sqlx|sqlx-core|tokio|axum|axum-core|hyper|leptos_axum|tower|tower-http|argon2|reqwest|mio|libsqlite3-sys|rustls|ring|clap|tracing-subscriber)$'
tree=$(cargo tree -p app --target wasm32-unknown-unknown --no-default-features --features hydrate -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
found=$(grep -E "$forbidden" <<<"$tree" || true)
if [ -n "$found" ]; then
  echo "FAIL: server-only crates in the browser build:"; echo "$found"; exit 1
fi
echo "ok: the browser build has $(wc -l <<<"$tree") crates and none of them is server-only"
