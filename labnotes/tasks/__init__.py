"""What a task is across notes: identity, routines and placeholders (pure: occurrences in, tasks out);
recurrence (recurrence.py, the fields engineer's).

Imports only `labnotes.settings` and `labnotes.parse` (tests/test_layers.py holds it to that).
"""

from labnotes.tasks.identity import link_tasks
from labnotes.tasks.model import Occurrence, Routine, Task, TaskBook

__all__ = ["Occurrence", "Routine", "Task", "TaskBook", "link_tasks"]
