#!/usr/bin/env python3
"""A tus 1.0 client for the upload benchmark (scripts/bench-upload.sh): sends one file to
/api/v1/uploads in PATCH pieces over loopback and prints what it measured as `BENCH` lines.

Standard library only. Usage:
  bench_upload.py BASE_URL COOKIE FILING_ID FILE SERVER_PID [PIECE_MB]
The server's peak memory is read from /proc/SERVER_PID/status: VmHWM is reset first
(clear_refs 5), so the peak is the upload's own.
"""

import base64
import hashlib
import http.client
import os
import sys
import threading
import time
import urllib.parse


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def main():
    base, cookie, filing, path, pid = sys.argv[1:6]
    piece = int(sys.argv[6]) * 1024 * 1024 if len(sys.argv) > 6 else 8 * 1024 * 1024
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        sha = hashlib.file_digest(f, "sha256").hexdigest()
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    common = {"Tus-Resumable": "1.0.0", "Cookie": cookie}

    # The baseline: the peak is reset, so what follows is the upload's alone.
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        reset = True
    except OSError:
        reset = False
    rss_before = status_kb(pid, "VmRSS")
    sampled = [rss_before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            sampled.append(status_kb(pid, "VmRSS"))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    t0 = time.perf_counter()
    metadata = f"filename {b64('bench.mp4')},filing {b64(filing)},sha256 {b64(sha)}"
    conn.request("POST", "/api/v1/uploads", headers={**common, "Upload-Length": str(size), "Upload-Metadata": metadata})
    res = conn.getresponse()
    res.read()
    if res.status != 201:
        sys.exit(f"POST answered {res.status}")
    location = res.getheader("Location")
    offset = 0
    pieces = 0
    with open(path, "rb") as f:
        while offset < size:
            chunk = f.read(piece)
            headers = {
                **common,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Content-Length": str(len(chunk)),
            }
            conn.request("PATCH", location, body=chunk, headers=headers)
            res = conn.getresponse()
            body = res.read()
            if res.status != 204:
                sys.exit(f"PATCH at {offset} answered {res.status}: {body[:300]!r}")
            offset = int(res.getheader("Upload-Offset"))
            pieces += 1
    elapsed = time.perf_counter() - t0
    done.set()
    sampler.join()
    hwm = status_kb(pid, "VmHWM")
    rss_after = status_kb(pid, "VmRSS")

    conn.request("HEAD", location, headers=common)
    res = conn.getresponse()
    res.read()
    if res.status != 200 or int(res.getheader("Upload-Offset")) != size:
        sys.exit(f"HEAD after the upload answered {res.status}, offset {res.getheader('Upload-Offset')}")

    mb = size / (1024 * 1024)
    peak = (hwm if reset else max(sampled)) - rss_before
    print(f"BENCH upload of {mb:.0f} MB in {pieces} PATCH pieces of {piece // (1024 * 1024)} MB, "
          f"from POST to the last answer (hash check and store included): {elapsed:.2f} s, {mb / elapsed:.0f} MB/s")
    print(f"BENCH server memory: resident {rss_before // 1024} MiB before, peak growth "
          f"{peak / 1024:.1f} MiB ({'VmHWM after clear_refs' if reset else 'sampled VmRSS'}; "
          f"sampled peak {(max(sampled) - rss_before) / 1024:.1f} MiB), {rss_after // 1024} MiB after")


if __name__ == "__main__":
    main()
