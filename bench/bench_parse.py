"""Parse speed: labnotes' note parser against bare markdown-it-py on the same notes, same run.

The peer is markdown-it-py with the commonmark preset plus tables and strikethrough, calling
`parse` (block and inline) on each note. Both sides get the note as already-read text, so the
figures compare parsing only. Goal: labnotes at most 1.3x the peer per note.

    python bench/bench_parse.py --notes 2000          # generates a vault in a temp folder
    python bench/bench_parse.py --vault DIR           # or uses the notes of an existing one
    python bench/bench_parse.py --pathological        # the notes of issue 10 at 20, 40, 80 KB

--pathological parses each shape that once took minutes (tests/test_parse_linear.py) at three
sizes, beside bare markdown-it on the same text: a linear scan doubles its time when the text
doubles (x2), a quadratic one quadruples it (x4).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests.test_parse_linear


def _time(fn, texts: list[tuple[str, str]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for path, text in texts:
            fn(text, path)
        best = min(best, time.perf_counter() - start)
    return best


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def pathological() -> None:
    from markdown_it import MarkdownIt

    from labnotes.parse import parse_note
    from tests.test_parse_linear import SHAPES

    bare = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    print(f"{'shape':34s} {'labnotes at 20/40/80 KB (s)':>30s}  growth  {'bare markdown-it (s)':>24s}")
    for name, shape in SHAPES.items():
        ours, peer = [], []
        for size in (20_000, 40_000, 80_000):
            piece = shape(size)
            ours.append(_best(lambda piece=piece: parse_note(piece, "2024-12-01.md")))
            peer.append(_best(lambda piece=piece: bare.parse(piece)))
        growth = ours[2] / max(ours[1], 1e-9)
        print(f"{name:34s} {' '.join(f'{t:9.4f}' for t in ours)}  x{growth:4.1f}   {' '.join(f'{t:7.4f}' for t in peer)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=2000, help="notes to generate (default 2000)")
    parser.add_argument("--vault", type=Path, help="use this vault's notes instead of generating")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the best is kept")
    parser.add_argument("--pathological", action="store_true", help="the shapes of issue 10 at three sizes")
    args = parser.parse_args()
    if args.pathological:
        pathological()
        return

    from markdown_it import MarkdownIt

    from labnotes.parse import parse_note

    with tempfile.TemporaryDirectory() as tmp:
        if args.vault:
            paths = sorted(args.vault.rglob("*.md"))
        else:
            from make_vault import make_vault

            paths = make_vault(Path(tmp), args.notes)
        texts = [(str(p), p.read_text(encoding="utf-8")) for p in paths]
    size = sum(len(t.encode()) for _, t in texts)

    bare = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parse_note(texts[0][1], texts[0][0])  # warm caches and imports on both sides
    bare.parse(texts[0][1])

    t_bare = _time(lambda text, path: bare.parse(text), texts, args.repeat)
    t_ours = _time(lambda text, path: parse_note(text, path), texts, args.repeat)
    n = len(texts)
    print(f"notes: {n}  ({size / 1e6:.1f} MB)")
    print(f"bare markdown-it-py : {t_bare:7.2f} s  ({t_bare / n * 1000:.2f} ms/note)")
    print(f"labnotes parse_note : {t_ours:7.2f} s  ({t_ours / n * 1000:.2f} ms/note)")
    print(f"ratio labnotes/bare : {t_ours / t_bare:.2f}x  (goal <= 1.30x)")


if __name__ == "__main__":
    main()
