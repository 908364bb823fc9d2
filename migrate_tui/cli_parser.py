"""The ``migrate-tui`` argument parser: its subcommands, the Compose flags they share, and
the hints a mistyped flag gets (no abbreviations: ``--project`` is not ``--project-name``).
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable
from typing import Any, NoReturn

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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``migrate-tui``.

    Args:
        only: The subcommand about to be parsed, when known: the settings' flags, made
            from the progress model (whose import costs a quarter of a second), are then
            added to it alone, so that ``config`` does not pay for them. None: every flag.
    """

    def wanted(name: str) -> bool:
        return only is None or only == name

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
    analyze.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    plan = command("plan", "the phased migration plan", state=True)
    plan.add_argument("--format", choices=("markdown", "json"), default="markdown")
    plan.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    if wanted("plan"):
        _add_setting_flags(plan, answers=True)
    status = command("status", "progress: done/total overall, per phase, service, person",
                     state=True)
    status.add_argument("--format", choices=("text", "json"), default="text")
    if wanted("status"):
        _add_setting_flags(status, answers=False)
    settings = command("settings", "show the saved team settings and decision answers, or "
                       "save new ones in the progress file", state=True)
    settings.add_argument("--format", choices=("text", "json"), default="text")
    if wanted("settings"):
        _add_settings_command(settings)
    set_cmd = command("set", "set the status of a checklist item", path=False, state=True)
    set_cmd.add_argument("item", metavar="ITEM_ID", help="e.g. api.probes (see `plan`)")
    set_cmd.add_argument("--status", required=True,
                         choices=("todo", "doing", "done", "skipped", "blocked"))
    set_cmd.add_argument("--by", metavar="NAME", help="who (default: git config user.name)")
    set_cmd.add_argument("--note", metavar="TEXT", help="a note ('' removes it)")
    set_cmd.add_argument("--at", metavar="YYYY-MM-DD",
                         help="the day it started (doing) or finished (done), to back-fill "
                         "(default: today)")
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
    _add_verify(command("verify", "check the plan's items against your Kubernetes manifests",
                        state=True))
    tui = command("tui", "open the migration workspace (the default)", state=True)
    del tui
    return parser


def _add_verify(verify: argparse.ArgumentParser) -> None:
    """``migrate-tui verify [PATH] --manifests DIR``: the flags of issue 16's CI gate."""
    verify.add_argument("--manifests", required=True, metavar="DIR",
                        help="your manifests: a Kustomize folder (rendered with kubectl "
                        "kustomize) or a folder of YAML files")
    verify.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    verify.add_argument("--update", action="store_true",
                        help="tick verified items in the progress file (by: verify) and "
                        "record every verdict; never unticks")
    verify.add_argument("--no-kustomize", dest="kustomize", action="store_false",
                        help="read the YAML files as they are, even in a Kustomize folder")
    verify.add_argument("--all", dest="all_items", action="store_true",
                        help="list the unknown items too (text)")


def _add_setting_flags(parser: argparse.ArgumentParser, *, answers: bool) -> None:
    """One flag per setting of the progress model (team, focus, start; the answers)."""
    from migrate_tui.progress.settings import ANSWER_FIELDS, PLAN_FIELDS

    groups = [("team settings (default: the saved ones, see `migrate-tui settings`)",
               PLAN_FIELDS)]
    if answers:
        groups.append(("decision answers (default: the saved ones)", ANSWER_FIELDS))
    for title, fields in groups:
        group = parser.add_argument_group(title)
        for field in fields:
            group.add_argument(field.flag, dest=field.name, type=_typed(field.parse),
                               metavar=field.metavar, help=field.help)


def _add_settings_command(parser: argparse.ArgumentParser) -> None:
    """``settings``: the setting flags, and what clears a setting or an override."""
    from migrate_tui.progress.settings import SETTING_FIELDS

    _add_setting_flags(parser, answers=True)
    names = [f.flag[2:] for f in SETTING_FIELDS]
    group = parser.add_argument_group("clearing")
    group.add_argument("--unset", action="append", default=[], metavar="NAME",
                       type=_choice(names),
                       help="return a setting to its default, or an answer to not answered "
                       "(repeatable): " + ", ".join(names))
    group.add_argument("--reset-override", action="append", default=[], metavar="SERVICE",
                       help="remove the class and kind overrides of SERVICE: the analysis "
                       "decides again (repeatable)")


def _typed(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse ``type`` from a setting's parser: a refused value is a usage error."""

    def convert(text: str) -> Any:
        try:
            value = parse(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
        if value is None:
            raise argparse.ArgumentTypeError("give a value (--unset NAME clears a setting)")
        return value

    return convert


def _choice(names: list[str]) -> Callable[[str], str]:
    """A ``type`` taking one of ``names`` (``team-size`` or ``team_size``), as a field name."""

    def convert(text: str) -> str:
        name = text.removeprefix("--").replace("_", "-")
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            raise argparse.ArgumentTypeError(
                f"{text!r} is no setting" + (f"; did you mean {close[0]}?" if close else "")
                + "; the settings are " + ", ".join(names))
        return name.replace("-", "_")

    return convert
