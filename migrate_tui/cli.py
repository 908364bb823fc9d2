"""The ``migrate-tui`` command line.

``migrate-tui [PATH]`` opens the TUI; ``migrate-tui config [PATH]`` prints the normalized
project. The Compose flags (``-f``, ``-p``, ``--project-directory``, ``--env-file``,
``--profile``) go before or after the subcommand, as users type them for ``docker compose``.
Errors print in a few lines, without a traceback, and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from migrate_tui.errors import MigrateError

EXIT_USAGE = 2


def _add_compose_flags(parser: argparse.ArgumentParser, suffix: str) -> None:
    """The Compose flags; ``suffix`` keeps those typed after the subcommand apart."""
    group = parser.add_argument_group("compose project")
    group.add_argument("-f", "--file", dest=f"files{suffix}", action="append", default=[],
                       metavar="FILE", help="compose file (repeatable, merged in order)")
    group.add_argument("-p", "--project-name", dest=f"project_name{suffix}", metavar="NAME",
                       help="project name (default: the folder's name)")
    group.add_argument("--project-directory", dest=f"project_directory{suffix}", metavar="DIR",
                       help="the folder relative paths start from (default: the first file's)")
    group.add_argument("--env-file", dest=f"env_files{suffix}", action="append", default=[],
                       metavar="FILE", help="env file for interpolation (default: .env)")
    group.add_argument("--profile", dest=f"profiles{suffix}", action="append", default=[],
                       metavar="NAME", help="enable a profile (repeatable; * for all)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``migrate-tui``."""
    parser = argparse.ArgumentParser(
        prog="migrate-tui",
        description="Plan and track a Docker Compose to Kubernetes migration.",
    )
    _add_compose_flags(parser, "")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("path", nargs="?", metavar="PATH",
                       help="project folder or compose file (default: the current folder)")
        _add_compose_flags(p, "_after")
        return p

    config = command("config", "print the normalized Compose project")
    config.add_argument("--format", choices=("json", "yaml"), default="yaml")
    tui = command("tui", "open the migration workspace (the default)")
    del tui
    return parser


def _options(args: argparse.Namespace) -> Any:
    from migrate_tui.compose.discover import LoadOptions

    def both(name: str) -> Any:
        return getattr(args, name, None) or getattr(args, f"{name}_after", None)

    return LoadOptions(
        path=getattr(args, "path", None),
        files=tuple(args.files + getattr(args, "files_after", [])),
        project_directory=both("project_directory"),
        project_name=both("project_name"),
        env_files=tuple(args.env_files + getattr(args, "env_files_after", [])),
        profiles=tuple(args.profiles + getattr(args, "profiles_after", [])),
    )


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _cmd_config(args: argparse.Namespace) -> int:
    from migrate_tui.compose.loader import load_project

    project = load_project(_options(args), warn=_warn)
    if args.format == "json":
        sys.stdout.write(json.dumps(project.compose, indent=2, ensure_ascii=False) + "\n")
    else:
        import yaml

        sys.stdout.write(yaml.safe_dump(project.compose, sort_keys=False, allow_unicode=True))
    return 0


def _cmd_tui(args: argparse.Namespace) -> int:
    from migrate_tui.tui.app import make_app

    app = make_app(_options(args))
    app.run()
    return int(app.return_code or 0)


_COMMANDS = {"config": _cmd_config, "tui": _cmd_tui}


def _split_default_command(argv: list[str]) -> list[str]:
    """``migrate-tui [flags] [PATH]`` means ``migrate-tui [flags] tui [PATH]``."""
    takes_value = {"-f", "--file", "-p", "--project-name", "--project-directory",
                   "--env-file", "--profile"}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return argv
        if arg in takes_value:
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        if arg in _COMMANDS:
            return argv
        return [*argv[:i], "tui", *argv[i:]]
    return [*argv, "tui"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = _split_default_command(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        return _COMMANDS[args.command](args)
    except MigrateError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
