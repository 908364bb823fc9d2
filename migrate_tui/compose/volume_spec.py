"""Phase 4, canonical: the short volume syntax (``./data:/var/lib/data:ro``) in long form.

A host path in a volume (``./data``, ``~/cache``) is made absolute here, as Compose does,
against the folder of the file that wrote it; a bare name is a named volume.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from migrate_tui.compose.keypath import KeyPath
from migrate_tui.compose.ports import Problem

_BIND_PROPAGATION = {"rprivate", "private", "rshared", "shared", "rslave", "slave"}


def _split_volume(spec: str) -> list[str]:
    """Split a short volume spec on colons, keeping Windows drive letters (``C:``) whole."""
    parts: list[str] = []
    buffer = ""
    for ch in spec:
        if ch == ":" and len(buffer) == 1 and buffer.isalpha():
            buffer += ch
        elif ch == ":":
            parts.append(buffer)
            buffer = ""
        else:
            buffer += ch
    parts.append(buffer)
    return parts



def abs_path(base_dir: str, path: str, home: str) -> str:
    """``path`` made absolute against ``base_dir``, with ``~`` as the home folder."""
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    if posixpath.isabs(path) or _WINDOWS_ABS.match(path):
        return path  # Compose keeps an absolute path exactly as written
    return posixpath.normpath(posixpath.join(base_dir, path))


_WINDOWS_ABS = re.compile(r"^(?:[a-zA-Z]:[\\/]|\\\\)")


def parse_volume(
    spec: str, kp: KeyPath, problem: Problem, base_dir: str, home: str
) -> dict[str, Any]:
    """A short volume spec (``SRC:DST[:OPTS]``) as a long entry, host paths resolved.

    Args:
        spec: The short spec, as text.
        kp: Its key path, for messages.
        problem: Makes the error for a spec Compose refuses.
        base_dir: The folder a relative host path is resolved against.
        home: The home folder for ``~``.

    Returns:
        The long entry, with the keys Compose prints.

    Raises:
        SchemaError: The spec is empty, has an empty section or too many colons.
    """
    if not spec:
        raise problem("invalid empty volume spec", kp, "write SOURCE:TARGET or TARGET")
    parts = _split_volume(spec)
    if any(p == "" for p in parts):
        raise problem(
            f"invalid volume spec {spec!r}: empty section between colons",
            kp,
            "write SOURCE:TARGET[:ro]",
        )
    if len(parts) > 3:
        raise problem(
            f"invalid volume spec {spec!r}: too many colons",
            kp,
            "write SOURCE:TARGET[:OPTIONS], options separated by commas (ro,z)",
        )
    source = parts[0] if len(parts) > 1 else ""
    target = parts[1] if len(parts) > 1 else parts[0]
    vol: dict[str, Any] = {}
    options = parts[2].split(",") if len(parts) == 3 else []
    read_only = False
    bind: dict[str, Any] = {}
    volume_opts: dict[str, Any] = {}
    for option in options:
        if option == "ro":
            read_only = True
        elif option == "rw":
            read_only = False
        elif option == "nocopy":
            volume_opts["nocopy"] = True
        elif option in _BIND_PROPAGATION:
            bind["propagation"] = option
        elif option in ("z", "Z"):
            bind["selinux"] = option
    is_path = bool(source) and (source[0] in "./~" or source.startswith("\\\\") or (
        len(source) > 1 and source[1] == ":"))
    if is_path:
        vol["type"] = "bind"
        vol["source"] = abs_path(base_dir, source, home)
    else:
        vol["type"] = "volume"
        if source:
            vol["source"] = source
    vol["target"] = target if _WINDOWS_ABS.match(target) else posixpath.normpath(target)
    if read_only:
        vol["read_only"] = True
    if is_path:
        bind["create_host_path"] = True
        vol["bind"] = bind
    else:
        if bind:  # (SELinux labels and propagation apply to a named volume too)
            vol["bind"] = bind
        if len(spec) > 2:  # (one or two characters, "/d", Compose reads as a target alone)
            vol["volume"] = volume_opts
    return vol
