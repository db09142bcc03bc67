"""Run every benchmark, one after another, and print their figures as one table.

    python bench/all.py            # the issue's sizes: about 1.5 hours on a 2-core machine
    python bench/all.py --quick    # smaller logs and shorter runs: about ten minutes

Each benchmark measures its own baseline in the same run and prints its ratio
(see bench/README.md for what each compares). This runs them as they are, shows
their output as it comes, and ends with every line that carries a ratio or a
target, so the whole picture is on one screen.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Lines that carry figures: ratios, targets, rates, and the rows of the log benchmarks' tables.
_FIGURES = ("ratio", "target", "/s", "sqlite ", "postgresql ")


def _runs(quick: bool) -> list[list[str]]:
    events = "100000" if quick else "1000000"
    seconds = "5" if quick else "10"
    return [
        ["commands.py", "--commands", "1000" if quick else "3000"],
        ["long_streams.py", "--events", "2000" if quick else "10000"],
        ["api_load.py", "--seconds", seconds],
        ["scale_out.py", "--seconds", seconds],
        ["projection_catchup.py", "--backend", "both", "--events", events],
        ["audit_verify.py", "--backend", "both", "--events", events],
        ["growing_log.py", "--events", "500000" if quick else "10000000"],
        ["imports.py"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    summary: list[str] = []
    for script, *options in _runs(args.quick):
        print(f"\n=== {script} {' '.join(options)}", flush=True)
        lines: list[str] = []
        with subprocess.Popen([sys.executable, str(HERE / script), *options],
                              stdout=subprocess.PIPE, text=True) as run:  # fmt: skip
            assert run.stdout is not None
            for line in run.stdout:
                print(line, end="", flush=True)
                lines.append(line.rstrip())
        status = "" if run.returncode == 0 else f"  (exit {run.returncode})"
        summary.append(f"--- {script}{status}")
        summary += [ln for ln in lines if any(mark in ln for mark in _FIGURES)]
    print("\n=== summary")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
