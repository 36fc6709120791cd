"""Every STIX 2.1 bundle the tests exported (ACCORDO_STIX_OUT): valid by OASIS's
stix2-validator, and read back by the Python stix2 library with every object and property
unchanged (timestamps compared as instants). Exits non-zero on the first failure, or when
there is no bundle to check (the test that writes them did not run)."""

import glob
import json
import os
import sys
from datetime import datetime

import stix2
from stix2validator import ValidationOptions, validate_file

out = os.environ["ACCORDO_STIX_OUT"]
files = sorted(glob.glob(os.path.join(out, "*.json")))
if not files:
    sys.exit(f"no STIX bundle in {out}: the export test did not write any")


def same(a, b):
    if isinstance(a, str) and isinstance(b, str) and a != b:
        try:
            return datetime.fromisoformat(a.replace("Z", "+00:00")) == datetime.fromisoformat(
                b.replace("Z", "+00:00")
            )
        except ValueError:
            return False
    return a == b


for path in files:
    results = validate_file(path, ValidationOptions())
    if not results.is_valid:
        for r in results.object_results:
            for e in r.errors:
                print(f"{path}: {r.object_id}: {e}")
        sys.exit(f"{path}: not valid STIX 2.1")
    raw = json.load(open(path, encoding="utf-8"))
    again = json.loads(stix2.parse(raw, allow_custom=False).serialize())
    before = {o["id"]: o for o in raw["objects"]}
    after = {o["id"]: o for o in again["objects"]}
    if before.keys() != after.keys():
        sys.exit(f"{path}: objects differ after reading back: {sorted(before.keys() ^ after.keys())}")
    for oid, o in before.items():
        for prop, value in o.items():
            if not same(value, after[oid].get(prop)):
                sys.exit(f"{path}: {oid}.{prop} changed on reading back: {value!r} -> {after[oid].get(prop)!r}")
    warnings = sum(len(r.warnings) for r in results.object_results)
    print(f"{path}: valid STIX 2.1 ({warnings} warnings), {len(before)} objects read back unchanged")
