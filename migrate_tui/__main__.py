"""``python -m migrate_tui``: the same command line as the ``migrate-tui`` script."""

import sys

from migrate_tui.cli import run

sys.exit(run())
