"""Keys as the user typed them, when the terminal hands several over at once.

A terminal gives the app every key typed since its last read in one go: a fast typist, a
paste without bracketed-paste, or any typing while the app is busy. Two things then went
wrong in Textual's handling, and this module puts them right:

- **Keys that follow a focus change.** Textual hands each key to the widget focused when
  the app reads it, before the key that moves the focus has run. In the Services view,
  ``/temp`` typed at once focused the filter only after ``t``, ``e``, ``m`` and ``p`` had
  gone to the table, and from there to the bindings: ``e`` opened the Export dialog.
  :class:`TypeAhead` notes where each key was sent; a key that comes back unused (about to
  be matched against the bindings) while the focus is on another widget that would type
  it (an ``Input``) goes to that widget instead. So no letter typed is taken as a command.
- **Escape and a digit in one read.** Textual reads ``ESC 4`` as WezTerm's Option+4 on
  macOS (a ``¢``; ``ESC 1``..``ESC =`` likewise ``¡™£∞§¶•ªº–≠``), so Escape then 4 typed at
  once put a ``¢`` in the focused field (the Export dialog's path) instead of closing the
  dialog and opening the Plan. :func:`split_escape_bursts` reads it as Escape, then the
  digit, except in WezTerm (``TERM_PROGRAM``), where it is the Option key.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

_OPTION_SEQUENCES = frozenset(
    sequence for sequence, key in ANSI_SEQUENCES_KEYS.items()
    if len(sequence) == 2 and sequence[0] == "\x1b" and isinstance(key, str))
"""Escape and one character that Textual turns into another character (WezTerm's
Option+digit on macOS): ``ESC 4`` is ``¢``."""

_split = [True]
"""Whether an Escape and a digit read at once are the two keys (not in WezTerm)."""

_parsed = XTermParser._sequence_to_key_events


def _sequence_to_key_events(self: XTermParser, sequence: str,
                            alt: bool = False) -> Iterable[events.Key]:
    if _split[0] and sequence in _OPTION_SEQUENCES:
        yield events.Key("escape", "\x1b")
        yield from _parsed(self, sequence[1])
        return
    yield from _parsed(self, sequence, alt)


def split_escape_bursts(environ: Mapping[str, str] | None = None) -> None:
    """Read Escape and a digit that arrive in one read as Escape, then the digit.

    Textual's parser reads them as WezTerm's Option+digit (``ESC 4`` is ``¢``), which in
    any other terminal types a stray character into the field in focus. In WezTerm
    (``TERM_PROGRAM=WezTerm``) they stay the Option key. Safe to call again (the terminal
    may differ: the tests set it).

    Args:
        environ: The environment to tell the terminal by; the process's by default.
    """
    env = os.environ if environ is None else environ
    _split[0] = env.get("TERM_PROGRAM") != "WezTerm"
    XTermParser._sequence_to_key_events = _sequence_to_key_events  # type: ignore[method-assign]


_NOT_SENT = object()


class TypeAhead:
    """Where each key typed was sent, so that a key typed after a focus change follows it.

    The app calls :meth:`follow_focus` with every key event it sees: once as the terminal
    typed it (Textual then sends it to the widget focused now), and again when it comes
    back unused from that widget (Textual then matches it against the bindings).
    """

    _KEPT = 256
    """Keys remembered at most: a key the widget used never comes back."""

    def __init__(self) -> None:
        self._sent_to: dict[events.Key, MessagePump] = {}

    def follow_focus(self, app: App[Any], event: events.Key) -> bool:
        """Note where ``event`` goes, or send it on to the widget focused since.

        Args:
            app: The app (its focus and its screen).
            event: A key event the app is about to handle.

        Returns:
            True if the key went on to the focused widget (the app must not handle it).
        """
        if not event.is_forwarded:  # (typed: Textual sends it to the focus, or the screen)
            sent = self._sent_to
            sent[event] = app.focused or app.screen
            if len(sent) > self._KEPT:
                del sent[next(iter(sent))]
            return False
        sent_to = self._sent_to.pop(event, _NOT_SENT)
        focused = app.focused
        if sent_to is _NOT_SENT or focused is None or focused is sent_to \
                or not focused.check_consume_key(event.key, event.character):
            return False
        event.stop()
        focused.post_message(event.copy())
        return True



class InOrderInput(Input):
    """An ``Input`` that applies the keys it edits with in the order they were typed.

    Textual inserts a printable key in the field's own key handler, but runs an editing
    binding (Backspace, Delete, the arrows) only once the key has bubbled back up to the
    app. Typed in one burst, Backspace then ``a`` in a field holding ``temp`` became
    ``tempa``, then ``temp``: the ``a`` went in first and the Backspace took it out. Here
    a key bound by the field itself runs its action at once, in the field's turn.
    """

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            bindings = self._bindings.key_to_bindings.get(event.key, [])
            if bindings:
                event.stop()
                event.prevent_default()
                self._restart_blink()
                await self.run_action(bindings[0].action)
                return
        await super()._on_key(event)
