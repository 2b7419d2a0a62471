"""``make fuzz``: run the fuzz suite (tests/test_fuzz.py) for a while on every core.

Each worker runs the suite again and again under hypothesis' ``fuzz`` profile, each
round with a new seed (the first seed, plus one a round, spread over the workers), until
the time is up; a round that has started is finished. Examples that fail are kept in
``.hypothesis/fuzz`` and are tried first by every later run, and the command that
replays a failing round is printed. Exit 0 when no round failed, 1 otherwise.

    python tests/run_fuzz.py [--minutes 30] [--jobs N] [--seed S] [--examples 200]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).parent.parent


def round_command(seed: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        "tests/test_fuzz.py",
        "-x",
        "-q",
        "--hypothesis-profile=fuzz",
        f"--hypothesis-seed={seed}",
    ]


def worker(
    number: int, jobs: int, first_seed: int, until: float, examples: int
) -> list[str]:
    failures: list[str] = []
    seed = first_seed + number
    env = {**os.environ, "HYPOTHESIS_PROFILE": "fuzz", "FUZZ_EXAMPLES": str(examples)}
    while time.monotonic() < until and not failures:
        started = time.monotonic()
        result = subprocess.run(
            round_command(seed), cwd=ROOT, env=env, capture_output=True, text=True
        )
        took = time.monotonic() - started
        print(
            f"worker {number}: seed {seed}: "
            f"{'passed' if result.returncode == 0 else 'FAILED'} in {took:.0f} s",
            flush=True,
        )
        if result.returncode != 0:
            print(result.stdout[-6000:], result.stderr[-2000:], sep="\n", flush=True)
            replay = f"HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES={examples} " + " ".join(
                round_command(seed)
            )
            failures.append(replay)
        seed += jobs
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--minutes", type=float, default=float(os.environ.get("FUZZ_MINUTES", 30))
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 200))
    )
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1, 10**9)
    print(
        f"fuzzing for {args.minutes:g} minutes on {args.jobs} workers, first seed {seed}",
        flush=True,
    )
    until = time.monotonic() + args.minutes * 60
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(
            pool.map(
                lambda n: worker(n, args.jobs, seed, until, args.examples), range(args.jobs)
            )
        )
    failures = [replay for result in results for replay in result]
    if failures:
        print("\nFAILED. Replay with:", *failures, sep="\n  ")
        return 1
    print("no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
