"""A mutation fuzzer for the note parser (and, every few cases, a small vault through the queries).

Each case is a note made from the sample vault's notes and the notes that once failed
(`tests/fuzz_corpus/`), changed by a few random mutations: constructs dropped in (stamps, tasks,
links, `~~`, `==`, `<mark`, tables, front matter with impossible dates, deep quotes), spans cut,
copied or repeated thousands of times, indentation changed, two notes spliced. Every case must:

- parse without an exception and within a time budget (no hang);
- put every position inside the file, and every link's `original` at its position;
- keep no list item its own ancestor, and let every walk to "the task above" end;
- give unique entry ids whose threads are tasks, and a model that `json.dumps` can write.

Every `--vault-every` cases the last few notes become a small vault that `build_index` and the
queries (tasks, timeline, links, check, metrics, graph, carry-over) must read, again in time.

By hand, for as long as you like (a failing case is written to the output folder, with its
problem; copy it into tests/fuzz_corpus/ once fixed, so it stays a regression test):

    python -m tests.fuzz --minutes 60                 # from the repository root
    python -m tests.fuzz --cases 5000 --seed 7 --out /tmp/fuzz-found
    python -m tests.fuzz --minutes 60 --seeds ~/MyVault   # mutants of a real vault's notes too

The test suite runs a short, seeded run (tests/test_parse_fuzz.py).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from labnotes.parse import parse_note
from labnotes.parse.items import ItemTree
from labnotes.parse.model import Note, task_above
from labnotes.parse.source import normalise

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "vault"
CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"

# Pieces that the parser treats specially, so that mutants reach real constructs.
PIECES = [
    "- ", "* ", "1. ", "2) ", "- [ ] ", "- [x] ", "1. [/] ", "\t", "    ", "  ", "\n", "\n\n", "> ", ">>> ",
    "# ", "## 科研\n", "[[", "]]", "![[", "[[a#h|b]]", "[[#^blk]]", "[x](y)", "![i](p.png)", "<http://a.b>",
    "https://e.org/x", "~~", "==", "<mark style=\"background: #FF5582A6;\">", "</mark>", "<mark", "<!--", "-->",
    "%%", "$", "$$", "`", "```\n", "\\", "^blk", "#tag", "[k:: v]", "(k::v)", "k:: v\n", "|", "| a | b |\n| - | - |\n",
    "2024-12-03-22:05 周二：", "2024 年 12 月 1 日-21:57 周日：", "22:05 ", "8:00-9:00 ", "2024-02-30-10:00 ",
    "---\n", "---\ndate: 2024-02-30\n---\n", "---\nn: " + "9" * 5000 + "\n---\n", "**", "_", "\ufeff", "\r\n", "\r",
    "中文", "：", "，", "\u3000", "\u2028", "\x0c", "\x00", "&amp;", "<br>", "[", "]", "(", ")",
]


@dataclass
class Finding:
    case: int
    problem: str
    text: str


@dataclass
class Report:
    cases: int = 0
    vaults: int = 0
    seconds: float = 0.0
    largest: int = 0
    slowest: float = 0.0
    findings: list[Finding] = field(default_factory=list)


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang in this (main) thread after `seconds` of CPU time, or ten times that on the clock
    (a wait that uses no CPU): a parse that spins is a finding, not a stall, and a busy machine
    (the fuzzer runs niced beside test suites) does not make a slow case out of a fast one."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        what = "of CPU time" if signum == signal.SIGPROF else "on the clock"
        raise Hang(f"took longer than {seconds if signum == signal.SIGPROF else 10 * seconds:g} s {what}")

    old = signal.signal(signal.SIGPROF, alarm), signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, 10 * seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, old[0])
        signal.signal(signal.SIGALRM, old[1])


def seeds(extra: Path | None = None) -> list[str]:
    """The notes mutants start from: the sample vault, the corpus, and the notes of `extra` (a real vault)."""
    paths = sorted(SAMPLE.rglob("*.md")) + sorted(CORPUS.glob("*.md"))
    if extra is not None:
        paths += sorted(p for p in extra.rglob("*.md") if p.is_file() and not p.is_symlink())
    out = []
    for p in paths:
        try:
            out.append(p.read_bytes().decode("utf-8", errors="replace"))
        except OSError:
            continue
    return out


def mutate(text: str, rng: random.Random, pool: list[str], limit: int) -> str:
    for _ in range(rng.randint(1, 6)):
        n = len(text)
        a = rng.randint(0, n)
        b = min(n, a + rng.choice((1, 3, 10, 40, 200)))
        op = rng.randrange(9)
        if op <= 2:
            text = text[:a] + rng.choice(PIECES) + text[a:]
        elif op == 3:
            text = text[:a] + text[b:]
        elif op == 4:
            text = text[:a] + text[a:b] * rng.choice((2, 10, 200, 3000)) + text[b:]
        elif op == 5:
            text = text[:a] + rng.choice(PIECES) * rng.choice((50, 500, 5000)) + text[a:]
        elif op == 6:
            other = rng.choice(pool)
            c = rng.randint(0, len(other))
            text = text[:a] + other[c : c + rng.randint(0, 2000)] + text[b:]
        elif op == 7:
            lines = text.split("\n")
            k = rng.randrange(len(lines))
            lines[k] = rng.choice(("\t", "  ", "    ", "> ", "- ", "")) * rng.randint(0, 8) + lines[k].lstrip()
            text = "\n".join(lines)
        else:
            text = text[:a] + chr(rng.randrange(0x20, 0x3000)) + text[b:]
        if len(text) > limit:
            text = text[:limit]
    return text


def _lines(text: str) -> list[str]:
    return normalise(text).split("\n")


def check_note(text: str, note: Note) -> list[str]:
    """The invariants every parsed note keeps; returns what is broken (empty when all hold)."""
    problems: list[str] = []
    lines = _lines(text)
    n = len(lines)
    for kind in ("headings", "list_items", "links", "entries", "tables", "tags", "highlights", "strikes", "fields", "block_ids", "warnings"):
        for thing in getattr(note, kind):
            if not 1 <= thing.line <= n:
                problems.append(f"{kind}: line {thing.line} outside 1-{n}")
            col = getattr(thing, "col", None)
            if col is not None and 1 <= thing.line <= n and not 0 <= col <= len(lines[thing.line - 1]):
                problems.append(f"{kind}: column {col} outside line {thing.line}")
    for link in note.links:
        if 1 <= link.line <= n and not lines[link.line - 1][link.col :].startswith(link.original.split("\n")[0]):
            problems.append(f"link {link.original[:40]!r} is not at {link.line}:{link.col}")
    tree = ItemTree(note.list_items)
    by_line = {i.line: i for i in note.list_items}
    for item in note.list_items:
        chain = list(tree.ancestors(item))
        if item in chain or len(chain) > item.depth:
            problems.append(f"item at line {item.line} is its own ancestor")
        if item.parent_line is not None and item.parent_line > item.line:
            problems.append(f"item at line {item.line} has a later parent {item.parent_line}")
        tree.tasks_above(item)
        task_above(by_line, item.parent_line)  # must end even on a line map
    ids = [e.id for e in note.entries]
    if len(ids) != len(set(ids)):
        problems.append("entry ids repeat")
    tasks = {i.line for i in note.list_items if i.task is not None}
    for e in note.entries:
        if e.thread_line is not None and e.thread_line not in tasks:
            problems.append(f"entry {e.id} has thread line {e.thread_line}, not a task")
        if e.end_line < e.line:
            problems.append(f"entry {e.id} ends before it starts")
    for w in note.warnings:
        if getattr(w, "code", "") == "internal":
            problems.append(f"internal error at line {w.line}: {w.message}")
    json.dumps(note.to_json(), ensure_ascii=False)
    return problems


def check_vault(texts: list[str], budget: float) -> list[str]:
    """A small vault of these notes through the index and the queries."""
    from labnotes.notes.newnote import carry_over
    from labnotes.queries.check import check
    from labnotes.queries.links import links
    from labnotes.queries.metrics import metrics
    from labnotes.queries.tasks import tasks
    from labnotes.queries.timeline import timeline
    from labnotes.vault import build_index

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="labnotes-fuzz-") as tmp:
        vault = Path(tmp)
        (vault / ".obsidian").mkdir()
        for k, text in enumerate(texts):
            (vault / f"2024-12-{k + 1:02d}.md").write_text(text, encoding="utf-8", newline="")
        template = "# 今日计划\n\n## 科研\n\n1. [ ] \n"
        steps: list[tuple[str, Callable[[], object]]] = []
        idx = build_index(vault, use_cache=False)
        steps = [
            ("tasks", lambda: tasks(idx, placeholders=True)),
            ("timeline", lambda: timeline(idx)),
            ("links", lambda: links(idx)),
            ("check", lambda: check(idx)),
            ("metrics", lambda: metrics(idx)),
            ("graph", lambda: idx.graph.number_of_nodes()),
        ]
        for name, step in steps:
            try:
                with time_limit(budget):
                    step()
            except Hang as exc:
                problems.append(f"vault {name}: {exc}")
            except Exception as exc:  # noqa: BLE001 - a finding, reported with its type
                problems.append(f"vault {name}: {type(exc).__name__}: {exc}")
        for k, text in enumerate(texts):
            try:
                with time_limit(budget):
                    carry_over(parse_note(text, f"2024-12-{k + 1:02d}.md"), text, template)
            except Hang as exc:
                problems.append(f"carry_over: {exc}")
            except Exception as exc:  # noqa: BLE001
                problems.append(f"carry_over: {type(exc).__name__}: {exc}")
    return problems


def run(
    *,
    cases: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
    budget: float = 10.0,
    vault_every: int = 50,
    limit: int = 200_000,
    out: Path | None = None,
    progress: Callable[[Report], None] | None = None,
    extra: Path | None = None,
) -> Report:
    """Run until `cases` cases or `seconds` have passed (whichever comes first)."""
    rng = random.Random(seed)
    pool = seeds(extra)
    report = Report()
    start = time.perf_counter()
    recent: list[str] = []
    while (cases is None or report.cases < cases) and (seconds is None or time.perf_counter() - start < seconds):
        text = mutate(rng.choice(pool), rng, pool, limit)
        report.cases += 1
        report.largest = max(report.largest, len(text))
        problems: list[str] = []
        began = time.perf_counter()
        try:
            with time_limit(budget):
                note = parse_note(text, "2024-12-03.md")
                problems = check_note(text, note)
        except Hang as exc:
            problems = [f"parse: {exc}"]
        except Exception as exc:  # noqa: BLE001 - parse_note must never raise: that is the finding
            problems = [f"parse raised {type(exc).__name__}: {exc}"]
        report.slowest = max(report.slowest, time.perf_counter() - began)
        recent = (recent + [text])[-4:]
        if not problems and vault_every and report.cases % vault_every == 0:
            report.vaults += 1
            problems = check_vault(recent, budget)
        for problem in problems:
            report.findings.append(Finding(report.cases, problem, text))
        if problems and out is not None:
            _save(out, report.cases, problems, recent if problems[0].startswith(("vault", "carry")) else [text])
        if progress is not None and report.cases % 100 == 0:
            progress(report)
    report.seconds = time.perf_counter() - start
    return report


def _save(out: Path, case: int, problems: list[str], texts: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(texts):
        (out / f"case-{case}-{k}.md").write_text(text, encoding="utf-8", newline="")
    (out / f"case-{case}.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, help="run this long (default: 1 minute unless --cases is given)")
    parser.add_argument("--cases", type=int, help="stop after this many cases")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="random seed (default: the clock)")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds one case may take before it counts as a hang")
    parser.add_argument("--vault-every", type=int, default=50, help="a small vault through the queries every N cases (0: never)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-found"), help="folder for failing cases (default ./fuzz-found)")
    parser.add_argument("--seeds", type=Path, help="also mutate the notes of this vault (e.g. a real one, kept out of the repository)")
    args = parser.parse_args(argv)
    seconds = args.minutes * 60 if args.minutes is not None else (None if args.cases else 60.0)

    def progress(r: Report) -> None:
        print(f"\r{r.cases} cases, {r.vaults} vaults, {len(r.findings)} findings, slowest {r.slowest:.2f} s", end="", file=sys.stderr)

    print(f"seed {args.seed}", file=sys.stderr)
    report = run(
        cases=args.cases, seconds=seconds, seed=args.seed, budget=args.budget,
        vault_every=args.vault_every, out=args.out, progress=progress, extra=args.seeds,
    )  # fmt: skip
    print(file=sys.stderr)
    print(
        f"{report.cases} cases ({report.vaults} vaults) in {report.seconds:.0f} s, seed {args.seed}; "
        f"largest note {report.largest / 1000:.0f} KB, slowest case {report.slowest:.2f} s; "
        f"{len(report.findings)} findings" + (f", written to {args.out}/" if report.findings else "")
    )
    for f in report.findings[:20]:
        print(f"  case {f.case}: {f.problem}")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
