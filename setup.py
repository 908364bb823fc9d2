"""Packaging shim: ship ``playbooks/`` (at the repository root) as ``migrate_tui.playbooks_data``.

Everything else is in ``pyproject.toml``. The playbooks stay where people edit them; this
maps the folder into the package so ``pip install .`` carries it (see
``migrate_tui/playbooks.py``). Packages are found here rather than with
``[tool.setuptools.packages.find]`` because a found list cannot gain a mapped folder.
"""

from setuptools import find_namespace_packages, setup

PLAYBOOKS_PACKAGE = "migrate_tui.playbooks_data"

setup(
    packages=[
        *find_namespace_packages(
            include=["migrate_tui", "migrate_tui.*"], exclude=["*.__pycache__"]
        ),
        PLAYBOOKS_PACKAGE,
    ],
    package_dir={PLAYBOOKS_PACKAGE: "playbooks"},
)
