#!/usr/bin/env python3
"""Clones one pre-filled application COUNT times in a SQLite accordo.db, for a large click day
whose pre-filling through the API would take hours (README.md, "Pre-filling"). Prints the new
ids, one a line. The server may be running: SQLite's WAL lets this process write beside it."""
import sqlite3, sys, uuid

db, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
COLS = ("owner_agency, window_id, worker_name, worker_birth_date, worker_nationality, worker_mrz, "
        "worker_document, contract, monthly_wage_eur, months, province, certificate_code, created_by")
con = sqlite3.connect(db, timeout=60)
row = con.execute(f"SELECT {COLS}, created_at FROM pathways_applications WHERE id = ?", (seed,)).fetchone()
if row is None:
    sys.exit(f"no application {seed}")
*rest, created_at = row
ids = [str(uuid.uuid4()) for _ in range(count)]
with con:
    con.executemany(
        f"INSERT INTO pathways_applications (id, code, {COLS}, created_at) VALUES (?, ?, {', '.join('?' * 13)}, ?)",
        ((i, f"BENCH-{n:09d}", *rest, created_at + n) for n, i in enumerate(ids, 1)),
    )
con.close()
sys.stdout.write("".join(i + "\n" for i in ids))
