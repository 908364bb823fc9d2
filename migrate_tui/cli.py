"""The ``migrate-tui`` command line.

``migrate-tui [PATH]`` opens the TUI; ``migrate-tui config [PATH]`` prints the normalized
project. The Compose flags (``-f``, ``-p``, ``--project-directory``, ``--env-file``,
``--profile``) go before or after the subcommand, as users type them for ``docker compose``.
Errors print in a few lines, without a traceback, and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TypeVar

from migrate_tui.errors import MigrateError
from migrate_tui.gc_pause import gc_pause
from migrate_tui.masking import mask_data, mask_secrets
from migrate_tui.text import plural, visible, visible_json

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """A parser that never guesses at an abbreviated flag, and says what to type instead.

    With abbreviations allowed, ``--project`` "could match --project-name,
    --project-directory" on the top-level parser even for a subcommand that has its own
    ``--project``: argparse looks at every argument before it hands the rest over.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self.command: str | None = None
        """The subcommand of the arguments parsed last, for the hints."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        """Parse, remembering the subcommand (``error`` is called after, without it)."""
        parsed, extras = super().parse_known_args(args, namespace)
        self.command = getattr(parsed, "command", None)
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        """Print the usage and ``message``, with a hint for each flag we do not know."""
        hints = _hints(self, message, self.command)
        super().error(message + "".join(f"\n  {hint}" for hint in hints))


def _hints(parser: argparse.ArgumentParser, message: str, command: str | None) -> list[str]:
    """What the user probably meant by the unknown flags that ``message`` names."""
    if not message.startswith("unrecognized arguments:"):
        return []
    words = message.split(":", 1)[1].split()
    known: set[str] = set()
    for action in parser._actions:
        known.update(action.option_strings)
        if isinstance(action.choices, dict):
            for sub in action.choices.values():
                known.update(o for a in sub._actions for o in a.option_strings)
    hints = []
    for word in dict.fromkeys(words):
        flag = word.split("=", 1)[0]
        if flag == "--project":
            where = f"migrate-tui {command or 'COMMAND'} DIR"
            hints.append(f"--project is only for set and assign: give the folder as PATH "
                         f"({where}) or with --project-directory DIR")
            continue
        if not flag.startswith("--") or flag in known:
            continue
        starts = sorted(k for k in known if k.startswith(flag) and k != "--project")
        guesses = starts or difflib.get_close_matches(flag, sorted(known), n=1, cutoff=0.6)
        if guesses:
            hints.append(f"{flag}: did you mean {' or '.join(guesses)}?")
    return hints


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
    parser = _Parser(
        prog="migrate-tui",
        description="Plan and track a Docker Compose to Kubernetes migration.",
    )
    _add_compose_flags(parser, "")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, *, path: bool = True,
                state: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        if path:
            p.add_argument("path", nargs="?", metavar="PATH",
                           help="project folder or compose file (default: the current folder)")
        _add_compose_flags(p, "_after")
        if state:
            p.add_argument("--state", metavar="FILE",
                           help="the progress file (default: migration.toml next to the "
                           "compose file)")
            p.add_argument("--playbooks", metavar="DIR", help="your own playbooks, over ours")
        return p

    config = command("config", "print the normalized Compose project")
    config.add_argument("--format", choices=("json", "yaml"), default="yaml")
    analyze = command("analyze", "the dependency graph, stateful/stateless and findings")
    analyze.add_argument("--format", choices=("text", "json"), default="text")
    plan = command("plan", "the phased migration plan", state=True)
    plan.add_argument("--format", choices=("markdown", "json"), default="markdown")
    plan.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    plan.add_argument("--team-size", type=_positive_int, metavar="N",
                      help="engineers on the migration (default 4)")
    plan.add_argument("--focus", type=_fraction, metavar="F",
                      help="share of their time, 0-1 or a percentage (default 0.5)")
    plan.add_argument("--start", type=_date, metavar="YYYY-MM-DD", help="first day of week 1")
    answers = plan.add_argument_group("decision answers")
    answers.add_argument("--servers", type=_positive_int, metavar="N",
                         help="servers that run the project today")
    answers.add_argument("--deploys-per-week", type=float, metavar="N")
    for flag, text in (("--autoscaling", "the load needs autoscaling"),
                       ("--ops-owner", "someone owns operations"),
                       ("--downtime-ok", "~15 minutes of downtime per incident is acceptable")):
        answers.add_argument(flag, type=_yes_no, metavar="yes|no", help=text)
    status = command("status", "progress: done/total overall, per phase, service, person",
                     state=True)
    status.add_argument("--format", choices=("text", "json"), default="text")
    set_cmd = command("set", "set the status of a checklist item", path=False, state=True)
    set_cmd.add_argument("item", metavar="ITEM_ID", help="e.g. api.probes (see `plan`)")
    set_cmd.add_argument("--status", required=True,
                         choices=("todo", "doing", "done", "skipped", "blocked"))
    set_cmd.add_argument("--by", metavar="NAME", help="who (default: git config user.name)")
    set_cmd.add_argument("--note", metavar="TEXT", help="a note ('' removes it)")
    set_cmd.add_argument("--project", dest="path", metavar="PATH",
                         help="project folder or compose file (default: the current folder)")
    assign = command("assign", "give a checklist item an owner", path=False, state=True)
    assign.add_argument("item", metavar="ITEM_ID")
    assign.add_argument("name", metavar="NAME", help="the owner ('' unassigns)")
    assign.add_argument("--by", metavar="NAME", help="who (default: git config user.name)")
    assign.add_argument("--project", dest="path", metavar="PATH",
                        help="project folder or compose file (default: the current folder)")
    driver = sub.add_parser("merge-driver", help="git merge driver for migration.toml",
                            description="git merge driver: merges two progress files item by "
                            "item, the latest change winning. Set up with: git config "
                            'merge.migrate-tui.driver "migrate-tui merge-driver %%O %%A %%B" '
                            "and `migration.toml merge=migrate-tui` in .gitattributes.")
    driver.add_argument("base", metavar="BASE")
    driver.add_argument("ours", metavar="OURS")
    driver.add_argument("theirs", metavar="THEIRS")
    manifests = command("manifests", "write Kubernetes manifests (a Kustomize base)",
                        state=True)
    manifests.add_argument("-o", "--output", required=True, metavar="DIR",
                           help="the folder of the Kustomize base (created when missing)")
    manifests.add_argument("--force", action="store_true",
                           help="overwrite generated files that were edited since")
    manifests.add_argument("--secrets", choices=("generator", "external-secrets"),
                           default="generator",
                           help="a secretGenerator reading secrets.env (default), or "
                           "ExternalSecret objects")
    ledger = command("ledger", "what became of every Compose key in the manifests",
                     state=True)
    ledger.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    ledger.add_argument("--secrets", choices=("generator", "external-secrets"),
                        default="generator", help=argparse.SUPPRESS)
    tui = command("tui", "open the migration workspace (the default)", state=True)
    del tui
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if text.endswith("%") or value > 1:
        value /= 100
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("give a share of time between 0 and 1 (or 1-100%)")
    return value


def _date(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-05") from None


def _yes_no(text: str) -> bool:
    low = text.lower()
    if low in ("yes", "y", "true", "1"):
        return True
    if low in ("no", "n", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r}: answer yes or no")


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


_KEPT: list[Any] = []
"""What the one-shot command being run built. Freeing a 2,000-service workspace object by
object takes 40 ms; when the process ends right after the command (:func:`run`), the exit
hands the memory back at once. :func:`main` empties it when it returns instead."""

_T = TypeVar("_T")


def _kept(value: _T) -> _T:
    """``value``, kept until the command is over (see ``_KEPT``)."""
    _KEPT.append(value)
    return value


def _out(text: str, *, escaped: bool = False) -> None:
    """Write a command's text output: the CLI's one door to the terminal.

    Secrets masked (:func:`mask_secrets`), control characters and bidirectional overrides
    written out (:func:`visible`). ``escaped``: the text is already escaped by its renderer,
    which keeps its own colours (``analyze --format text``).
    """
    text = mask_secrets(text)
    sys.stdout.write(text if escaped else visible(text))


def _json_text(data: Any, *, mask: bool = True) -> str:
    r"""``data`` as indented JSON: its strings masked (but for ``config``), what a terminal
    could take for a control written as a ``\u`` escape."""
    text = json.dumps(mask_data(data) if mask else data, indent=2, ensure_ascii=False)
    return visible_json(text) + "\n"


def _err(text: str) -> None:
    """Write a message on stderr, safely (as :func:`_out`)."""
    print(visible(mask_secrets(text)), file=sys.stderr)


def _warn(message: str) -> None:
    _err(f"warning: {message}")


def _cmd_config(args: argparse.Namespace) -> int:
    from migrate_tui.compose.render import render_config

    compose = _load(args).compose
    text = render_config(compose, args.format)  # (the one output that shows secrets)
    if args.format == "json":
        text = visible_json(text)
    elif visible(text) != text:  # (YAML writes bidirectional overrides raw: escape all)
        import yaml

        text = yaml.safe_dump(compose, sort_keys=False, allow_unicode=False)
    sys.stdout.write(text)
    return 0


def _cmd_tui(args: argparse.Namespace) -> int:
    from migrate_tui.tui.app import make_app

    app = make_app(_options(args), state_file=getattr(args, "state", None),
                   playbooks_dir=getattr(args, "playbooks", None))
    app.run()
    return int(app.return_code or 0)


def _load(args: argparse.Namespace) -> Any:
    from migrate_tui.compose.loader import load_project

    return _kept(load_project(_options(args), warn=_warn))


def _color() -> bool:
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _cmd_analyze(args: argparse.Namespace) -> int:
    from migrate_tui.export.analyze import run_analyze

    text = run_analyze(_load(args), args.format, _color())
    if args.format == "json":  # (masked as data by run_analyze)
        sys.stdout.write(visible_json(text))
    else:
        _out(text, escaped=True)  # (escaped by the report, which keeps its colours)
    return 0


def _flags(args: argparse.Namespace) -> Any:
    from migrate_tui.planning.decision import Answers
    from migrate_tui.planning.plan import Settings

    return Settings(
        team_size=getattr(args, "team_size", None), focus=getattr(args, "focus", None),
        start=getattr(args, "start", None),
        answers=Answers(servers=getattr(args, "servers", None),
                        deploys_per_week=getattr(args, "deploys_per_week", None),
                        autoscaling=getattr(args, "autoscaling", None),
                        ops_owner=getattr(args, "ops_owner", None),
                        downtime_ok=getattr(args, "downtime_ok", None)),
    )


def _workspace(args: argparse.Namespace, *, strict: bool = True) -> Any:
    """The workspace; a broken progress file stops the command (exit 2) when ``strict``."""
    from migrate_tui.workspace import open_workspace

    workspace = open_workspace(
        _options(args), state_file=getattr(args, "state", None),
        playbooks_dir=getattr(args, "playbooks", None), flags=_flags(args), warn=_warn,
    )
    if strict and workspace.progress_error is not None:
        raise workspace.progress_error
    return _kept(workspace)


def _cmd_plan(args: argparse.Namespace) -> int:
    from pathlib import Path

    from migrate_tui.export.assemble import render_export
    from migrate_tui.export.files import write_export

    ws = _workspace(args)
    text = render_export(ws, args.format)
    if args.output:
        write_export(Path(args.output), text)
        _err(f"wrote {args.output}")
    else:
        sys.stdout.write(text if args.format == "json" else visible(text))  # (masked within)
    return 0


def _by(args: argparse.Namespace, ws: Any) -> str | None:
    from migrate_tui.progress.git import git_user_name

    return args.by or git_user_name(ws.project.working_dir)


def _cmd_status(args: argparse.Namespace) -> int:
    from migrate_tui.progress.commands import cmd_status

    ws = _workspace(args)
    if args.format == "json":
        sys.stdout.write(_json_text(json.loads(cmd_status(ws.store, ws.rows(), "json"))))
    else:
        _out(cmd_status(ws.store, ws.rows(), args.format))
    return 0


def _cmd_set(args: argparse.Namespace) -> int:
    from migrate_tui.progress.commands import cmd_set

    ws = _workspace(args)
    _out(cmd_set(ws.store, args.item, args.status, _by(args, ws), args.note, ws.item_ids())
         + "\n")
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    from migrate_tui.progress.commands import cmd_assign

    ws = _workspace(args)
    _out(cmd_assign(ws.store, args.item, args.name, _by(args, ws), ws.item_ids()) + "\n")
    return 0


def _manifests(args: argparse.Namespace) -> Any:
    from migrate_tui.manifests import generate_manifests

    ws = _workspace(args)
    return _kept(generate_manifests(ws.project, ws.analysis, secrets_mode=args.secrets))


def _cmd_manifests(args: argparse.Namespace) -> int:
    from pathlib import Path

    from migrate_tui.manifests import write_manifests

    report = write_manifests(_manifests(args), Path(args.output), force=args.force)
    _err(f"wrote {plural(len(report.written), 'file')} to {args.output} "
         f"({len(report.unchanged)} unchanged); build it with: kubectl kustomize {args.output}")
    for path in report.created:
        _err(f"created {path}: fill in the values; it is git-ignored")
    if report.missing_secret_keys:
        _err("secrets.env lacks: " + ", ".join(report.missing_secret_keys))
    return 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    from migrate_tui.manifests.ledger import RENDERERS

    sys.stdout.write(RENDERERS[args.format](_manifests(args)))
    return 0


def _cmd_merge_driver(args: argparse.Namespace) -> int:
    from migrate_tui.progress.commands import cmd_merge_driver

    return cmd_merge_driver(args.base, args.ours, args.theirs)


_COMMANDS = {
    "config": _cmd_config, "analyze": _cmd_analyze, "plan": _cmd_plan, "status": _cmd_status,
    "set": _cmd_set, "assign": _cmd_assign, "merge-driver": _cmd_merge_driver, "tui": _cmd_tui,
    "manifests": _cmd_manifests, "ledger": _cmd_ledger,
}


def _split_default_command(argv: list[str]) -> list[str]:
    """``migrate-tui [flags] [PATH]`` means ``migrate-tui [flags] tui [PATH]``."""
    takes_value = {"-f", "--file", "-p", "--project-name", "--project-directory",
                   "--env-file", "--profile"}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return argv
        if arg in takes_value or arg in ("--state", "-o", "--output"):
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        if arg in _COMMANDS:
            return argv
        return [*argv[:i], "tui", *argv[i:]]
    return [*argv, "tui"]


def main(argv: Sequence[str] | None = None, *, exit_at_once: bool = False) -> int:
    """Run the command line; returns the exit code.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
        exit_at_once: End the process as soon as a one-shot command is done (see
            :func:`run`); the TUI always returns.
    """
    args_list = _split_default_command(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(args_list)
    one_shot = args.command != "tui"
    # A one-shot command builds a large graph of objects that all live until it exits: the
    # cyclic collector would only walk them again and again (0.13 s of 1.5 s at 2,000
    # services). Reference counting still frees what is dropped. The process ends inside
    # the pause: resumed, the collector would walk everything once more on the way out.
    try:
        with gc_pause() if one_shot else contextlib.nullcontext():
            code = _run_command(args)
            if exit_at_once and one_shot:
                _exit_now(code)
    finally:
        _KEPT.clear()
    return code


def _run_command(args: argparse.Namespace) -> int:
    """The command's exit code, its errors said on stderr without a traceback."""
    try:
        return _COMMANDS[args.command](args)
    except MigrateError as exc:
        _err(exc.render())
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0  # the reader took what it wanted and left (``| head``)
    except OSError as exc:  # mostly the output that could not be written (a full disk)
        _err(_write_failure(exc))
        return 1


def run() -> int:
    """The ``migrate-tui`` program: :func:`main`, ending a one-shot command at once.

    What a one-shot command built lives until the end; freeing it object by object as the
    interpreter shuts down (0.06 s at 2,000 services) serves nobody, so the process ends
    right after its output is flushed, as mypy's ``hard_exit`` does.
    """
    return main(exit_at_once=True)


def _exit_now(code: int) -> NoReturn:
    """Flush the output, then end the process with ``code``.

    A reader that left (``| head``) is no failure. Any other failed write (a full disk) is
    said on stderr and ends the process with 1: a script must not take a cut-off plan for
    a whole one.
    """
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # (started with it closed: ``>&-``)
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.write(2, f"{visible(_write_failure(exc))}\n".encode())
            code = code or 1
    os._exit(code)


def _write_failure(exc: OSError) -> str:
    """The message for a file or an output that could not be written."""
    where = exc.filename or "the output could not be written"
    return f"migrate-tui: {where}: {exc.strerror or exc}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
