"""Where our ``config`` and Docker Compose's differ, over the corpus and the samples, by class.

A class is the path of a difference with the names a user chose (services, networks,
variables...) and list positions replaced by ``*``, plus what differs (a key missing from
ours, a key only ours has, a value). Run from the repository::

    python -m tests.conformance.diff_report            # both formats, the classes
    python -m tests.conformance.diff_report --format json --examples 3
    MIGRATE_TUI_ORACLE_CACHE=/tmp/oracle python -m tests.conformance.diff_report

It prints how many cases both tools accept, how many of those differ, and each class with
the number of cases it occurs in and an example.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict

from tests.conformance.oracle import (
    Case,
    corpus_cases,
    document_differences,
    ours_printed,
    prefetch_oracle,
    run_oracle,
    run_ours,
    sample_cases,
)

_NAMED = frozenset({
    "services", "networks", "volumes", "secrets", "configs", "models", "depends_on",
    "environment", "labels", "annotations", "args", "sysctls", "extra_hosts", "driver_opts",
    "options", "ulimits", "additional_contexts", "include", "config", "extensions",
})
"""Keys whose mapping is keyed by names the user chose."""


def difference_class(line: str) -> str:
    """``services.web.ports[0].published: oracle=... ours=...`` as
    ``services.*.ports[*].published: value``."""
    path, _, rest = line.partition(": ")
    kind = "missing" if rest.startswith("missing") else "extra" if rest.startswith(
        "extra") else "value"
    parts = re.split(r"\.(?![^\[]*\])", path)
    out: list[str] = []
    named = False
    for part in parts:
        part = re.sub(r"\[\d+\]", "[*]", part)
        out.append("*" if named else part)
        named = not named and part in _NAMED
        if part.startswith("x-"):
            break
    return ".".join(out) + ": " + kind


def main(argv: list[str] | None = None) -> int:
    """Print the classes of difference; exit 1 if any case differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("json", "yaml", "both"), default="both")
    parser.add_argument("--examples", type=int, default=1, help="examples per class")
    parser.add_argument("--cases", default="", help="only cases whose id contains this")
    args = parser.parse_args(argv)
    formats = ("json", "yaml") if args.format == "both" else (args.format,)
    cases: list[Case] = [c for c in corpus_cases() + sample_cases() if args.cases in c.id]
    started = time.perf_counter()
    prefetch_oracle(cases, formats)
    oracle_seconds = time.perf_counter() - started
    classes: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    differing: dict[str, set[str]] = defaultdict(set)
    accepted = {fmt: 0 for fmt in formats}
    verdicts: Counter[str] = Counter()
    for case in cases:
        our_rc, ours, _ = run_ours(case)
        for fmt in formats:
            oracle_rc, theirs, _ = run_oracle(case, fmt)
            if oracle_rc != 0 or our_rc != 0:
                verdicts[f"{fmt}: oracle {'rejects' if oracle_rc else 'accepts'}, "
                         f"we {'reject' if our_rc else 'accept'}"] += 1
                continue
            if theirs is None:
                verdicts[f"{fmt}: the oracle cannot print it"] += 1
                continue
            accepted[fmt] += 1
            assert ours is not None
            lines = document_differences(theirs, ours_printed(ours, fmt))
            if lines:
                differing[fmt].add(case.id)
            for cls in sorted({difference_class(line) for line in lines}):
                classes[cls][fmt] += 1
                if len(examples[cls]) < args.examples:
                    example = next(x for x in lines if difference_class(x) == cls)
                    examples[cls].append(f"{case.id}: {example}")
    for verdict, count in sorted(verdicts.items()):
        print(f"{count:4d}  {verdict}")
    for fmt in formats:
        print(f"{fmt}: {accepted[fmt]} cases accepted by both, "
              f"{len(differing[fmt])} differ")
    print()
    for cls, counts in sorted(classes.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        shown = " ".join(f"{fmt}={counts[fmt]}" for fmt in formats)
        print(f"{shown:>18}  {cls}")
        for example in examples[cls]:
            print(f"{'':20}{example[:300]}")
    print(f"\n(oracle: {oracle_seconds:.1f} s for {len(cases) * len(formats)} answers)")
    return 1 if any(differing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
