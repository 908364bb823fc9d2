"""The ``migrate-tui`` command line.

``migrate-tui [PATH]`` opens the TUI; ``migrate-tui config [PATH]`` prints the normalized
project. The Compose flags (``-f``, ``-p``, ``--project-directory``, ``--env-file``,
``--profile``) go before or after the subcommand, as users type them for ``docker compose``.
Errors print in a few lines, without a traceback, and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TypeVar

from migrate_tui.cli_parser import build_parser
from migrate_tui.errors import MigrateError
from migrate_tui.gc_pause import gc_pause
from migrate_tui.masking import mask_data, mask_secrets
from migrate_tui.text import plural, visible, visible_json


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

    text = run_analyze(_load(args), args.format, _color(), warn=_warn)
    if args.format in ("json", "sarif"):  # (masked as data by run_analyze)
        sys.stdout.write(visible_json(text))
    else:
        _out(text, escaped=True)  # (escaped by the report, which keeps its colours)
    return 0


def _flags(args: argparse.Namespace) -> Any:
    """The settings given as flags, for this run only (None where not given)."""
    from migrate_tui.planning.decision import Answers
    from migrate_tui.planning.plan import Settings
    from migrate_tui.progress.settings import ANSWER_FIELDS

    return Settings(
        team_size=getattr(args, "team_size", None), focus=getattr(args, "focus", None),
        start=getattr(args, "start", None),
        answers=Answers(**{f.name: getattr(args, f.name, None) for f in ANSWER_FIELDS}),
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
    est = ws.playbooks.estimates
    text = cmd_status(ws.store, ws.rows(), args.format, plan=ws.plan,
                      ranges=(est.range_low, est.range_high))
    if args.format == "json":
        sys.stdout.write(_json_text(json.loads(text)))
    else:
        _out(text)
    return 0


def _cmd_set(args: argparse.Namespace) -> int:
    from migrate_tui.progress.commands import cmd_set

    ws = _workspace(args)
    _out(cmd_set(ws.store, args.item, args.status, _by(args, ws), args.note, ws.item_ids(),
                 args.at) + "\n")
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    from migrate_tui.progress.commands import cmd_assign

    ws = _workspace(args)
    _out(cmd_assign(ws.store, args.item, args.name, _by(args, ws), ws.item_ids()) + "\n")
    return 0


def _manifests(args: argparse.Namespace) -> Any:
    """The manifests and ledger (no plan is made: neither command shows one)."""
    from migrate_tui.workspace import open_manifests

    return _kept(open_manifests(_options(args), state_file=getattr(args, "state", None),
                                secrets_mode=args.secrets, warn=_warn))


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

    text = RENDERERS[args.format](_manifests(args))
    if args.format == "json":
        sys.stdout.write(visible_json(text))  # (names from the project: C1 and bidi as \u)
    else:
        _out(text)
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from migrate_tui.verify import read_manifests, verify_plan
    from migrate_tui.verify.render import render_json, render_sarif, render_text

    ws = _workspace(args)
    manifests = read_manifests(args.manifests, kustomize=args.kustomize)
    report = verify_plan(ws.plan, ws.analysis, ws.project, manifests)
    if args.update:
        from migrate_tui.verify.update import record_verdicts

        for line in record_verdicts(ws, report):
            _err(line)
    if args.format == "json":
        sys.stdout.write(visible_json(render_json(report)))
    elif args.format == "sarif":
        sys.stdout.write(visible_json(render_sarif(report, ws.project.working_dir)))
    else:
        _out(render_text(report, all_items=args.all_items))
    return 1 if report.failed else 0


def _cmd_settings(args: argparse.Namespace) -> int:
    from migrate_tui.progress.settings import SETTING_FIELDS, cmd_settings, requested_changes
    from migrate_tui.workspace import detected, open_files

    files = open_files(_options(args), state_file=getattr(args, "state", None),
                       playbooks_dir=getattr(args, "playbooks", None), warn=_warn)
    if files.progress_error is not None:
        raise files.progress_error  # (nothing is written over a file that does not read)
    project = files.project
    changes = requested_changes(
        {f.name: getattr(args, f.name, None) for f in SETTING_FIELDS}, args.unset,
        args.reset_override, files.state, {*project.services, *project.inactive_services})
    est = files.playbooks.estimates
    text = cmd_settings(files.store, files.state, changes,
                        defaults={"team_size": est.team_size, "focus": est.focus},
                        detected=lambda state: detected(project, state), fmt=args.format)
    if args.format == "json":
        sys.stdout.write(_json_text(json.loads(text)))
    else:
        _out(text)
    return 0


def _cmd_merge_driver(args: argparse.Namespace) -> int:
    from migrate_tui.progress.commands import cmd_merge_driver

    return cmd_merge_driver(args.base, args.ours, args.theirs)


_COMMANDS = {
    "config": _cmd_config, "analyze": _cmd_analyze, "plan": _cmd_plan, "status": _cmd_status,
    "set": _cmd_set, "assign": _cmd_assign, "merge-driver": _cmd_merge_driver, "tui": _cmd_tui,
    "manifests": _cmd_manifests, "ledger": _cmd_ledger, "verify": _cmd_verify,
    "settings": _cmd_settings,
}


_TAKES_VALUE = frozenset({"-f", "--file", "-p", "--project-name", "--project-directory",
                          "--env-file", "--profile", "--state", "--playbooks", "-o",
                          "--output", "--manifests"})
"""The flags typed before a subcommand's name that take the next word as their value."""


def _first_word(argv: list[str]) -> int | None:
    """Where the first word that is no flag (nor a flag's value) is in ``argv``: the
    subcommand, or the PATH of the default ``tui``; ``len(argv)`` when there is none, None
    when ``--help`` comes first."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return None
        if arg in _TAKES_VALUE:
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return i
    return len(argv)


def _split_default_command(argv: list[str]) -> list[str]:
    """``migrate-tui [flags] [PATH]`` means ``migrate-tui tui [flags] [PATH]``.

    ``tui`` goes first, not just before PATH: its flags (``--state``, ``--playbooks``)
    are the subcommand's, which the top-level parser would refuse, and the top-level
    flags (``-f``, ``--profile``) are the subcommand's too.
    """
    i = _first_word(argv)
    if i is None or (i < len(argv) and argv[i] in _COMMANDS):
        return argv
    return ["tui", *argv]


def main(argv: Sequence[str] | None = None, *, exit_at_once: bool = False) -> int:
    """Run the command line; returns the exit code.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
        exit_at_once: End the process as soon as a one-shot command is done (see
            :func:`run`); the TUI always returns.
    """
    args_list = _split_default_command(list(sys.argv[1:] if argv is None else argv))
    i = _first_word(args_list)  # (after the split: the subcommand, when there is one)
    parser = build_parser(args_list[i] if i is not None and i < len(args_list) else None)
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
