"""Start-up cost of `sysdesign estimate examples/twitter.yaml`, as a ratio to a baseline.

The baseline is the bare import of the libraries every sysdesign command needs anyway
(`python -c "import typer, rich, pydantic, yaml"`), run by the same interpreter on the same
machine, interleaved with the measured command so that machine load affects both alike.
Target: ratio <= 1.3 (jinja2, mermaid and the teaching modules are imported only by the
commands that use them).

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--target", type=float, default=1.3)
    args = parser.parse_args()
    baseline_cmd = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
    measured_cmd = [sys.executable, "-m", "sysdesign", "estimate", "examples/twitter.yaml"]
    # warm the OS file cache and .pyc files
    timed(baseline_cmd)
    timed(measured_cmd)
    base, meas = [], []
    for _ in range(args.runs):
        base.append(timed(baseline_cmd))
        meas.append(timed(measured_cmd))
    b, m = statistics.median(base), statistics.median(meas)
    ratio = m / b
    print(f"cores: {os.cpu_count()}  runs: {args.runs} (interleaved, medians)")
    print(f"baseline  import typer, rich, pydantic, yaml : {b * 1000:7.1f} ms")
    print(f"measured  sysdesign estimate twitter.yaml    : {m * 1000:7.1f} ms")
    verdict = "meets" if ratio <= args.target else "misses"
    print(f"ratio {ratio:.2f} ({verdict} the target of {args.target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
