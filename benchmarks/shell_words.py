"""Time the split of 1 MB ``command`` strings, the shapes that cost the most per byte.

Compose splits a string ``command`` or ``entrypoint`` into words (go-shellwords); ours
(:func:`migrate_tui.compose.shell_words.split_shell_words`) must stay linear: the split of a
1 MB string once took 83 s. Each shape is split ``--runs`` times; the table shows the
median, and the script exits 1 if any is over the limit::

    python benchmarks/shell_words.py
    python benchmarks/shell_words.py --runs 5 --limit 1.0
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from migrate_tui.compose.shell_words import split_shell_words  # noqa: E402

MB = 1_000_000
SHAPES = {
    "one long word": "a" * MB,
    "500,000 words": "a " * (MB // 2),
    "250,000 quoted words": '"a" ' * (MB // 4),
    "200,000 words with escapes": '"\\a" ' * (MB // 5),
    "backslashes": "\\a" * (MB // 2),
    "one single-quoted word": "'" + "x \\" * (MB // 3) + "'",
    "one $( ) group": "$(" + "a " * (MB // 2) + ")",
    "one backtick group": "`" + "a " * (MB // 2) + "`",
    "stops at the first &&": "a && " * (MB // 5),
}


def main() -> int:
    """Print the timings; 1 if a shape takes longer than the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=1.0, help="seconds per 1 MB split")
    args = parser.parse_args()
    worst = 0.0
    print("| shape (1 MB) | median (s) |\n|---|---:|")
    for name, text in SHAPES.items():
        times = []
        for _ in range(args.runs):
            started = time.process_time()
            split_shell_words(text)
            times.append(time.process_time() - started)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"| {name} | {median:.3f} |")
    verdict = "PASS" if worst <= args.limit else "FAIL"
    print(f"\n{verdict}: the slowest 1 MB split takes {worst:.3f} s (limit {args.limit} s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
