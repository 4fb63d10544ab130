"""Textual's Footer, rebuilt at most once a frame and only when the keys it shows change.

Textual's Footer recomposes (about twenty widgets, their styles) at every change of the active
bindings, and a view switch changes them twice (focus leaves, focus arrives): a third of the CPU
of opening a note from the Tasks view went there. The keys shown are the same either way."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple | None = None
        self._queued = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._queued:
            self._queued = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._queued = False
        shown = self._keys()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys(self) -> tuple:
        return tuple(
            (key, b.binding.description, b.binding.key_display, b.enabled, b.tooltip)
            for key, b in self.screen.active_bindings.items()
            if b.binding.show
        )
