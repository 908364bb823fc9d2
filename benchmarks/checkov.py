"""checkov's Kubernetes checks on the bases generated for the sample projects.

checkov pins networkx<2.7, so it never goes in the project's venv: install it apart and
name it with ``--checkov`` (default ``/work/checkov-venv/bin/checkov``)::

    python3 -m venv /work/checkov-venv && /work/checkov-venv/bin/pip install checkov
    python benchmarks/checkov.py                 # a summary table, Markdown
    python benchmarks/checkov.py --keep out/     # and keep the bases to look at

Each sample project is generated with every profile enabled (``--profile '*'``), written
with ``migrate-tui manifests``, and checked with ``checkov -d BASE --framework kubernetes
--skip-download --output json``. The table gives each failing check, how many objects
fail it in each project, and the reason it is left (``benchmarks/checkov.md``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_projects"


def _generate(sample: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "migrate_tui", "--profile", "*", "manifests",
                    str(sample), "-o", str(out)], check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin"})


def _failed(checkov: str, base: Path) -> list[dict[str, str]]:
    proc = subprocess.run([checkov, "-d", str(base), "--framework", "kubernetes",
                           "--skip-download", "--output", "json", "--quiet", "--compact"],
                          capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"checkov failed on {base}: {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout or "{}")
    reports = data if isinstance(data, list) else [data]
    out = []
    for report in reports:
        for check in (report.get("results") or {}).get("failed_checks", []):
            out.append({"id": check["check_id"], "name": check["check_name"],
                        "resource": check["resource"]})
    return out


def main(argv: list[str] | None = None) -> int:
    """Generate, check, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkov", default="/work/checkov-venv/bin/checkov")
    parser.add_argument("--keep", type=Path, help="write the bases here, not in a temp folder")
    args = parser.parse_args(argv)
    samples = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        names: dict[str, str] = {}
        for sample in samples:
            base = where / sample.name
            _generate(sample, base)
            for failure in _failed(args.checkov, base):
                counts[failure["id"]][sample.name] += 1
                names[failure["id"]] = failure["name"]
    print("| check | name | " + " | ".join(s.name for s in samples) + " |")
    print("|---|---|" + "---:|" * len(samples))
    for check in sorted(counts, key=lambda c: (-sum(counts[c].values()), c)):
        cells = " | ".join(str(counts[check][s.name] or "") for s in samples)
        print(f"| {check} | {names[check]} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
