"""The time one note may take to read: far beyond what any real note needs (a 20 MB note parses in
well under a minute), so only a note that would stall the index or the UI is cut short."""

from __future__ import annotations

import time

BUDGET_S = 10.0
BUDGET_PER_MB_S = 5.0


def for_text(text: str) -> float:
    """The default budget of a note: 10 s plus 5 s per MB of text."""
    return BUDGET_S + BUDGET_PER_MB_S * len(text) / 1e6


def _clock() -> float:
    """The CPU time this thread has spent: a busy machine or a busy UI thread does not eat a note's
    budget, only the parse's own work does."""
    return time.thread_time()


def _wall() -> float:
    return time.perf_counter()


class Budget:
    """The CPU seconds a note may take. Reading the thread's CPU clock is a system call (~10 us,
    more in a sandbox), the wall clock is not; the wall clock runs at least as fast as one thread's
    CPU time, so the CPU clock is read only once the wall clock says the budget may be spent."""

    __slots__ = ("seconds", "cpu_end", "wall_end")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.cpu_end = _clock() + seconds
        self.wall_end = _wall() + seconds

    def spent(self) -> bool:
        if self.seconds <= 0:
            return True
        if _wall() <= self.wall_end:
            return False
        left = self.cpu_end - _clock()
        if left <= 0:
            return True
        self.wall_end = _wall() + left
        return False
