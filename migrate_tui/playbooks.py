"""Where the playbooks are: the knowledge migrate-tui keeps as data files.

The ``playbooks/`` folder sits at the root of the repository. An installed copy ships it
inside the package as ``migrate_tui.playbooks_data`` (``setup.py`` maps the folder there),
so a wheel and an editable install find the same files a source checkout does.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migrate_tui.compose.parse import ParsedFile, format_path, parse_yaml
from migrate_tui.errors import Location, PlaybookError, YamlSyntaxError
from migrate_tui.fsio import PLAYBOOK_FILE_LIMIT, read_text_bounded
from migrate_tui.text import plural

PACKAGE = "migrate_tui.playbooks_data"
"""The package the installed playbooks live in."""
MARKER = Path("catalogue") / "stateful_images.yaml"
"""A file every playbooks folder has: how a folder is recognised as the real one."""


@lru_cache(maxsize=1)
def playbooks_dir() -> Path:
    """The folder of the playbooks: the packaged copy, else the source checkout's.

    Returns:
        The folder holding ``catalogue/``, ``findings.yaml`` and the other playbooks.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is not None:
        for location in spec.submodule_search_locations or []:
            folder = Path(location)
            if (folder / MARKER).is_file():
                return folder
    return Path(__file__).resolve().parent.parent / "playbooks"



class Reasoned(BaseModel):
    """A number the code decides with, and the sentence that says why it is that number.

    Thresholds and weights live in the playbooks as ``{value: ..., why: ...}``: a reviewer
    who disagrees with the number reads the reason next to it, and changes both.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    value: float
    """The number."""
    why: str = Field(min_length=20)
    """Why it is this number, in a sentence."""


M = TypeVar("M", bound=BaseModel)


def load_playbook(relative: str, model: type[M], folder: Path | None = None) -> M:
    """Read one playbook file and validate it with its pydantic model.

    Args:
        relative: The file's path under the playbooks folder (``catalogue/heuristics.yaml``).
        model: The model the whole file must match.
        folder: The playbooks folder; :func:`playbooks_dir` when None.

    Returns:
        The validated model.

    Raises:
        PlaybookError: The file is missing, is not YAML, or does not match the model; every
            problem of the file is listed, each with its line, item and field.
    """
    path = (folder or playbooks_dir()) / relative
    try:
        text = read_text_bounded(path, PLAYBOOK_FILE_LIMIT, error=PlaybookError)
    except OSError as exc:  # missing (a pipe, a device, a huge file: PlaybookError)
        raise PlaybookError(
            f"cannot read the playbook {relative}: {exc.strerror or exc}",
            location=Location(str(path)),
            hint="restore the file from the repository or reinstall migrate-tui",
        ) from None
    try:
        parsed = parse_yaml(text, str(path))
    except YamlSyntaxError as exc:
        raise PlaybookError(exc.message, location=exc.location, hint=exc.hint) from None
    try:
        return model.model_validate(parsed.data)
    except ValidationError as exc:
        raise _problems(parsed, exc) from None


def _item_label(data: Any, loc: tuple[str | int, ...]) -> tuple[str, str]:
    """(item, field) of an error location: ``images[3] (PostgreSQL)`` and ``ports[0]``.

    An item is the first mapping in a list on the way (named by its ``name`` or ``id``);
    without one, the whole path is the item and there is no field.
    """
    node = data
    for i, part in enumerate(loc):
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            if isinstance(item, dict):
                name = item.get("name") or item.get("id")
                head = format_path(loc[: i + 1])
                label = f"{head} ({name})" if name else head
                return label, format_path(loc[i + 1:])
        node = node.get(part) if isinstance(node, dict) else None
    return format_path(loc) or "(top level)", ""


def _problems(parsed: ParsedFile, exc: ValidationError) -> PlaybookError:
    lines = []
    first: Location | None = None
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        where = parsed.locate(loc)
        first = first or where
        item, field_name = _item_label(parsed.data, loc)
        line = f"line {where.line}: " if where.line else ""
        field_text = f", field {field_name}" if field_name else ""
        value = err.get("input")
        got = f" (got {value!r})" if isinstance(value, (str, int, float)) else ""
        lines.append(f"{line}{item}{field_text}: {err['msg']}{got}")
    count = len(lines)
    head = f"the playbook is not valid ({plural(count, 'problem')})"
    return PlaybookError(
        head + ":\n  " + "\n  ".join(lines),
        location=first or Location(parsed.path),
        hint="correct the fields named; the comments at the top of the file describe them",
    )
