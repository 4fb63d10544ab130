"""The vault as one networkx MultiDiGraph.

Nodes (id: kind):
  `note:<rel>`                 note
  `section:<rel>:<line>`       section (a heading)
  `task:<rel>:<line>`          task (a checkbox item)
  `entry:<entry id>`           entry (a timestamped log entry)
  `experiment:<id>`            experiment (given by the caller: `Workspace.graph()` passes the registry's)
  `file:<rel>`                 attachment that a note links to
  `unresolved:<target>`        a link target that names nothing in the vault
Edges (key = kind):
  contains    note → section → sub-section → task → sub-task → entry
  links_to    note → note / section / file / unresolved   (line, original, block)
  embeds      the same, for `![[…]]`
  thread      entry → the next entry of the same task, in time order  (minutes)
  reproduces  experiment → entry
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labnotes.vault.resolve import is_checked

if TYPE_CHECKING:
    import networkx

    from labnotes.vault.index import VaultIndex


def note_id(rel: str) -> str:
    return f"note:{rel}"


def section_id(rel: str, line: int) -> str:
    return f"section:{rel}:{line}"


def task_id(rel: str, line: int) -> str:
    return f"task:{rel}:{line}"


def entry_id(eid: str) -> str:
    return f"entry:{eid}"


@dataclass(frozen=True, slots=True)
class GraphExperiment:
    """An experiment and the entries it reproduces, as the graph needs it (no registry here: the
    vault's graph must not depend on where labnotes finds experiments)."""

    id: str
    title: str
    question: str
    entries: tuple[tuple[str, str], ...]  # (entry id, how it is linked: "manifest" | "field")


def build_graph(
    idx: "VaultIndex", experiments: Iterable[GraphExperiment] = (), *, problems: Iterable[str] = ()
) -> "networkx.MultiDiGraph":
    """The vault's graph; `experiments` add their nodes and `reproduces` edges, `problems` go
    into `g.graph["problems"]` with the graph's own (an entry named that the vault lacks)."""
    import networkx as nx

    g = nx.MultiDiGraph(vault=str(idx.vault))
    # Read from the store's rows, a table at a time: no note is rebuilt whole.
    headings: dict[str, list[tuple[int, int, str]]] = {}
    for rel, line, level, text in idx.reader.headings():
        headings.setdefault(rel, []).append((line, level, text))
    tasks: dict[str, list[Any]] = {}
    for t in idx.task_rows():
        tasks.setdefault(t.note, []).append(t)
    entries = idx.entries_by_note()
    if problems:
        g.graph["problems"] = list(problems)
    for rel in idx.notes:
        _add_note(g, idx, rel, headings.get(rel, []), tasks.get(rel, []), entries.get(rel, []))
    _add_links(g, idx)
    _add_threads(g, idx)
    _add_experiments(g, experiments)
    return g


def _add_note(
    g: "networkx.MultiDiGraph", idx: "VaultIndex", rel: str, headings: list[tuple[int, int, str]],
    tasks: list[Any], entries: list[Any],
) -> None:  # fmt: skip
    nid = note_id(rel)
    g.add_node(nid, kind="note", label=rel.rsplit("/", 1)[-1][:-3], rel=rel, day=idx.facts[rel].day)

    # Sections nest by level, like an outline.
    heading_lines: list[int] = []
    open_sections: list[tuple[int, str]] = []  # (level, node id)
    for line, level, text in headings:
        sid = section_id(rel, line)
        g.add_node(sid, kind="section", label=text, rel=rel, line=line, level=level)
        while open_sections and open_sections[-1][0] >= level:
            open_sections.pop()
        g.add_edge(open_sections[-1][1] if open_sections else nid, sid, key="contains", kind="contains")
        open_sections.append((level, sid))
        heading_lines.append(line)

    def section_of(line: int) -> str:
        i = bisect.bisect_right(heading_lines, line) - 1
        return section_id(rel, heading_lines[i]) if i >= 0 else nid

    task_lines = set()
    for t in tasks:
        item = t.item
        tid = task_id(rel, item.line)
        task_lines.add(item.line)
        g.add_node(
            tid, kind="task", label=item.text, rel=rel, line=item.line,
            status=item.task, section=" / ".join(item.section),
        )  # fmt: skip
        parent = t.task_parent
        g.add_edge(task_id(rel, parent) if parent is not None else section_of(item.line), tid, key="contains", kind="contains")

    for e in entries:
        eid = entry_id(e.id)
        g.add_node(
            eid, kind="entry", label=e.text, rel=rel, line=e.line, timestamp=e.timestamp,
            struck=e.struck, finding=bool(e.highlights), weekday_ok=e.weekday_ok,
        )  # fmt: skip
        holder = task_id(rel, e.thread_line) if e.thread_line in task_lines else section_of(e.line)
        g.add_edge(holder, eid, key="contains", kind="contains")


def _add_links(g: "networkx.MultiDiGraph", idx: "VaultIndex") -> None:
    for rel, link, res in idx.links():
        if not is_checked(link):
            continue
        if res.rel is None:
            target = f"unresolved:{link.target}"
            if target not in g:
                g.add_node(target, kind="unresolved", label=link.target, reason=res.reason)
        elif res.rel in idx.notes:
            target = section_id(res.rel, res.heading_line) if res.heading_line else note_id(res.rel)
        else:
            target = f"file:{res.rel}"
            if target not in g:
                g.add_node(target, kind="attachment", label=res.rel.rsplit("/", 1)[-1], rel=res.rel)
        kind = "embeds" if link.embed else "links_to"
        attrs: dict[str, Any] = {"kind": kind, "line": link.line, "original": link.original, "ok": res.ok}
        if link.block:
            attrs["block"] = link.block
        if not res.ok and res.reason:
            attrs["reason"] = res.reason
        g.add_edge(note_id(rel), target, key=f"{kind}:{link.line}:{link.col}", **attrs)


def _add_threads(g: "networkx.MultiDiGraph", idx: "VaultIndex") -> None:
    threads: dict[tuple[str, int], list[Any]] = {}
    for rel, e in idx.entries():
        if e.thread_line is not None:
            threads.setdefault((rel, e.thread_line), []).append(e)
    for entries in threads.values():
        for a, b in zip(entries, entries[1:]):
            minutes = (dt.datetime.fromisoformat(b.timestamp) - dt.datetime.fromisoformat(a.timestamp)).total_seconds() / 60
            g.add_edge(entry_id(a.id), entry_id(b.id), key="thread", kind="thread", minutes=int(minutes))


def _add_experiments(g: "networkx.MultiDiGraph", experiments: Iterable[GraphExperiment]) -> None:
    for exp in experiments:
        xid = f"experiment:{exp.id}"
        g.add_node(xid, kind="experiment", label=exp.title or exp.id, question=exp.question)
        for eid, how in exp.entries:
            target = entry_id(eid)
            if target in g:
                g.add_edge(xid, target, key="reproduces", kind="reproduces", via=how)
            else:
                g.graph.setdefault("problems", []).append(f"experiment {exp.id}: no entry {eid} in the vault")
