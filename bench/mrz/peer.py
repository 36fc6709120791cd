"""The peer: the Python `mrz` package (PyPI, pinned in requirements.txt) validating the same
TD3 MRZs as accordo-mrz, one core, in one process. Prints the median rate of five runs.

Usage: python peer.py MRZ_FILE [--why]
  MRZ_FILE: blocks of two lines separated by blank lines (as `bench_td3 gen` writes them).
  --why:    do not time; list the first rejected blocks with the package's report.

Output: python-mrz<TAB><count><TAB><valid><TAB><median rate per second>
and `#` lines with the spread of the rounds.
"""
import statistics
import sys
import time
from importlib.metadata import version

from mrz.checker.td3 import TD3CodeChecker

ROUNDS = 5


def verdict(block: str) -> bool:
    # The constructor raises (LengthError, FieldError) on a wrong length or character; count
    # that as a rejection rather than stopping. Neither happens on the generated file.
    try:
        return bool(TD3CodeChecker(block, check_expiry=False))
    except Exception:  # noqa: BLE001
        return False


def why(blocks: list[str]) -> None:
    shown = 0
    for i, b in enumerate(blocks):
        try:
            checker = TD3CodeChecker(b, check_expiry=False)
            if bool(checker):
                continue
            reason = str(checker.report)
        except Exception as e:  # noqa: BLE001
            reason = f"{type(e).__name__}: {e}"
        print(f"# block {i + 1} rejected: {reason}\n{b}")
        shown += 1
        if shown == 10:
            break


def main() -> None:
    with open(sys.argv[1], encoding="ascii") as f:
        # Strip each block: the checker wants exactly 44 + "\n" + 44 characters (it raises
        # LengthError on a trailing newline).
        blocks = [b.strip() for b in f.read().split("\n\n") if b.strip()]
    if "--why" in sys.argv[2:]:
        why(blocks)
        return
    rates = []
    valid = 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        valid = sum(1 for b in blocks if verdict(b))
        rates.append(len(blocks) / (time.perf_counter() - start))
    s = sorted(rates)
    print(
        f"# python-mrz {version('mrz')} on Python {sys.version.split()[0]}: {ROUNDS} rounds, "
        f"k/s sorted: {' '.join(f'{r / 1e3:.2f}' for r in s)} "
        f"(min/median/max spread {100 * (s[-1] - s[0]) / statistics.median(s):.1f}%)"
    )
    print(f"python-mrz\t{len(blocks)}\t{valid}\t{statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()
