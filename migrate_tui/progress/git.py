"""What git knows that the progress file needs: who is making a change."""

from __future__ import annotations

import os


def git_user_name(cwd: str | os.PathLike[str] | None = None) -> str | None:
    """``git config user.name`` as seen from ``cwd``: the default for ``--by``.

    Returns:
        The name, or None when git is missing, the name is not set, or git fails.
    """
    import subprocess  # only ``set`` and ``assign`` ask git (issue 18: start-up)

    try:
        out = subprocess.run(
            ["git", "config", "user.name"],
            cwd=cwd, capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    name = out.stdout.strip()
    return name if out.returncode == 0 and name else None
