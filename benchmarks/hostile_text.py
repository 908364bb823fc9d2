"""Time and memory bounds of the text rules on hostile inputs: masking and escaping.

Every text from a project passes :func:`migrate_tui.masking.mask_secrets` and
:func:`migrate_tui.text.visible` on its way out, through the Markdown helpers (``md``,
``code``), the TUI's ``clean``, the evidence of a variable (``env_text``) and error
rendering. A committed file chooses that text, so each must be linear in it: the rules
they replaced took over 60 s on 24 KB (backtracking regular expressions).

For each family of hostile input (long runs without the character a pattern waits for,
thousands of ``://``, ``=``, quotes or ``Authorization`` in one word, unclosed quotes) and
each size, a fresh process builds the text and times every function on it once; it is
killed past ``--timeout``. The table gives the slowest function's time, the ratio to the
previous size (linear: about 4 for 4 times the input; quadratic: 16) and the peak memory.
Exit code 1 when any run is over its bound::

    python benchmarks/hostile_text.py                 # 64 KB, 256 KB and 1 MB
    python benchmarks/hostile_text.py --sizes 1048576 --timeout 20
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

FAMILIES: dict[str, Callable[[int], str]] = {
    "url, no @": lambda n: "postgres://user:" + "p" * n,
    "url, ://u: repeated": lambda n: "a://u:" * (n // 6),
    "url, ://u:p@ repeated": lambda n: "a://u:p@" * (n // 8),
    "@ then ://": lambda n: "@" * n + "://u:p",
    "url user run": lambda n: "x://" + "u" * n + "@h",
    "= repeated": lambda n: "=" * n,
    "key= repeated": lambda n: "a=" * (n // 2),
    "PASSWORD= repeated": lambda n: "PASSWORD=" * (n // 9),
    "key= and one secret": lambda n: "password " + "a=" * (n // 2),
    "secret KEY=value": lambda n: "DB_PASSWORD=x " * (n // 14),
    "name run then =": lambda n: "A_" * (n // 2) + "=x",
    "dotted run, = later": lambda n: "A." * (n // 2) + " = x PASSWORD",  # (old: >90 s, 24 KB)
    "unclosed quote": lambda n: 'PASSWORD="' + "x" * n,
    "quoted keys": lambda n: '"password":' * (n // 11),
    "quotes then colon": lambda n: '"' * n + ":",
    "Authorization spaces": lambda n: "Authorization:" + " " * n,
    "Authorization repeated": lambda n: "authorization:" * (n // 14),
    "scheme run": lambda n: "a." * (n // 2) + "://x",
    "secret-word run": lambda n: "PASSWORDTOKEN" * (n // 13) + ": x",
    "prose with colons": lambda n: "auth: run it in the cluster, key: value. " * (n // 41),
    "controls": lambda n: "\x1b[31m\x9b\u202e" * (n // 8),
}

BOUND_SECONDS = 2.0
"""The most any function may take on 1 MB (scaled down for smaller inputs)."""
MAX_RSS_MB = 400.0
"""Peak memory of a process (the interpreter, the text and a few copies of it)."""


def _functions() -> dict[str, Callable[[str], object]]:
    from migrate_tui.analysis.evidence import env_text
    from migrate_tui.errors import MigrateError
    from migrate_tui.export.markdown_text import code, md
    from migrate_tui.masking import has_url_credentials, mask_assignment, mask_secrets
    from migrate_tui.text import visible, visible_json
    from migrate_tui.tui.text import clean

    return {
        "mask_secrets": mask_secrets,
        "mask_assignment": lambda t: mask_assignment("URL", t),
        "has_url_credentials": has_url_credentials,
        "env_text": lambda t: env_text("DATABASE_URL", t),
        "md": md,
        "code": code,
        "tui clean": clean,
        "visible": visible,
        "visible_json": visible_json,
        "error render": lambda t: MigrateError(t, path="services.web", hint="fix").render(),
    }


def _child(family: str, size: int) -> None:
    """Time each function once on one input; print JSON."""
    functions = _functions()
    for function in functions.values():
        function("warm up: postgres://u:p@h/?password=x DB_TOKEN=y")
    text = FAMILIES[family](size)
    times = {}
    for name, function in functions.items():
        start = time.perf_counter()
        function(text)
        times[name] = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"times": times, "rss_mb": rss_mb, "chars": len(text)}))


def main() -> int:
    """Run every family at every size; print the table; 1 when a bound is broken."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[65536, 262144, 1048576])
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--one", nargs=2, metavar=("FAMILY", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _child(args.one[0], int(args.one[1]))
        return 0
    failed = False
    print(f"{'input':<24} {'size':>8} {'slowest':<20} {'seconds':>8} {'x prev':>7} {'MB':>6}")
    for family in FAMILIES:
        previous = None
        for size in args.sizes:
            try:
                proc = subprocess.run(
                    [sys.executable, __file__, "--one", family, str(size)],
                    capture_output=True, text=True, timeout=args.timeout, check=True)
            except subprocess.TimeoutExpired:
                print(f"{family:<24} {size:>8} {'(killed)':<20} {'>' + str(args.timeout):>8}"
                      "   FAIL")
                failed = True
                break
            except subprocess.CalledProcessError as exc:
                print(f"{family:<24} {size:>8} crashed: {exc.stderr.strip()[-300:]}   FAIL")
                failed = True
                break
            result = json.loads(proc.stdout)
            name, seconds = max(result["times"].items(), key=lambda kv: kv[1])
            ratio = f"{seconds / previous:.1f}" if previous and previous > 1e-4 else "-"
            bound = BOUND_SECONDS * size / 1048576 + 0.05
            bad = seconds > bound or result["rss_mb"] > MAX_RSS_MB
            failed |= bad
            print(f"{family:<24} {size:>8} {name:<20} {seconds:>8.3f} {ratio:>7} "
                  f"{result['rss_mb']:>6.0f}{'   FAIL' if bad else ''}")
            previous = seconds
    print("FAIL" if failed else f"PASS: every function under {BOUND_SECONDS} s a MB "
          f"and {MAX_RSS_MB:.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
