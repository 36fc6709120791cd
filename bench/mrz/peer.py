"""The peer: the Python `mrz` package (PyPI, pinned in requirements.txt) validating the same
TD3 MRZs as accordo-mrz, one core, in one process. Prints the median rate of five runs.

Usage: python peer.py MRZ_FILE   (blocks of two lines separated by blank lines)
"""
import statistics
import sys
import time

from mrz.checker.td3 import TD3CodeChecker


def main() -> None:
    with open(sys.argv[1], encoding="ascii") as f:
        blocks = [b for b in f.read().split("\n\n") if b.strip()]
    rates = []
    valid = 0
    for _ in range(5):
        start = time.perf_counter()
        valid = sum(1 for b in blocks if bool(TD3CodeChecker(b, check_expiry=False)))
        rates.append(len(blocks) / (time.perf_counter() - start))
    print(f"python-mrz\t{len(blocks)}\t{valid}\t{statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()
