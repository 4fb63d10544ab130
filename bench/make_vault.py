"""Generate a vault of N daily notes shaped like the seed note, for benchmarks.

Each note is the seed with its days moved to the note's own week, its wiki-links pointed at
earlier generated notes (and a few that do not exist), and a little text varied so no two
notes are identical.

    python bench/make_vault.py OUTDIR --notes 2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "vault" / "Diary" / "2024" / "2024-12-01.md"
_STAMP = re.compile(r"2024-12-0([1-6])")
_CJK_STAMP = "2024 年 12 月 1 日"
_WIKI = re.compile(r"\[\[([^\]|#]+)")
_DASH_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(\d{1,2}:\d{2}) 周.")
_CJK_DAY = re.compile(r"(\d{4}) 年 (\d{1,2}) 月 (\d{1,2}) 日-(\d{1,2}:\d{2}) 周.")
_WEEKDAYS = "一二三四五六日"


def _weekday(m: re.Match[str], form: str) -> str:
    day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return form.format(*m.groups()) + " 周" + _WEEKDAYS[day.weekday()]


def note_text(seed: str, day: dt.date, index: int, rng: random.Random) -> str:
    def move(m: re.Match[str]) -> str:
        return (day + dt.timedelta(days=int(m.group(1)) - 1)).isoformat()

    text = _STAMP.sub(move, seed)
    text = text.replace(_CJK_STAMP, f"{day.year} 年 {day.month} 月 {day.day} 日")
    # Moved days fall on other weekdays; keep the stamps' weekdays true.
    text = _DASH_DAY.sub(lambda m: _weekday(m, "{}-{}-{}-{}"), text)
    text = _CJK_DAY.sub(lambda m: _weekday(m, "{} 年 {} 月 {} 日-{}"), text)

    def relink(m: re.Match[str]) -> str:
        if index == 0 or rng.random() < 0.05:
            return f"[[missing-{rng.randrange(50)}"
        back = rng.randrange(1, min(index, 60) + 1)
        return f"[[{(day - dt.timedelta(days=back)).isoformat()}"

    text = _WIKI.sub(relink, text)
    # A filled life table, as a real note would have.
    text = text.replace(
        "|        |        |      |      |         |         |",
        f"| {rng.randrange(22, 24)}:{rng.randrange(60):02d} | {rng.randrange(6, 9)}:{rng.randrange(60):02d} "
        f"| {60 + rng.random() * 10:.1f} kg | 跑步 {rng.randrange(1, 8)} km | ¥{rng.randrange(100, 5000)}.{rng.randrange(100):02d} "
        f"| {rng.randrange(10, 900)}.{rng.randrange(100):02d} 元 |",
        1,
    )
    return text + f"\n#生成笔记 第 {index} 篇\n"


def make_vault(out: Path, notes: int, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    text = SEED.read_text(encoding="utf-8")
    start = dt.date(2020, 1, 1)
    (out / ".obsidian").mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(notes):
        day = start + dt.timedelta(days=i)
        path = out / "Diary" / str(day.year) / f"{day.isoformat()}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(note_text(text, day, i, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to create the vault in")
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = make_vault(args.out, args.notes, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} notes, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
