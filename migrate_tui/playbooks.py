"""Where the playbooks are: the knowledge migrate-tui keeps as data files.

The ``playbooks/`` folder sits at the root of the repository. An installed copy ships it
inside the package as ``migrate_tui.playbooks_data`` (``setup.py`` maps the folder there),
so a wheel and an editable install find the same files a source checkout does.

Every playbook file is read through :func:`playbook_data`, the one loader: its parsed data
is kept on disk (:func:`cache_dir`), by the package version and the file's content, so the
next command only reads the file and the cached JSON. A team's own ``--playbooks`` files
have their own content and so their own entries. The cache is a convenience: a missing,
corrupt or unwritable one, or a link planted where an entry goes, is passed over, never an
error.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migrate_tui import __version__
from migrate_tui.compose import parse
from migrate_tui.compose.parse import ParsedFile, format_path, parse_yaml
from migrate_tui.errors import Location, MigrateError, PlaybookError, YamlSyntaxError
from migrate_tui.fsio import PLAYBOOK_FILE_LIMIT, read_text_bounded, write_text_safely
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


CACHE_FORMAT = "1"
"""The layout of a cache entry: a change of it makes every older entry a miss."""


def cache_dir() -> Path | None:
    """Where parsed playbooks are kept: ``$XDG_CACHE_HOME/migrate-tui``, else
    ``~/.cache/migrate-tui``; None when neither is an absolute path (``HOME=repo``: a
    relative one would put the cache in the user's project)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # (a relative one is to be ignored, says the spec)
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "migrate-tui") if os.path.isabs(base) else None


@lru_cache(maxsize=1)
def _parser_stamp() -> str:
    """What the parsed data depends on besides the file: the package version, the cache
    layout, and the parser module as installed (an edited checkout keeps its version)."""
    try:
        info = os.stat(parse.__file__)
        source = f"{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        source = "?"
    return f"{__version__}\0{CACHE_FORMAT}\0{source}\0"


def _cache_key(text: str) -> str:
    return hashlib.sha256(_parser_stamp().encode() + text.encode()).hexdigest()


_MISS = object()


def _cache_read(key: str) -> Any:
    """The data cached under ``key``, or ``_MISS`` when there is none (or none usable)."""
    root = cache_dir()
    if root is None:
        return _MISS
    path = root / "playbooks" / f"{key}.json"
    try:
        entry = json.loads(read_text_bounded(path, 4 * PLAYBOOK_FILE_LIMIT, follow_links=False))
    except (OSError, MigrateError, ValueError):  # missing, a link, unreadable, corrupt
        return _MISS
    if not isinstance(entry, dict) or entry.get("key") != key or "data" not in entry:
        return _MISS
    return entry["data"]


def _cache_write(key: str, data: Any) -> None:
    """Keep ``data`` under ``key`` if JSON holds it exactly; any failure is passed over."""
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False)
        root = cache_dir()
        if root is None or json.loads(text)["data"] != data:  # (a NaN is not held exactly)
            return
        folder = root / "playbooks"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_text_safely(folder / f"{key}.json", text, allowed_root=folder, user_named=False)
    except (OSError, MigrateError, ValueError, TypeError):
        return


def _read_playbook_text(path: Path) -> str:
    """The text of a playbook file (bounded, UTF-8).

    Raises:
        FileNotFoundError: Nothing is at ``path`` (each caller words what is missing).
        PlaybookError: A pipe, a device, a folder, a huge file, or not UTF-8 text.
    """
    return read_text_bounded(path, PLAYBOOK_FILE_LIMIT, error=PlaybookError)


def _parse_playbook(text: str, path: Path) -> ParsedFile:
    try:
        return parse_yaml(text, str(path))
    except YamlSyntaxError as exc:
        raise PlaybookError(exc.message, location=exc.location, hint=exc.hint) from None


def playbook_data(path: Path) -> Any:
    """The parsed data of one playbook file: the one loader of every playbook.

    Read from the disk cache when a file of the same content was parsed before (see the
    module's docstring), else parsed and kept there.

    Args:
        path: The playbook file.

    Returns:
        Its data: mappings, lists and scalars, as :func:`~.compose.parse.parse_yaml` reads
        them.

    Raises:
        FileNotFoundError: Nothing is at ``path``.
        PlaybookError: The file cannot be read or is not YAML (with its line).
    """
    text = _read_playbook_text(path)
    key = _cache_key(text)
    data = _cache_read(key)
    if data is _MISS:
        data = _parse_playbook(text, path).data
        _cache_write(key, data)
    return data


def locate_in_playbook(path: Path, key_path: tuple[str | int, ...]) -> Location:
    """Where a key path is in a playbook file: the file is parsed again, with positions,
    only when something in it is wrong.

    Returns:
        The file, and the line of ``key_path`` where it is found.
    """
    try:
        return _parse_playbook(_read_playbook_text(path), path).locate(key_path)
    except (OSError, MigrateError):
        return Location(str(path))



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
        data = playbook_data(path)
    except OSError as exc:  # missing (a pipe, a device, a huge file: PlaybookError)
        raise PlaybookError(
            f"cannot read the playbook {relative}: {exc.strerror or exc}",
            location=Location(str(path)),
            hint="restore the file from the repository or reinstall migrate-tui",
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _problems(path, data, exc) from None


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


def _problems(path: Path, data: Any, exc: ValidationError) -> PlaybookError:
    lines = []
    first: Location | None = None
    try:  # parsed again, with positions: only when something in it is wrong
        parsed: ParsedFile | None = _parse_playbook(_read_playbook_text(path), path)
    except (OSError, MigrateError):
        parsed = None
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        where = parsed.locate(loc) if parsed else Location(str(path))
        first = first or where
        item, field_name = _item_label(data, loc)
        line = f"line {where.line}: " if where.line else ""
        field_text = f", field {field_name}" if field_name else ""
        value = err.get("input")
        got = f" (got {value!r})" if isinstance(value, (str, int, float)) else ""
        lines.append(f"{line}{item}{field_text}: {err['msg']}{got}")
    count = len(lines)
    head = f"the playbook is not valid ({plural(count, 'problem')})"
    return PlaybookError(
        head + ":\n  " + "\n  ".join(lines),
        location=first or Location(str(path)),
        hint="correct the fields named; the comments at the top of the file describe them",
    )
