import sys

from migrate_tui.cli import run

sys.exit(run())
