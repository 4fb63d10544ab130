"""The terminal UI on a generated vault with a warm index cache: first paint, quick switcher,
search and note opening, each with a peer measured in the same run.

    python bench/bench_tui.py                      # 2,000 notes in a temp folder
    python bench/bench_tui.py --notes 10000 --repeat 1
    python bench/bench_tui.py --vault DIR          # an existing vault
    python bench/bench_tui.py --only note          # first paint and note opening only

The vault comes from bench/make_vault.py plus one 1,400-line note (the seed note repeated); one
build_index warms the cache. Each repeat starts a fresh app with `App.run_test()` (headless,
140×45) and times, from `make_app()`:

  first paint   the newest notes' tasks are in the tree: the first screen a person reads
                (peer: a bare Textual app with one Tree, started the same way)
  all read      every note read in the worker and the whole Tasks tree drawn
  switcher      per keystroke of "partialoct", from the key to the results on screen
                (peer: the same query as a plain Python loop over the same names, `q in name`)
  search        per keystroke of "sum_mask", from the key to the results on screen (the
                search waits for a pause in the typing: that wait counts); and "sum_mask"
                typed at 0.06 s a key, from the last key to its results
                (peer: read every note file and `str.find` in it — a scan with no index)
  note opening  the 1,400-line note, from the message to its lines drawn, from the Tasks view
                (the Notes view shows for the first time), then again from the Notes view
                (peer: Textual's Markdown widget on the same text, which the Notes view used)

Targets: first paint ≤ 1.5 s, switcher and search ≤ 0.2 s a keystroke, note opening ≤ 0.3 s.
The best of the repeats counts (this machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TARGETS = {"note opening, again": 0.3, "first paint": 1.5, "switcher": 0.2, "search": 0.2, "search, typed": 0.2, "search, no match": 0.2, "note opening": 0.3}
BIG_NOTE = "Diary/big-note-1400-lines.md"
# CPU seconds of the process (every thread) while the note opened: on a shared machine the wall
# clock also counts other people's work.
OPENING_CPU: list[float] = []


def add_big_note(vault: Path) -> None:
    seed = (HERE.parent / "vault" / "Diary" / "2024" / "2024-12-01.md").read_text(encoding="utf-8")
    lines = (seed.rstrip("\n") + "\n") * 9
    (vault / BIG_NOTE).write_text("\n".join(lines.split("\n")[:1400]) + "\n", encoding="utf-8")


async def until(pilot, done, step: float = 0.002, limit: float = 30.0) -> None:
    t = time.perf_counter()
    while not done() and time.perf_counter() - t < limit:
        await pilot.pause(step)


async def one_start(vault: Path, measure_rest: bool, only: str | None = None) -> dict[str, float | list[float] | str]:
    from labnotes.tui.app import make_app

    out: dict[str, float | list[float] | str] = {}
    started = time.perf_counter()
    app = make_app(vault, watch_every=None)
    async with app.run_test(size=(140, 45)) as pilot:
        tree = app.query_one("#task-tree")
        await until(pilot, lambda: bool(tree.root.children), 0.005)
        out["first paint"] = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["all read"] = time.perf_counter() - started
        if not measure_rest:
            return out
        if only == "note":
            if (vault / BIG_NOTE).exists():
                out["note opening"] = await open_big(pilot, app, out)
            return out
        await until(pilot, lambda: app.finder is not None, 0.01, 120)
        out["places"] = str(app.finder.size if app.finder else 0)
        await pilot.press("ctrl+p")
        await pilot.pause()
        out["switcher"] = await per_key(pilot, app, "partialoct")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        out["search"] = await per_key(pilot, app, "sum_mask", in_thread=True)
        for _ in "sum_mask":
            await pilot.press("backspace")
        await until(pilot, lambda: shown(app, ""), 0.002)
        out["search, typed"] = await typed_fast(pilot, app, "sum_mask")
        for _ in "sum_mask":
            await pilot.press("backspace")
        await until(pilot, lambda: shown(app, ""), 0.002)
        # A word no note holds: the fallback scan reads every note (the store's index will not).
        out["search, no match"] = await per_key(pilot, app, "qzxj", in_thread=True)
        await pilot.press("escape")
        await pilot.pause()
        if only != "find" and (vault / BIG_NOTE).exists():  # an existing vault may lack it
            out["note opening"] = await open_big(pilot, app, out)
    return out


async def open_big(pilot, app, out: dict) -> float:
    """The 1,400-line note opened at line 700, from the message to its lines on screen: first
    from another view (the Notes view shows for the first time), then again from the Notes view
    after another note (`note opening, again` in out)."""
    from labnotes.tui.messages import OpenNote

    text = app.query_one("#note-text")
    t, cpu = time.perf_counter(), time.process_time()
    app.post_message(OpenNote(BIG_NOTE, 700))
    await until(pilot, lambda: len(text.lines) >= 1400 and text.line == 700)
    await pilot.pause()
    OPENING_CPU.append(time.process_time() - cpu)
    first = time.perf_counter() - t
    other = next(rel for rel in app.data.index.notes if rel != BIG_NOTE)
    app.post_message(OpenNote(other, 1))
    await until(pilot, lambda: len(text.lines) < 1400)
    await pilot.pause(0.5)
    t, cpu = time.perf_counter(), time.process_time()
    app.post_message(OpenNote(BIG_NOTE, 300))
    await until(pilot, lambda: len(text.lines) >= 1400 and text.line == 300)
    await pilot.pause()
    OPENING_CPU.append(time.process_time() - cpu)
    out["note opening, again"] = time.perf_counter() - t
    return first


async def per_key(pilot, app, query: str, in_thread: bool = False) -> list[float]:
    """Each key of `query`, from the key to the list showing that prefix's answer (a search
    waits DEBOUNCE_S for more keys first: that wait counts)."""
    times = []
    typed = getattr(app.screen, "query_text", "")
    for ch in query:
        typed += ch
        t = time.perf_counter()
        await pilot.press(ch)
        await until(pilot, lambda q=typed: shown(app, q), 0.002)
        await pilot.pause()
        times.append(time.perf_counter() - t)
    return times


async def typed_fast(pilot, app, query: str, gap: float = 0.06) -> float:
    """`query` typed at `gap` seconds a key (a quick typist): from the last key to its answer."""
    for ch in query[:-1]:
        await pilot.press(ch)
        await pilot.pause(gap)
    t = time.perf_counter()
    await pilot.press(query[-1])
    await until(pilot, lambda: shown(app, query), 0.002)
    await pilot.pause()
    return time.perf_counter() - t


def shown(app, query: str) -> bool:
    said = getattr(app.screen, "shown_for", None)
    return said is not None and said[0] == query and not [w for w in app.workers if w.group == "find" and w.is_running]


async def bare_start() -> float:
    from textual.app import App
    from textual.widgets import Tree

    class Bare(App[None]):
        def compose(self):
            tree: Tree[None] = Tree("tasks")
            tree.root.add_leaf("one")
            yield tree

    started = time.perf_counter()
    async with Bare().run_test(size=(140, 45)) as pilot:
        await pilot.pause()
    return time.perf_counter() - started


async def markdown_open(text: str) -> float:
    from textual.app import App
    from textual.widgets import Markdown

    class Md(App[None]):
        def compose(self):
            yield Markdown("", id="md")

    async with Md().run_test(size=(140, 45)) as pilot:
        t = time.perf_counter()
        await pilot.app.query_one(Markdown).update(text)
        await pilot.pause()
        return time.perf_counter() - t


def peers(vault: Path, names: list[str]) -> dict[str, float]:
    t = time.perf_counter()
    for k in range(1, len("partialoct") + 1):
        q = "partialoct"[:k]
        [n for n in names if q in n.casefold()]
    loop = (time.perf_counter() - t) / len("partialoct")
    t = time.perf_counter()
    for path in vault.rglob("*.md"):
        path.read_text(encoding="utf-8", errors="replace").casefold().find("sum_mask")
    scan = time.perf_counter() - t
    return {"switcher": loop, "search": scan}


def opening_rows(last: dict, md: float) -> list[tuple[str, float, str]]:
    return [
        ("note opening", last["note opening"], f"1,400 lines from the Tasks view, CPU {OPENING_CPU[-2]:.3f} s; "
                                               f"Textual Markdown widget on the same text {md:.3f} s"),
        ("note opening, again", last["note opening, again"], f"from the Notes view after another note, CPU {OPENING_CPU[-1]:.3f} s"),
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--vault", type=Path, help="an existing vault (default: generate one)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=["note", "find"], help="note: first paint and note opening only; find: no note opening")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        # Its own cache and run log, unless the caller names them: the user's stay untouched.
        for name, folder in (("LABNOTES_CACHE_DIR", "cache"), ("LABNOTES_STATE_DIR", "state")):
            if not os.environ.get(name):
                os.environ[name] = str(Path(tmp) / folder)
        vault = args.vault
        if vault is None:
            from make_vault import make_vault

            vault = Path(tmp) / "vault"
            make_vault(vault, args.notes)
            add_big_note(vault)
        from labnotes.vault import build_index

        t = time.perf_counter()
        index = build_index(vault)
        names = list(index.notes)
        index.close()  # warms the cache: the start-ups below find it
        print(f"vault {vault}: {len(names)} notes, index built in {time.perf_counter() - t:.2f} s (this warms the cache)")

        runs = [asyncio.run(one_start(vault, measure_rest=(n == args.repeat - 1), only=args.only)) for n in range(args.repeat)]
        bare = min(asyncio.run(bare_start()) for _ in range(args.repeat))
        for n, r in enumerate(runs, 1):
            print(f"start {n}: first paint {r['first paint']:.3f} s, all notes read and drawn {r['all read']:.3f} s")
        last = runs[-1]
        rows = [("first paint", min(r["first paint"] for r in runs), f"bare Textual app with a Tree {bare:.3f} s")]
        if "note opening" in last and "switcher" not in last:
            big = (vault / BIG_NOTE).read_text(encoding="utf-8") if (vault / BIG_NOTE).exists() else ""
            md = asyncio.run(markdown_open(big)) if big else float("nan")
            rows += opening_rows(last, md)
        if "switcher" in last:
            big = (vault / BIG_NOTE).read_text(encoding="utf-8") if (vault / BIG_NOTE).exists() else ""
            peer = peers(vault, names)
            md = asyncio.run(markdown_open(big)) if big and "note opening" in last else float("nan")
            sw, se = last["switcher"], last["search"]
            rows += [
                ("switcher", max(sw), f"worst of {len(sw)} keys, median {sorted(sw)[len(sw) // 2]:.3f} s over "
                                      f"{last['places']} places; plain loop over note names {peer['switcher']:.3f} s a key"),
                ("search", max(se), f"worst of {len(se)} keys, median {sorted(se)[len(se) // 2]:.3f} s; "
                                    f"reading every note and str.find {peer['search']:.3f} s"),
                ("search, typed", last["search, typed"], "sum_mask typed at 0.06 s a key: from the last key to its results"),
                ("search, no match", max(last["search, no match"]), "worst of 4 keys of a word no note holds"),
            ]  # fmt: skip
            if "note opening" in last:
                rows += opening_rows(last, md)
        if "switcher" in last:
            for what in ("switcher", "search", "search, no match"):
                print(f"{what} per key: " + " ".join(f"{x:.3f}" for x in last[what]))  # type: ignore[union-attr]
        print(f"\n{'what':<17}{'measured':>10}  {'target':>7}  verdict  peer (same run)")
        for what, value, peer_text in rows:
            target = TARGETS[what]
            print(f"{what:<17}{value:>9.3f}s  {target:>6.1f}s  {'ok     ' if value <= target else 'OVER   '}  {peer_text}")


if __name__ == "__main__":
    main()
