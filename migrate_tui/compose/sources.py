"""Where each key of a loaded project was written: the file, the line, the column.

Every phase works on plain data; this index keeps the positions the parse phase recorded,
for every file that took part (the compose files, the files they extend and include). A
key path is looked up in the files from the last loaded to the first, so an override's
line wins over the base file's, as its value does.
"""

from __future__ import annotations

from migrate_tui.compose.parse import KeyPath, ParsedFile
from migrate_tui.errors import Location


class SourceIndex:
    """Positions of key paths across the files of a project."""

    def __init__(self) -> None:
        self.files: list[ParsedFile] = []

    def add(self, parsed: ParsedFile) -> None:
        """Record a file that took part in the load."""
        self.files.append(parsed)

    def locate(self, kp: KeyPath) -> Location | None:
        """The most specific known location of ``kp`` (or of its nearest parent)."""
        probe = kp
        while probe:
            for parsed in reversed(self.files):
                pos = parsed.positions.get(probe)
                if pos is not None:
                    return Location(parsed.path, pos[0], pos[1])
            probe = probe[:-1]
        return Location(self.files[0].path) if self.files else None

    def locate_entry(self, kp: KeyPath, name: str) -> Location | None:
        """Where ``name`` is named under ``kp``: a key of a mapping or an item of a list.

        ``depends_on``, ``networks`` and the like take both forms; after the canonical
        phase only the mapping is left, so a list item is found here by its value.
        """
        for parsed in reversed(self.files):
            node: object = parsed.data
            for part in kp:
                if isinstance(node, dict) and part in node:
                    node = node[part]
                else:
                    node = None
                    break
            if isinstance(node, dict) and name in node:
                return parsed.locate((*kp, name))
            if isinstance(node, list) and name in node:
                return parsed.locate((*kp, node.index(name)))
        return self.locate((*kp, name))

    def line_of(self, kp: KeyPath) -> tuple[str, int | None]:
        """(file, line) of ``kp``, for evidence in findings."""
        loc = self.locate(kp)
        if loc is None:
            return ("", None)
        return (loc.file, loc.line)
