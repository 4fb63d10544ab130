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
| `1` … `5` | Tasks · Timeline · Notes · Experiments · Metrics |
| `f` | reruns: quick on the CPU ⇄ full size on the best device |
| `x` | stop the running experiment (Ctrl-C to it) |
| `?` | this help · `q` quit |

| key | Tasks |
| --- | --- |
| `space` | toggle the task (open ⇄ done), the same safe edit as `labnotes toggle` |
| `enter` | open the note at the task or entry |
| `/` | filter by text; `tab` reaches the status and section filters; `enter` back to the tree |

| key | Timeline · Experiments |
| --- | --- |
| `r` | rerun the selected entry's (or the highlighted) experiment |
| `enter` | open the note at the entry |

In the timeline, `⚗ id ✓` is an experiment whose last run reproduced the bug; `≠` ran but did not
reproduce it, `!` failed or was stopped, `·` never ran. `✗` marks a rejected (struck) hypothesis,
`★` a finding (highlighted text).

| key | Notes |
| --- | --- |
| `enter` | open the note, or follow the link, under the cursor (a click on a link follows it too) |
| `backspace` | back to where you were |
| `o` · `l` | the notes list · the links and backlinks list |

A note changed on disk (in Obsidian, say) shows here within a few seconds.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
