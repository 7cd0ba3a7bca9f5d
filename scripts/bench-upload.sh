#!/usr/bin/env bash
# The upload benchmark, part of `make bench` (runnable alone): one 200 MB evidence file sent
# through the tus endpoint (/api/v1/uploads) in 8 MB PATCH pieces over loopback, against the
# release binary, on SQLite. Prints `BENCH` lines: throughput from POST to the last answer,
# the final hash check and the move into the blob store included (target >= 100 MB/s), and
# the server's peak memory growth during the upload (target <= 32 MiB). Asserts nothing.
# Usage: bash scripts/bench-upload.sh [BINARY]   (BENCH_UPLOAD_MB, BENCH_UPLOAD_PIECE_MB)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/pocket-court}
port=${BENCH_UPLOAD_PORT:-3291}
mb=${BENCH_UPLOAD_MB:-200}
piece=${BENCH_UPLOAD_PIECE_MB:-8}
dir=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$dir"' EXIT

$bin serve --demo --addr 127.0.0.1:$port --data-dir "$dir" --site-root target/site >"$dir/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 500); do curl -sf "$base/api/v1/health" >/dev/null && break; sleep 0.02; done

# Sign in as 张三 the way the browser does, to get a session cookie.
rid=$(curl -sf -H 'Accept: application/json' --data 'phone=13800000001' "$base/sf/send_code" | sed 's/.*"request_id":"\([0-9a-f]*\)".*/\1/')
code=$(curl -sf -H 'Accept: application/json' -X POST "$base/sf/dev_inbox" | grep -o '验证码是[0-9]\{6\}' | head -1 | grep -o '[0-9]\{6\}')
cookie=$(curl -si -H 'Accept: application/json' --data "phone=13800000001&request_id=$rid&code=$code" "$base/sf/verify_code" | grep -i '^set-cookie' | sed 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/')

# A filing draft of 张三's (written straight into the database until filings have an API),
# and a 200 MB video: an MP4's boxes around random bytes.
python3 - "$dir" "$mb" <<'PY' > "$dir/filing"
import os, sqlite3, struct, sys
d, mb = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(os.path.join(d, "pocket-court.db"), timeout=10)
cur = db.execute("INSERT INTO filings (owner_user_id, body, status, created_at, updated_at) "
                 "SELECT id, '{}', 'draft', 0, 0 FROM users WHERE phone = '13800000001'")
db.commit()
print(cur.lastrowid)
size = mb * 1024 * 1024
ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"mp42", 0, b"isom")
moov = struct.pack(">I4s", 16, b"moov") + bytes(8)
with open(os.path.join(d, "video.mp4"), "wb") as f:
    f.write(ftyp + moov + struct.pack(">I4s", size - 36, b"mdat"))
    left = size - 44
    while left:
        n = min(left, 1 << 20)
        f.write(os.urandom(n))
        left -= n
PY
python3 scripts/bench_upload.py "$base" "$cookie" "$(cat "$dir/filing")" "$dir/video.mp4" "$server" "$piece"
