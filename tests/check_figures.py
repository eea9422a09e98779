#!/usr/bin/env python3
"""Checks that scripts/figures.py wrote real images: PNG signature and size, SVG root."""
import os
import sys

folder = sys.argv[1]
ok = True
for name in ("capacity_by_owner", "tpp_vs_pd"):
    png = os.path.join(folder, name + ".png")
    svg = os.path.join(folder, name + ".svg")
    with open(png, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        print("not a PNG:", png)
        ok = False
    width = int.from_bytes(head[16:20], "big")
    height = int.from_bytes(head[20:24], "big")
    if width < 600 or height < 400:
        print("PNG too small:", png, width, height)
        ok = False
    with open(svg) as f:
        text = f.read()
    if "<svg" not in text or "</svg>" not in text:
        print("not an SVG:", svg)
        ok = False
sys.exit(0 if ok else 1)
