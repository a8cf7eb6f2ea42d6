"""Run every `bench/*_bench.py` in turn, each in its own process, and say which failed.

Run from the repository root:  .venv/bin/python bench/run_all.py  (what `make bench` does)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(BENCH.glob("*_bench.py"))
    failed = []
    for script in scripts:
        print(f"## {script.name}\n", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=BENCH.parent)
        print(f"\n({script.name}: exit status {code}, {time.perf_counter() - started:.0f} s)\n", flush=True)
        if code != 0:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"{len(scripts)} benchmarks ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
