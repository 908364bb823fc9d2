"""Phase 3, validate: each file against the Compose Specification's JSON schema.

The schema (``compose-spec.json``, from the compose-spec project, Apache-2.0) is data,
checked by the small validator in :mod:`~migrate_tui.compose.json_schema`. Every
problem in a file is collected before one error is raised, with the file, line and key
path of each, so a user fixes the file in one pass.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from migrate_tui.compose.json_schema import Schema, SchemaValidator
from migrate_tui.compose.parse import KeyPath, ParsedFile, format_path
from migrate_tui.errors import MigrateError, ProblemList, SchemaError

_MAX_PROBLEMS = 20


@lru_cache(maxsize=1)
def compose_schema() -> Schema:
    """The Compose Specification schema shipped with the package."""
    # (Beside this module, as the playbooks are: ``importlib.resources`` would import
    # ``zipfile`` and more at every start for a package that is never zipped.)
    text = Path(__file__).with_name("compose-spec.json").read_text("utf-8")
    schema: Schema = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> SchemaValidator:
    """The validator of the Compose schema, its checks built once a process."""
    return SchemaValidator(compose_schema())


def validate(data: dict[str, Any], source: ParsedFile) -> None:
    """Validate one interpolated file against the Compose schema.

    Args:
        data: The file's data after interpolation.
        source: The parsed file, for locations.

    Raises:
        SchemaError: One problem.
        ProblemList: Several, each a :class:`SchemaError`.
    """
    validator = _validator()
    if validator.check(compose_schema())(data):
        return
    found = validator.errors(data, compose_schema(), ())
    if not found:
        return
    problems: list[MigrateError] = []
    for kp, message in found[:_MAX_PROBLEMS]:
        where = format_path(kp) or "the top level"
        problems.append(
            SchemaError(
                f"{where} {message}" if not message.startswith("additional") else
                f"{where}: {message}",
                location=source.locate(kp),
                path=format_path(kp) or None,
                hint=_hint(kp, message),
            )
        )
    if len(problems) == 1:
        raise problems[0]
    raise ProblemList(problems)


def _hint(kp: KeyPath, message: str) -> str:
    if message.startswith("additional property"):
        key = kp[-1]
        if len(kp) == 1:
            return (f"remove {key!r} or rename it to one of the top-level keys: services, "
                    "networks, volumes, secrets, configs, include, name (or x-... for your own)")
        return (f"remove {key!r} or check its spelling against the Compose Specification "
                "(prefix your own keys with x-)")
    if message.startswith("must be"):
        return "change the value to the type the Compose Specification expects here"
    if "unique" in message:
        return "remove the duplicate entry"
    return "check this value against the Compose Specification"
