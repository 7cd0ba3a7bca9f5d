#!/usr/bin/env python3
"""Drops the `producers` and `target_features` custom sections from the browser's wasm files.

The split build (cargo leptos --split) writes dozens of small chunks, and each carries both
sections (tool names and versions; features for a linker): for a 200-byte chunk that is half
its size, and each file is compressed on its own. Nothing at run time reads them. Every other
section is copied byte for byte. Usage: strip-wasm.py FILE.wasm ...
"""
import sys

DROP = {b"producers", b"target_features"}


def leb(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def strip(path):
    data = open(path, "rb").read()
    if data[:8] != b"\0asm\x01\0\0\0":
        sys.exit(f"{path}: not a wasm module")
    out = bytearray(data[:8])
    at = 8
    while at < len(data):
        start = at
        section_id = data[at]
        size, body = leb(data, at + 1)
        end = body + size
        if end > len(data):
            sys.exit(f"{path}: a section runs past the end")
        keep = True
        if section_id == 0:
            name_len, name_at = leb(data, body)
            keep = data[name_at:name_at + name_len] not in DROP
        if keep:
            out += data[start:end]
        at = end
    if len(out) != len(data):
        open(path, "wb").write(out)


for f in sys.argv[1:]:
    strip(f)
