#!/usr/bin/env python3
"""Prints the workspace's crates by band, from each crate's [package.metadata.accordo]:
`pure` (kernel crates and those marked `pure = true`), `platform`, `pillar-deps` (every crate
that belongs to a pillar: its rules and its I/O crate). Fails when a crate has no band, so a
new crate cannot slip past the checks in .ci/run."""
import json, subprocess, sys

meta = json.loads(subprocess.run(
    ["cargo", "metadata", "--no-deps", "--format-version", "1", "--locked"],
    check=True, capture_output=True, text=True).stdout)
bands = {"kernel", "platform", "pillar", "front"}
out = {"pure": [], "platform": [], "pillar-crates": []}
for pkg in meta["packages"]:
    info = (pkg.get("metadata") or {}).get("accordo") or {}
    band = info.get("band")
    if band not in bands:
        sys.exit(f"error: crate {pkg['name']} has no [package.metadata.accordo] band among {sorted(bands)}")
    if band == "kernel" or info.get("pure"):
        out["pure"].append(pkg["name"])
    if band == "platform" or (band == "kernel" and not info.get("pillar")):
        out["platform"].append(pkg["name"])
    if info.get("pillar"):
        out["pillar-crates"].append(pkg["name"])
print(" ".join(sorted(out[sys.argv[1]])))
