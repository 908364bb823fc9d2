"""The one error hierarchy of migrate-tui.

Every error a user can cause is a :class:`MigrateError`. It names the file, the line and
column where the YAML has them, the dotted key path (``services.web.ports[1]``) and what
to do about it. The CLI prints it in a few lines, without a traceback, and exits 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrate_tui.text import visible


@dataclass(frozen=True)
class Location:
    """Where something stands in a source file."""

    file: str
    """Path of the file, as the user would recognise it."""
    line: int | None = None
    """1-based line number, when known."""
    column: int | None = None
    """1-based column number, when known."""

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out


class MigrateError(Exception):
    """Base of every error migrate-tui reports to a user.

    Args:
        message: What is wrong, in one sentence.
        location: The file (and line) where it is wrong.
        path: The dotted key path, e.g. ``services.web.ports[1]``.
        hint: What the user should do about it.
    """

    exit_code = 2
    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.path = path
        self.hint = hint

    @property
    def file(self) -> str | None:
        """The file the error is in, if known."""
        return self.location.file if self.location else None

    @property
    def line(self) -> int | None:
        """The 1-based line the error is on, if known."""
        return self.location.line if self.location else None

    def render(self) -> str:
        """The error as the CLI prints it: a few lines, no traceback.

        What came from a file (a key path, a value quoted in the message, a file name) is
        shown safely: secrets masked, control characters written out (:func:`_shown`).
        """
        head = f"{_shown(str(self.location), one_line=True)}: " if self.location else ""
        lines = [f"{head}{self.kind}: {_shown(self.message)}"]
        if self.path:
            lines.append(f"  at key: {_shown(self.path, one_line=True)}")
        if self.hint:
            lines.append(f"  fix: {_shown(self.hint)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _shown(text: str, *, one_line: bool = False) -> str:
    r"""``text`` with its control characters written out (``\x1b``): :func:`visible`.

    Secrets are masked where a message is shown (the CLI's ``_err``, the TUI's ``clean``,
    the merge driver), by :mod:`migrate_tui.masking`, which reads a playbook and so sits
    above this module.
    """
    return visible(text, one_line=one_line)


class ComposeError(MigrateError):
    """Anything wrong with a Compose project."""


class DiscoveryError(ComposeError):
    """No compose file found, a named file missing, bad CLI options."""


class YamlSyntaxError(ComposeError):
    """The file is not valid YAML, has duplicate keys, or is too large to expand."""


class InterpolationError(ComposeError):
    """A ``${VAR}`` expression is malformed or a required variable is unset."""


class EnvFileError(ComposeError):
    """An env file is missing or cannot be read."""


class SchemaError(ComposeError):
    """A key is unknown or a value has the wrong type or form."""


class ExtendsError(ComposeError):
    """An ``extends`` target is missing or the chain is cyclic."""


class IncludeError(ComposeError):
    """An ``include`` target is missing or the includes are cyclic."""


class MergeError(ComposeError):
    """Two files cannot be merged."""


class ConsistencyError(ComposeError):
    """A reference to a service, volume, network, secret or config that does not exist."""


class PlaybookError(MigrateError):
    """A playbook file (the catalogue, the rule texts) is missing or malformed."""


class AnalysisError(MigrateError):
    """A hint for the analysis (``x-migrate``, an override) has the wrong form."""


class UnsafeFileError(MigrateError):
    """A file cannot be read or written safely: a symbolic link where none is followed, a
    pipe, a device or a folder where a file belongs, a file too large, not UTF-8 text, or a
    path outside the project folder (see :mod:`migrate_tui.fsio`)."""


class ManifestError(MigrateError):
    """The manifests cannot be generated or written (a bad output folder, files the team
    edited, a malformed ``x-migrate`` hint the generator reads)."""


class VerifyError(MigrateError):
    """The manifests to verify against cannot be read: a missing folder, YAML that does not
    parse or expands too far, a file too large, ``kubectl kustomize`` failing."""


class ProblemList(MigrateError):
    """Several problems found in one pass, so a user fixes a file at once.

    Args:
        problems: The problems, each a :class:`MigrateError`.
    """

    def __init__(self, problems: list[MigrateError]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(
            first.message, location=first.location, path=first.path, hint=first.hint
        )

    def render(self) -> str:
        """All the problems, one block each."""
        if len(self.problems) == 1:
            return self.problems[0].render()
        head = f"{len(self.problems)} problems:"
        return "\n".join([head] + [p.render() for p in self.problems])


class ProgressError(MigrateError):
    """The progress file is broken or cannot be saved, or a change is not valid.

    Raised when ``migration.toml`` does not parse or validate, cannot be written, or a
    change names an unknown item, status or setting.

    Args:
        message: What is wrong, in one sentence.
        location: The file (and line) where it is wrong.
        path: The dotted key path in the TOML file, e.g. ``items."api.probes".status``.
        hint: What the user should do about it.
        also: Further problems found in the same pass, so a user fixes the file at once.
    """

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        path: str | None = None,
        hint: str | None = None,
        also: list[ProgressError] | None = None,
    ) -> None:
        super().__init__(message, location=location, path=path, hint=hint)
        self.also = list(also or [])

    @property
    def problems(self) -> list[ProgressError]:
        """This problem and the further ones, in file order."""
        return [self, *self.also]

    def render(self) -> str:
        """Every problem, one block each."""
        first = super().render()
        if not self.also:
            return first
        blocks = [first] + [p.render() for p in self.also]
        return "\n".join([f"{len(blocks)} problems:", *blocks])
