"""A mapping that notes what is read from it: the key of a result that may be reused.

A step that reads a few entries of a big mapping (a rule reading some services' kinds, a
manifest builder looking up a dependency's facts) is run with the mapping wrapped in a
:class:`Recorded`; what it read, with the values read, is then all the step's result
depends on of that mapping. The result holds for another mapping that has the same values
at those keys (:meth:`Recorded.holds_in`): the list is what was read, not one kept by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

_V = TypeVar("_V")
_ABSENT: Any = object()


class Recorded(Mapping[str, _V], Generic[_V]):
    """A mapping that notes every key read from it, with the value read (None: absent)."""

    def __init__(self, data: Mapping[str, _V]) -> None:
        self._data = data
        self.read: dict[str, _V | None] = {}

    def __getitem__(self, key: str) -> _V:
        value = self._data.get(key, _ABSENT)
        if value is _ABSENT:
            self.read[key] = None
            raise KeyError(key)
        self.read[key] = value
        return value  # type: ignore[no-any-return]

    def get(self, key: str, default: Any = None) -> Any:
        """The value at ``key``, else ``default`` (noted as read either way)."""
        value = self._data.get(key, _ABSENT)
        if value is _ABSENT:
            self.read[key] = None
            return default
        self.read[key] = value
        return value

    def __contains__(self, key: object) -> bool:
        value = self._data.get(key, _ABSENT)  # type: ignore[call-overload]
        self.read[key] = None if value is _ABSENT else value  # type: ignore[index]
        return value is not _ABSENT

    def __iter__(self) -> Iterator[str]:
        self.read.update(self._data)  # (going through it reads every value)
        return iter(self._data)

    def __len__(self) -> int:
        self.read.update(self._data)
        return len(self._data)


def holds_in(read: Mapping[str, object], data: Mapping[str, object]) -> bool:
    """True when ``data`` has the values ``read`` noted (:attr:`Recorded.read`)."""
    return all(same(data.get(key), value) for key, value in read.items())


def same(a: object, b: object) -> bool:
    """Equal; at once when the same object (a dataclass's ``==`` does not check that)."""
    return a is b or a == b
