#!/usr/bin/env bash
# `make bench`: figures for the README and the issue notes. Nothing here asserts a time;
# it measures and prints. Needs a release build (make build) and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
report="$out/results.md"
bin=target/release/pocket-court
port=${BENCH_PORT:-3290}
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT

{
echo "# Benchmark results ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
echo
echo "## Browser build (what a phone downloads to make pages interactive)"
echo
echo "| file | raw | brotli |"
echo "| --- | ---: | ---: |"
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  echo "| $(basename "$f") | $(stat -c %s "$f") | $(brotli -c -q 11 "$f" | wc -c) |"
done
echo
# Per page: the main wasm and JS, the split loader, and the lazy chunks (cargo leptos --split)
# of the islands that page shows. The manifest lists, for each lazy function, every file it
# fetches (its split_*.wasm and the chunk_*.wasm it shares with other splits); a lazy island
# `FooBar` is the lazy function `foo_bar_loader`, the checked fields' rule check is
# `check_lazily`.
python3 - target/site/pkg <<'PY'
import json, os, subprocess, sys
pkg = sys.argv[1]
manifest = json.load(open(os.path.join(pkg, "__wasm_split_manifest.json")))
def brotli(path):
    return len(subprocess.run(["brotli", "-c", "-q", "11", path], capture_output=True, check=True).stdout)
main = ["pocket-court.wasm", "pocket-court.js"] + [f for f in os.listdir(pkg) if f.startswith("__wasm_split.") and f.endswith(".js")]
pages = [
    ("home, query and other pages without islands", []),
    ("case, my cases, case fees, review (deadline countdown)", ["countdown_loader"]),
    ("/fees (fee calculator)", ["fee_calculator_loader"]),
    ("/sign-in, /staff/sign-in", ["sign_in_form_loader"]),
    ("/profile", ["profile_form_loader"]),
    ("/filings/{id}/{step} (checked fields)", ["check_lazily"]),
    ("/filings/{id}/evidence (checked fields + uploader)", ["check_lazily", "evidence_uploader_loader"]),
    ("/service/{id}, /check (receipt check)", ["receipt_check_loader"]),
]
print("| page | files | raw | brotli |")
print("| --- | ---: | ---: | ---: |")
worst = 0
for name, lazy in pages:
    files = set(main)
    for prefix in lazy:
        found = [k for k in manifest if k.startswith(prefix + "_")]
        if not found:
            sys.exit(f"no lazy function {prefix} in the split manifest")
        for k in found:
            files.update(f + ".wasm" for f in manifest[k])
    raw = sum(os.path.getsize(os.path.join(pkg, f)) for f in files)
    br = sum(brotli(os.path.join(pkg, f)) for f in files)
    worst = max(worst, br)
    print(f"| {name} | {len(files)} | {raw} | {br} |")
print(f"| **most any page downloads (wasm + JS)** | | | **{worst}** ({worst // 1024} KiB) |")
PY
} | tee "$report"

echo; echo "== loading 10,000 demo cases"
t0=$(date +%s.%N)
$bin demo-data --cases 10000 --data-dir "$dir" >/dev/null
t1=$(date +%s.%N)
echo "loaded in $(echo "$t1 - $t0" | bc) s"

start=$(date +%s%N)
$bin serve --demo --addr 127.0.0.1:$port --data-dir "$dir" --site-root target/site >"$dir/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null; do sleep 0.01; done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 2
idle_rss=$(awk '/VmRSS/ {print $2}' /proc/$server/status)

# Sign in as 张三 the way the browser does, to get a session cookie.
base="http://127.0.0.1:$port"
rid=$(curl -sf -H 'Accept: application/json' --data 'phone=13800000001' "$base/sf/send_code" | sed 's/.*"request_id":"\([0-9a-f]*\)".*/\1/')
code=$(curl -sf -H 'Accept: application/json' -X POST "$base/sf/dev_inbox" | grep -o '验证码是[0-9]\{6\}' | head -1 | grep -o '[0-9]\{6\}')
cookie=$(curl -si -H 'Accept: application/json' --data "phone=13800000001&request_id=$rid&code=$code" "$base/sf/verify_code" | grep -i '^set-cookie' | sed 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/')
case_id=$(curl -sf -H "Cookie: $cookie" "$base/api/v1/cases" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/api/v1/cases/$case_id/progress")
[ "$status" = 200 ] || { echo "progress answered $status"; exit 1; }

run_wrk() { # name url [header]
  local name=$1 url=$2; shift 2
  local file="$out/wrk-$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').txt"
  wrk -t1 -c64 -d10s --latency "$@" "$url" > "$file"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$file")
  p50=$(awk '$1=="50%" {print $2}' "$file")
  p99=$(awk '$1=="99%" {print $2}' "$file")
  echo "| $name | $rps | $p50 | $p99 |"
}

{
echo
echo "## Server (release, SQLite, 10,000 cases; wrk -t1 -c64 -d10s on loopback, same 2 cores)"
echo
echo "| route | req/s | p50 | p99 |"
echo "| --- | ---: | ---: | ---: |"
run_wrk health "$base/api/v1/health"
run_wrk "cases/{id}/progress" "$base/api/v1/cases/$case_id/progress" -H "Cookie: $cookie"
run_wrk "case page (HTML)" "$base/cases/$case_id" -H "Cookie: $cookie"
cat > "$dir/quote.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"property","amount_yuan":"150000.00","procedure":"simplified"}'
LUA
run_wrk "fees/quote (POST)" "$base/api/v1/fees/quote" -s "$dir/quote.lua"
echo
echo "- start-up to first healthy answer (10,000 cases, migrations checked): ${ready_ms} ms"
echo "- idle resident memory after start: $((idle_rss/1024)) MiB"
echo "- resident memory after the load: $(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 )) MiB"
} | tee -a "$report"
echo; echo "written to $report"

echo; echo "== payment notifications (SQLite)"
LEPTOS_OUTPUT_NAME=pocket-court cargo test --release -q -p pocket-court --test api -- --ignored --nocapture bench_notification_processing 2>/dev/null \
  | grep '^BENCH' | sed 's/^BENCH /- /' | tee -a "$report"

echo; echo "== evidence upload (tus, release, SQLite)"
{ echo; echo "## Evidence upload (tus 1.0, 200 MB in 8 MB pieces, loopback)"; echo; } >> "$report"
bash scripts/bench-upload.sh "$bin" | grep '^BENCH' | sed 's/^BENCH /- /' | tee -a "$report"

echo; echo "== service log (SQLite)"
{ echo; echo "## Service log (电子送达, SQLite, durable commits)"; echo; } >> "$report"
LEPTOS_OUTPUT_NAME=pocket-court cargo test --release -q -p pocket-court --test api -- --ignored --nocapture bench_service_log 2>/dev/null \
  | grep '^BENCH' | sed 's/^BENCH /- /' | tee -a "$report"

echo; echo "== docketing (SQLite)"
LEPTOS_OUTPUT_NAME=pocket-court cargo test --release -q -p pocket-court --test api -- --ignored --nocapture bench_docketing 2>/dev/null \
  | grep '^BENCH' | sed 's/^BENCH /- /' | tee -a "$report"

echo; echo "== mediation (SQLite)"
{ echo; echo "## Mediation (signing, the agreement's PDF, a signature's receipt; SQLite, loopback)"; echo; } >> "$report"
LEPTOS_OUTPUT_NAME=pocket-court cargo test --release -q -p pocket-court --test api -- --ignored --nocapture bench_mediation 2>/dev/null \
  | grep '^BENCH' | sed 's/^BENCH /- /' | tee -a "$report"
