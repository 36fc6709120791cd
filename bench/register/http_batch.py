"""The HTTP batch check's documents per second, for bench/register/http_batch.sh.

    python3 http_batch.py BASE_URL MRZ_FILE SECONDS

MRZ_FILE holds TD3 MRZs, two lines each, blocks separated by a blank line (as
`bench_td3 gen` writes them). One keep-alive connection (http.client, standard library
only) sends `POST /api/v1/documents/check/batch` with batches of up to 10,000 MRZs for
about SECONDS, first with no document in the register (every check ends at the index),
then again after reporting 1% of the documents (so each batch has 100 register hits, each
confirmed in the database, audited and notified). A batch is timed from the request's
first byte to the response's last; the JSON is parsed afterwards, untimed, to check that
every MRZ got an outcome. Prints tab-separated lines:

    http-batch-docs-per-s            <batch size>  <median rate>  <batches>
    http-batch-1pct-hits-docs-per-s  <batch size>  <median rate>  <batches>

and `#` lines with the spread and the verdicts.
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse
from collections import Counter

BATCH = 10_000
USER = "ita.officer"
PASSWORD = "accordo-demo"


def request(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    payload = resp.read()
    return resp.status, payload


def batches(conn, token, body, seconds, label):
    rates = []
    verdicts = Counter()
    end = time.monotonic() + seconds
    while time.monotonic() < end or len(rates) < 3:
        t = time.perf_counter()
        status, payload = request(conn, "POST", "/api/v1/documents/check/batch", body, token)
        s = time.perf_counter() - t
        if status != 200:
            sys.exit(f"{label}: HTTP {status}: {payload[:500]!r}")
        results = json.loads(payload)["results"]
        if len(results) != BATCH:
            sys.exit(f"{label}: {len(results)} outcomes for {BATCH} MRZs")
        verdicts.update(r.get("verdict", "?") for r in results)
        rates.append(BATCH / s)
    rates.sort()
    print(
        f"# {label}: {len(rates)} batches of {BATCH}, docs/s min {rates[0]:.0f}, "
        f"median {statistics.median(rates):.0f}, max {rates[-1]:.0f}; verdicts per batch: "
        + ", ".join(f"{v} {c // len(rates)}" for v, c in sorted(verdicts.items()))
    )
    return statistics.median(rates), len(rates)


def main():
    base, mrz_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    text = open(mrz_file, encoding="ascii").read()
    mrzs = [b.strip("\n") for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if len(mrzs) < BATCH:
        sys.exit(f"{mrz_file}: {len(mrzs)} MRZs, need {BATCH}")
    mrzs = mrzs[:BATCH]
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)

    status, payload = request(conn, "POST", "/api/v1/auth/token", {"username": USER, "password": PASSWORD})
    if status != 200:
        sys.exit(f"token: HTTP {status}: {payload[:500]!r}")
    token = json.loads(payload)["token"]
    body = json.dumps({"mrzs": mrzs}).encode()
    print(f"# batch body: {len(body)} bytes of JSON for {BATCH} MRZs; one keep-alive connection")

    rate, count = batches(conn, token, body, seconds, "no register hits")
    print(f"http-batch-docs-per-s\t{BATCH}\t{rate:.0f}\t{count}")

    # Report every 100th document (1%), as the officer's agency.
    reported = 0
    for mrz in mrzs[::100]:
        line1, line2 = mrz.split("\n")[:2]
        report = {
            "issuing_state": line1[2:5].replace("<", ""),
            "document_type": line1[0],
            "document_number": line2[0:9].replace("<", ""),
            "status": "stolen",
            "notes": "register benchmark",
        }
        status, payload = request(conn, "POST", "/api/v1/documents/reports", report, token)
        if status != 201:
            print(f"# could not report a document (HTTP {status}: {payload[:300]!r}); no hits run")
            return
        reported += 1
    rate, count = batches(conn, token, body, seconds, f"{reported} register hits a batch")
    print(f"http-batch-1pct-hits-docs-per-s\t{BATCH}\t{rate:.0f}\t{count}")


if __name__ == "__main__":
    main()
