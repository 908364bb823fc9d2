"""``benchmarks/run.py --stages`` measures the stages ``plan`` really goes through.

No timing here: the test checks that every stage the table names is called, once the
pipeline has run, and that none runs inside another (the figures themselves come from
``benchmarks/run.py``, never from the test suite).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "benchmarks" / "run.py"


def test_every_stage_of_plan_is_timed(tmp_path: Path) -> None:
    project = tmp_path / "saas"
    shutil.copytree(ROOT / "sample_projects" / "saas", project)
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(RUN), "--stage-child"], cwd=project, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    times = json.loads(proc.stdout.strip().splitlines()[-1])
    assert times.pop("code") == 0
    assert set(times) == {"imports", "load", "playbooks", "analyze", "manifests",
                          "ledger facts", "plan", "markdown", "rest"}
