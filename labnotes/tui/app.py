"""The labnotes terminal UI: five views one key apart, over one `VaultData` loaded in a worker.

`make_app()` is the one seam the CLI and the tests use. The app owns the data and the disk
watch; each view only draws what it is given (`view.show(data)`) and sends messages up:
`OpenNote` (show a note at a line), `RunRequest` (rerun experiments), `NoteEdited` (a toggle).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, TabbedContent, TabPane
from textual.worker import get_current_worker

from labnotes.settings.locations import experiments_dir as vault_experiments, is_sample, resolve_vault, runs_dir
from labnotes.lab.runner import RunOptions
from labnotes.tui.data import VaultData, load, vault_stamp
from labnotes.tui import capture, fulltext, jobs
from labnotes.tui.experiments import ExperimentsView
from labnotes.tui.finder import Finder, Place, places
from labnotes.tui.help import HelpScreen
from labnotes.tui.keyfooter import KeyFooter
from labnotes.tui.metrics import MetricsView
from labnotes.tui.notes import NotesView, OpenEntry, OpenTask
from labnotes.tui.runpanel import RunPanel, RunSettings, describe
from labnotes.tui.messages import NoteEdited, OpenNote, RunRequest
from labnotes.tui.switcher import FindScreen
from labnotes.tui.tasks import TasksView
from labnotes.tui.text import name
from labnotes.tui.toggling import warn_if_sample
from labnotes.tui.timeline import TimelineView

VIEWS = ("tasks", "timeline", "notes", "experiments", "metrics")
# Without watchfiles (the `tui` extra brings it): how often the vault is stat'ed for changes.
WATCH_EVERY_S = 2.0
# watchfiles groups changes until none came for STEP ms (at most DEBOUNCE ms): a `git checkout`
# of the vault is one batch, so one reload; a single save shows well within a second.
WATCH_STEP_MS = 150
WATCH_DEBOUNCE_MS = 700


@dataclass
class Loaded(Message):
    data: VaultData


class LabnotesApp(App[None]):
    TITLE = "labnotes"
    CSS_PATH = "app.tcss"
    # ctrl+p is the quick switcher over the vault, as in Obsidian; Textual's palette found nothing there.
    ENABLE_COMMAND_PALETTE = False
    # Screen classes the CSS reads: 80×24 gets a shorter detail pane, the note the full width.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    # The tabs show `1 Tasks` … `5 Metrics`, so the footer keeps its room for the keys of the
    # moment; `?` lists every key. `x` shows while a run goes, `c` while its panel is open.
    BINDINGS = [
        Binding("1", "show('tasks')", "Tasks", show=False),
        Binding("2", "show('timeline')", "Timeline", show=False),
        Binding("3", "show('notes')", "Notes", show=False),
        Binding("4", "show('experiments')", "Experiments", show=False),
        Binding("5", "show('metrics')", "Metrics", show=False),
        Binding("ctrl+p,o", "switcher", "Find note", key_display="^p"),
        Binding("ctrl+f", "search", "Search", key_display="^f"),
        Binding("a", "add_task", "Add task"),
        Binding("e", "add_entry", "Add entry"),
        Binding("E", "edit_note", "$EDITOR", key_display="E"),
        Binding("f", "toggle_size", "Quick/full", show=False),
        Binding("A", "toggle_annotate", "Annotate reruns", show=False),
        Binding("S", "cycle_seeds", "Seeds", show=False),
        Binding("O", "toggle_cluster", "On the cluster", show=False),
        Binding("x", "stop_run", "Stop run"),
        Binding("c", "close_run", "Close run panel"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, vault: Path, settings: RunSettings, *, watch_every: float | None = WATCH_EVERY_S) -> None:
        super().__init__()
        self.vault = vault
        self.settings = settings
        self.watch_every = watch_every
        self.data: VaultData | None = None
        self.finder: Finder | None = None  # built after each full read, in a worker
        self._watch_stop: threading.Event | None = None
        self._jobs_lock = threading.Lock()
        # Views that have not drawn the latest data: drawn when they are shown, so a big vault's
        # timeline or notes list does not hold up the Tasks view.
        self._stale: set[str] = set()
        # The folder's name, not its path: the title stays the same wherever the vault lives.
        # The bundled one says what it is: a user who opened no vault should not think it theirs.
        self.vault_name = "bundled sample vault" if is_sample(vault) else vault.name
        self.sub_title = self._subtitle()
        self._indexed_said = 0.0  # when the header last said how far the index is

    def _subtitle(self) -> str:
        return f"{self.vault_name} · reruns {self.settings.shown()}"

    def compose(self) -> ComposeResult:
        yield Header(icon="▤")
        with TabbedContent(initial="tasks", id="views"):
            with TabPane("1 Tasks", id="tasks"):
                yield TasksView(id="tasks-view")
            with TabPane("2 Timeline", id="timeline"):
                yield TimelineView(id="timeline-view")
            with TabPane("3 Notes", id="notes"):
                yield NotesView(id="notes-view")
            with TabPane("4 Experiments", id="experiments"):
                yield ExperimentsView(id="experiments-view")
            with TabPane("5 Metrics", id="metrics"):
                yield MetricsView(id="metrics-view")
        yield RunPanel(self.settings, id="run-panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(RunPanel).display = False
        for view in VIEWS:
            self._view(view).loading = True
        self.reload()
        self.set_interval(jobs.JOBS_EVERY_S, self.follow_jobs)
        if self.watch_every:
            try:
                import watchfiles  # noqa: F401
            except ImportError:
                self.set_interval(self.watch_every, self.check_disk)
            else:
                # A plain daemon thread, not a Textual worker: it never ends by itself, and
                # `workers.wait_for_complete()` (the tests', the benchmark's) must not wait for it.
                self._watch_stop = threading.Event()
                threading.Thread(target=self.watch_vault, name="labnotes-watch", daemon=True).start()

    def _view(self, name: str):  # -> one of the five views
        return self.query_one(f"#{name}-view")

    # -- data ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def reload(self) -> None:
        """Read the vault again (cheap: the index cache re-reads only changed notes)."""
        # Only the first read shows the newest notes early; a re-read keeps the old tree until done.
        def first_look(data: VaultData) -> None:
            self.post_message(Loaded(data))

        early = first_look if self.data is None else None
        data = load(self.vault, self.settings.experiments_dir, self.settings.run_log, early=early, progress=self._indexing)
        if self.sub_title != self._subtitle():
            self.call_from_thread(self._say_indexing, None)
        # A newer reload replaced this one while it read: its older picture must not win.
        if not get_current_worker().is_cancelled:
            self.post_message(Loaded(data))

    def _indexing(self, done: int, total: int) -> None:
        """From the load worker, as notes are parsed: the header says how far the index is
        (a few updates a second at most), so minutes of a first index are not a blank screen."""
        now = time.monotonic()
        if done < total and now - self._indexed_said < 0.25:
            return
        self._indexed_said = now
        try:
            self.call_from_thread(self._say_indexing, (done, total))
        except RuntimeError:  # the app closed meanwhile
            pass

    def _say_indexing(self, where: tuple[int, int] | None) -> None:
        if where is None or where[0] >= where[1]:
            self.sub_title = self._subtitle()
        else:
            self.sub_title = f"{self.vault_name} · indexing {where[0]:,} of {where[1]:,} notes …"

    @work(thread=True, group="jobs", exit_on_error=False)  # not exclusive: the lock below says who asks
    def follow_jobs(self) -> None:
        """Runs queued or running on the cluster: ask the scheduler, and show what moved."""
        from labnotes.lab.cluster import ClusterError

        # One asker at a time: a worker replaced by the next tick still runs, and two would both
        # append the same job's new state to the log.
        if not self._jobs_lock.acquire(blocking=False):
            return
        try:
            moved = jobs.follow(self.data)
        except ClusterError as exc:
            moved = False
            self._from_thread(self.notify, str(exc), title="Cluster", severity="error", markup=False)
        finally:
            self._jobs_lock.release()
        if moved and not get_current_worker().is_cancelled:
            self._from_thread(self.reload)

    def _from_thread(self, call: Any, *args: Any, **kwargs: Any) -> None:
        try:
            self.call_from_thread(call, *args, **kwargs)
        except RuntimeError:  # the app closed meanwhile
            pass

    @work(thread=True, exclusive=True, group="finder", exit_on_error=False)
    def _build_finder(self, data: VaultData) -> None:
        if data.index is None:
            return
        finder = Finder(places(data.index))
        if not get_current_worker().is_cancelled and self.data is data:
            self.finder = finder

    def watch_vault(self) -> None:
        """Reload when notes change on disk (Obsidian, an editor, git): one reload per batch, and
        none for our own writes (`restamp` made the stamp match already)."""
        from watchfiles import watch

        stop = self._watch_stop
        for changes in watch(self.vault, watch_filter=lambda _, path: is_vault_file(self.vault, path),
                             debounce=WATCH_DEBOUNCE_MS, step=WATCH_STEP_MS, stop_event=stop,
                             raise_interrupt=False):  # fmt: skip
            if stop is not None and stop.is_set():
                return
            if changes and self.data is not None and vault_stamp(self.vault) != self.data.stamp:
                try:
                    self.call_from_thread(self.reload)
                except RuntimeError:  # the app closed meanwhile
                    return

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def check_disk(self) -> None:
        if self.data is not None and vault_stamp(self.vault) != self.data.stamp:
            self.call_from_thread(self.reload)

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if not self.query(TabbedContent):  # a read that ends while the app closes
            return
        old, self.data = self.data, event.data
        active = self.query_one(TabbedContent).active
        if not event.data.complete:
            self.query_one(TasksView).show(event.data)
            self.query_one(TasksView).loading = False
            if active == "tasks":
                self.query_one(TasksView).focus_main()
            return
        self._stale = set(VIEWS)
        self._build_finder(event.data)
        self._draw(active)
        if old is None or not old.complete:
            self._view(active).focus_main()
        if old is not None and old.index is not None and old.index is not event.data.index:
            old.index.close()
        if event.data.error:
            self.notify(name(event.data.error), severity="error", markup=False)

    def _draw(self, name: str) -> None:
        if name in self._stale and self.data is not None and self.data.complete:
            self._stale.discard(name)
            view = self._view(name)
            view.show(self.data)
            view.loading = False

    # -- views --------------------------------------------------------------------------------

    def action_show(self, name: str) -> None:
        self.switch_to(name)
        self._view(name).focus_main()

    def switch_to(self, name: str) -> None:
        """Show view `name`. Focus leaves the old view first: a focused widget whose pane hides
        blurs, and Textual hands its focus to a visible sibling *inside the hidden pane*
        (`Screen._reset_focus`); that sibling's pane then posts `TabPane.Focused` and the tabs
        switch back. With nothing focused when the pane hides, there is nothing to hand on."""
        tabs = self.query_one(TabbedContent)
        if tabs.active != name:
            self.screen.set_focus(None)
            tabs.active = name
        self._draw(name)

    @on(TabbedContent.TabActivated)
    def _tab_clicked(self, event: TabbedContent.TabActivated) -> None:
        # The message can arrive after the app began to close and its views are gone.
        if event.pane.id in VIEWS and self.data is not None and self.query(f"#{event.pane.id}-view"):
            self._draw(event.pane.id)
            self._view(event.pane.id).focus_main()

    @on(OpenNote)
    def _open_note(self, event: OpenNote) -> None:
        self.switch_to("notes")
        notes = self.query_one(NotesView)
        notes.open(event.rel, event.line)
        self.call_after_refresh(notes.focus_main)

    @on(OpenTask)
    def _open_task(self, event: OpenTask) -> None:
        self.switch_to("tasks")
        if not self.query_one(TasksView).select(event.rel, event.line):
            self.notify(f"{event.rel}:{event.line} is no task the Tasks view lists (an empty template task?).", severity="warning")
        self.query_one(TasksView).focus_main()

    @on(OpenEntry)
    def _open_entry(self, event: OpenEntry) -> None:
        self.switch_to("timeline")
        self.query_one(TimelineView).select(event.rel, event.line)
        self.query_one(TimelineView).focus_main()

    @on(NoteEdited)
    def _edited(self) -> None:
        self.reload()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    # -- finding ------------------------------------------------------------------------------

    def find_places(self, query: str, limit: int = 50) -> list[Place]:
        """The quick switcher's answer; before the finder is built, notes by name only."""
        if self.finder is not None:
            return self.finder.find(query, limit)
        if self.data is None or self.data.index is None:
            return []
        words = query.casefold().split()
        rels = [rel for rel in self.data.index.notes if all(w in rel.casefold() for w in words)]
        return [Place("note", rel.rsplit("/", 1)[-1].removesuffix(".md"), rel, 1, rel) for rel in sorted(rels)[:limit]]

    def action_switcher(self) -> None:
        if isinstance(self.screen, FindScreen):
            return
        status = lambda _query: "" if self.finder is not None else "still reading the vault: notes by name only"  # noqa: E731
        self.push_screen(FindScreen("Open a note, heading, task or entry", "type a few letters of a name",
                                    self.find_places, status=status), self._found)  # fmt: skip

    def action_search(self) -> None:
        if isinstance(self.screen, FindScreen) or self.data is None or self.data.index is None:
            return
        index = self.data.index

        def find(query: str, limit: int) -> list[Place]:
            worker = get_current_worker()
            return fulltext.search(index, query, limit=limit, cancelled=lambda: worker.is_cancelled)

        self.push_screen(FindScreen("Search the text of every note", "words to find, in any order", find,
                                    in_thread=True, status=fulltext.said), self._found)  # fmt: skip

    # -- capture ------------------------------------------------------------------------------

    def _selected(self) -> tuple[str, int] | None:
        """The note line the active view has selected (a task, an entry, the note's cursor)."""
        view = self._view(self.query_one(TabbedContent).active)
        pick = getattr(view, "selected_place", None)
        return pick() if pick is not None else None

    def _vault_ready(self) -> bool:
        if self.data is None or self.data.index is None or not self.data.complete:
            self.notify("Still reading the vault; try again in a moment.", severity="warning")
            return False
        return True

    def _written(self, rel: str | None, line: int | None) -> None:
        if rel is not None and self.data is not None:
            self.data.restamp(rel)
            warn_if_sample(self, self.data)
        self.reload()

    def action_add_task(self) -> None:
        if not self._vault_ready():
            return
        assert self.data is not None and self.data.index is not None
        place = self._selected()
        hint = None
        if place is not None:
            notes = self.data.index.notes
            item = next((i for i in notes[place[0]].list_items if i.line == place[1]), None) if place[0] in notes else None
            hint = tuple(item.section) if item is not None else None
        capture.add_task(self, self.data, hint, self._written)

    def action_add_entry(self) -> None:
        if not self._vault_ready():
            return
        place = self._selected()
        if place is None:
            self.notify("Select a task or an entry first (Tasks, Timeline or a note's line).", severity="warning")
            return
        assert self.data is not None
        capture.add_entry(self, self.data, place[0], place[1], self._written)

    def action_edit_note(self) -> None:
        if not self._vault_ready():
            return
        assert self.data is not None
        place = self._selected()
        if place is None:
            self.notify("Select a task, an entry or a note first.", severity="warning")
            return
        said = capture.run_editor(self, self.data.vault / place[0], place[1])
        if isinstance(said, str):
            self.notify(said, title="No editor", severity="error", markup=False)
        self.reload()  # whatever the editor changed shows now

    def _found(self, place: Place | None) -> None:
        if place is not None:
            self.post_message(OpenNote(place.rel, place.line))

    # -- reruns -------------------------------------------------------------------------------

    @on(RunRequest)
    def _run(self, event: RunRequest) -> None:
        if self.data is None or self.data.workspace is None:
            self.notify("The vault is still being read.", severity="warning")
            return
        if not self.query_one(RunPanel).start(self.data.workspace, event.experiments, event.entry_ids, event.target):
            self.notify("An experiment is running; wait for it or stop it with x.", severity="warning")
        self.refresh_bindings()

    @on(RunPanel.Finished)
    def _run_finished(self, event: RunPanel.Finished) -> None:
        for why in event.refused:
            self.notify(name(why), title="Not annotated", severity="error", markup=False)
        if event.annotated:
            self.notify(f"Annotated {', '.join(event.annotated)}.", markup=False)
        self.refresh_bindings()
        self.reload()  # the run log has a new record (and a note a new line): verdicts and histories change

    def action_toggle_size(self) -> None:
        quick = not self.settings.options.quick
        self.settings.options = RunOptions(device="cpu" if quick else "auto", quick=quick)
        self.sub_title = self._subtitle()
        self.notify(f"Reruns now {describe(self.settings.options)}.")

    def action_toggle_annotate(self) -> None:
        self.settings.annotate = not self.settings.annotate
        self.sub_title = self._subtitle()
        said = "write a line under their entries" if self.settings.annotate else "leave the notes as they are"
        self.notify(f"Reruns now {said}.")

    def action_cycle_seeds(self) -> None:
        self.settings.seeds = jobs.next_seeds(self.settings.seeds)
        self._say_settings()

    def action_toggle_cluster(self) -> None:
        self.settings.slurm = None if self.settings.slurm is not None else jobs.slurm_options(self.data)
        self._say_settings()

    def _say_settings(self) -> None:
        self.sub_title = self._subtitle()
        self.notify(f"Reruns now {self.settings.shown()}.", markup=False)

    def action_stop_run(self) -> None:
        self.query_one(RunPanel).stop()

    def action_close_run(self) -> None:
        self.query_one(RunPanel).close()

    @on(RunPanel.Closed)
    def _run_panel_closed(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`x` only while an experiment runs, `c` only while the idle run panel is open: keys
        that do nothing stay out of the footer."""
        if action in ("stop_run", "close_run") and self.screen_stack:  # asked before the first screen too
            panels = self.query(RunPanel)
            if not panels:
                return False
            panel = panels.first()
            return panel.running if action == "stop_run" else (panel.display and not panel.running)
        return True

    async def action_quit(self) -> None:
        self.query_one(RunPanel).stop()  # an experiment must not outlive the UI that started it
        if self._watch_stop is not None:
            self._watch_stop.set()
        self.exit()

    def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()


def is_vault_file(vault: Path, path: str) -> bool:
    """The files whose change means a reload: notes and the vault's settings, outside hidden
    folders (`.git/` during a checkout, `.obsidian/workspace.json` on every click in Obsidian)."""
    parts = os.path.relpath(path, vault).replace(os.sep, "/").split("/")
    path = "/".join(parts)
    if any(p.startswith(".") for p in parts[:-1]):
        return path in (".obsidian/app.json", ".obsidian/daily-notes.json")
    return path.endswith(".md") or parts[-1] == ".labnotes.yaml"


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker now, while sys.stderr is the real one.

    A cold index build parses in a process pool; its first use starts the tracker and hands it
    `sys.stderr.fileno()`. Inside a running Textual app stderr is Textual's capture object,
    whose fileno() is -1, and the start fails ("bad value(s) in fds_to_keep").
    """
    if os.name != "posix":
        return
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # the pool is an optimisation; the index says so if it cannot start one
        pass


def make_app(
    vault: Path | str | None = None,
    *,
    experiments_dir: Path | None = None,
    repo_root: Path | None = None,
    run_log: Path | None = None,
    watch_every: float | None = WATCH_EVERY_S,
) -> LabnotesApp:
    """The app over `vault` (default: as the CLI resolves it). Experiments come from
    `experiments_dir` (default: the folder the vault's settings name, if any) and run from
    `repo_root` (default: its parent, since they run as `python -m experiments.<id>`); run
    records go to `run_log` (default: that experiments folder's log in the state folder)."""
    _start_resource_tracker()
    folder = Path(vault).resolve() if vault is not None else resolve_vault()
    exp_dir = Path(experiments_dir) if experiments_dir is not None else _experiments_of(folder)
    if exp_dir is not None and run_log is None:
        run_log = runs_dir(exp_dir) / "runs.jsonl"
    root = Path(repo_root) if repo_root is not None else (exp_dir.resolve().parent if exp_dir else folder)
    settings = RunSettings(exp_dir, root, run_log)
    return LabnotesApp(folder, settings, watch_every=watch_every)


def _experiments_of(vault: Path) -> Path | None:
    from labnotes.settings.config import ConfigError, load_config

    try:
        return vault_experiments(vault, load_config(vault).experiments)
    except ConfigError:
        return None  # the vault read says what is wrong with the settings
