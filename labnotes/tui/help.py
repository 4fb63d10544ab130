"""The `?` screen: every key, by view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# labnotes — keys

| key | anywhere |
| --- | --- |
| `1` … `5` | Tasks · Timeline · Notes · Experiments · Metrics (the tabs show the numbers) |
| `ctrl+p` · `o` | quick switcher: notes by name, alias or path, headings, tasks, entries (fuzzy) |
| `ctrl+f` | search the text of every note; `enter` jumps to the line |
| `a` | add a task to today's daily note (made from the template when missing), in a section you pick |
| `e` | add a log entry, stamped now in the vault's own stamp form, under the selected task or entry |
| `E` | open the note in `$EDITOR` at the selected line; the UI shows your edit when you return |
| `f` | reruns: quick on the CPU ⇄ full size on the best device |
| `A` | reruns write a line under their entries in the note (as `labnotes rerun --annotate`) ⇄ leave the notes alone |
| `S` | reruns: one run ⇄ a sweep over seeds 0-4 ⇄ 0-9 (as `--seeds`) |
| `O` | reruns: here ⇄ on the Slurm cluster, as the vault's `slurm:` settings ask (`--on slurm`); the jobs' states follow by themselves |
| `x` | stop the running experiment (Ctrl-C to it); the run reads "stopped" |
| `c` | close the run panel (a good run closes it by itself after a few seconds) |
| `?` | this help · `q` quit |

| key | Tasks |
| --- | --- |
| `space` | toggle the task's latest line (open ⇄ done) as `labnotes toggle` does — with the Obsidian Tasks plugin's done date and a recurring task's next line when the vault uses the plugin |
| `enter` | open the note at the task's latest line (or at the entry) |
| `g` | group by note (where each task lives now) → section → tag → status → due day → folder → none |
| `s` | sort as in the note → by age → due day → priority → status |
| status | not done (the default), open, in progress, overdue, due in 7 days, blocked (waits on a task not done), done in the last 7 days, done, cancelled, any, and any other status character the vault uses |
| `/` | filter by words or a regex; `#tag` keeps tasks with that tag (or one nested under it); `tab` reaches the status and section filters; `enter` back to the tree |

Each task is listed once, however many daily notes it was carried through: its age in days and
its carry count (`6×`) lead its row, its life (the days it changed status, sub-tasks, log
entries) is in the pane below. The status filter starts at "not done"; "done, 7 days" answers
what you finished this week. The daily template's tasks are routines, in a group of their own
with their record (`✓` a day done, `·` a day not).

| key | Timeline · Experiments |
| --- | --- |
| `r` | rerun the selected entry's (or the highlighted) experiment |
| `enter` | open the note at the entry |
| `g` | Experiments: chart the last run's next figure (variant against variant) |

In the timeline, `⚗ id ✓` is an experiment whose last run reproduced the bug; `≠` ran but did not
reproduce it, `■` was stopped, `!` failed, `·` never ran. `✗` marks a rejected (struck)
hypothesis, `★` a finding (highlighted text).

| key | Notes |
| --- | --- |
| `↑` `↓` `pgup` `pgdn` | move the line cursor |
| `←` `→` | pick a link on the cursor's line |
| `enter` | follow the link under the cursor, else open the line's task (Tasks) or entry (Timeline) |
| `space` | toggle the line's task, or the task a ```` ```tasks ```` query block lists on that row |
| `/` | search the text of every note |
| `backspace` | back to where you were |
| `n` · `l` | the notes list · the links and backlinks list (hidden below 110 columns until asked for) |

A note changed on disk (in Obsidian, an editor, a `git checkout`) shows here within a second.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
