"""The vault's git history: when each task line changed status, read with GitPython.

Above the queries; nothing in the core imports it (tests/test_layers.py). GitPython is imported
lazily: without it, or without git, or in a vault that is no repository, `HistoryUnavailable`
says why in one line and everything else works as before.
"""

from labnotes.history.repo import HistoryUnavailable, NoRepository, VaultHistory, open_history, vault_history
from labnotes.history.statuses import NoteHistory, StatusEvent, Version, occurrence_events, task_dates
from labnotes.history.tasks import TaskHistory, task_histories
from labnotes.history.template import past_template_keys

__all__ = [
    "HistoryUnavailable", "NoRepository", "NoteHistory", "StatusEvent", "TaskHistory", "Version", "occurrence_events",
    "open_history", "past_template_keys",
    "VaultHistory", "task_dates", "task_histories", "vault_history",
]
