"""The footer: Textual's, rebuilt once for the binding changes that come together.

Textual's :class:`~textual.widgets.Footer` is rebuilt (a widget a key, each styled, then
styled again as it takes the compact look) after every change to the bindings: the focus
moving, a screen resuming. At start-up five came in a row, each rebuild 20 to 30 ms of
the interface thread while the worker was loading the project. This one waits for the
next refresh and rebuilds once, from the bindings as they are then (Textual 8.2), and
only when the keys to show are other than those it shows.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """The keys of the focused widget and the app's, rebuilt once a refresh at most."""

    _rebuild_queued = False
    _built: tuple[object, ...] | None = None
    """The bindings the keys were last built from (see :meth:`_rebuild`)."""

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Rebuild after the next refresh, unless a rebuild is already waiting for it."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False  # (a change from here on needs a rebuild of its own)
        # Not when the keys shown are the ones built: at start-up the bindings "changed"
        # twice with the same keys to show (a rebuild is 10 ms and a frame).
        shown = tuple((binding, enabled, tooltip) for _, binding, enabled, tooltip
                      in self.screen.active_bindings.values() if binding.show)
        if shown != self._built:
            self._built = shown
            await self.recompose()
