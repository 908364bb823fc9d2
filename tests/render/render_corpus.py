"""Render the diagrams of every corpus project's Markdown plan with Mermaid 11 and report.

    python tests/render/render_corpus.py [--shots DIR]

Not a test (it takes minutes): a check to run after changing the diagrams. It prints each
diagram Mermaid refused, each graph shrunk under ``READABLE_SCALE`` in GitHub's column,
and the counts. Needs what ``test_render.py`` needs (node, chromium, ``npm ci`` here).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.conformance.oracle import CORPUS, corpus_cases  # noqa: E402
from tests.render.test_render import (  # noqa: E402
    COLUMN,
    READABLE_SCALE,
    Case,
    _blocks,
    _exported,
    _missing,
)


def main() -> int:
    """Export, render and report; exit 1 when any diagram failed to render."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", help="a folder for a PNG of each diagram")
    args = parser.parse_args()
    why = _missing()
    if why:
        print(f"cannot render: {why}", file=sys.stderr)
        return 2
    started = time.monotonic()
    diagrams = []
    skipped = 0
    for case in corpus_cases():
        try:
            markdown, _, _ = _exported(Case(case.id, case.workdir, case.args))
        except Exception:  # a project the oracle rejects: no plan to draw
            skipped += 1
            continue
        for index, text in enumerate(_blocks(markdown)):
            entry = {"name": f"{case.id} #{index}", "text": text}
            if args.shots:
                safe = re.sub(r"[^\w.-]+", "_", f"{case.id}-{index}")
                entry["screenshot"] = str(Path(args.shots, f"{safe}.png").resolve())
            diagrams.append(entry)
    exported = time.monotonic() - started
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp, "job.json")
        job.write_text(json.dumps({"column": COLUMN, "diagrams": diagrams}), encoding="utf-8")
        subprocess.run(["node", str(HERE / "render.mjs"), str(job), str(Path(tmp, "out.json"))],
                       check=True)
        results = json.loads(Path(tmp, "out.json").read_text(encoding="utf-8"))["results"]
    failed = [r for r in results if r["error"]]
    graphs = [r for r in results if not r["error"] and r.get("kind") != "gantt"]
    small = [r for r in graphs if r["scale"] < READABLE_SCALE]
    for r in failed:
        print(f"FAILED {r['name']}: {r['error'][:300]}")
    for r in small:
        print(f"SMALL {r['name']}: {r['width']:.0f} px wide, scale {r['scale']:.2f}")
    print(f"{len(results)} diagrams of {CORPUS}: {len(failed)} failed, {len(graphs)} graphs, "
          f"{len(small)} under {READABLE_SCALE:.0%} at {COLUMN} px; {skipped} projects without "
          f"a plan; exported in {exported:.0f} s, all in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
