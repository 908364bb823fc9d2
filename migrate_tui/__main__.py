import sys

from migrate_tui.cli import main

sys.exit(main())
