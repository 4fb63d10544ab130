"""How each kind of link resolves, pinned on small vaults built for the purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from labnotes.vault import build_index
from labnotes.vault.resolve import find_heading, heading_key
from labnotes.parse.model import Link


def make_vault(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def wiki(target: str, heading: str | None = None, block: str | None = None) -> Link:
    return Link(1, 0, f"[[{target}]]", target, heading, block, None, False, "wiki")


def md(target: str, heading: str | None = None) -> Link:
    return Link(1, 0, f"[x]({target})", target, heading, None, None, False, "markdown")


@pytest.fixture
def idx(tmp_path):
    vault = make_vault(
        tmp_path / "vault",
        {
            "Note.md": "# Top\n",
            "Projects/Note.md": "# In projects\n",
            "Projects/Deep/Note.md": "# Deepest\n",
            "Projects/plan.md": "x\n",
            "Archive/2023/plan.md": "x\n",
            "a/b/Tie.md": "x\n",
            "zzzz/Tie.md": "x\n",
            "Diary/2024/2024-12-01.md": (
                "---\naliases: [Seed day, 十二月一日]\n---\n"
                "# 新年计划\n## 科研\n### Step 1: Install [beta]\n# 新年计划\n## Other\n"
                "A paragraph with a block. ^finding-1\n"
            ),
            "Diary/2024/2024-01-01.md": "---\nalias: New year\n---\n# 新的一年\n",
            "attachments/figure 1.png": b"\x89PNG",
            "attachments/paper.pdf": b"%PDF",
            "Projects/Deep/source.md": "x\n",
            "My Notes/space name.md": "# Spaced Heading\n",
        },
    )
    return build_index(vault)


def where(idx, link, from_rel="Projects/Deep/source.md"):
    r = idx.resolve(link, from_rel)
    return r.rel if r.ok else None


def test_a_name_resolves_case_insensitively_without_extension(idx):
    assert where(idx, wiki("2024-12-01")) == "Diary/2024/2024-12-01.md"
    assert where(idx, wiki("2024-12-01.md")) == "Diary/2024/2024-12-01.md"
    assert where(idx, wiki("SPACE NAME")) == "My Notes/space name.md"


def test_an_exact_vault_path_wins_over_a_note_beside_the_source(idx):
    assert where(idx, wiki("Note")) == "Note.md"
    assert where(idx, wiki("Projects/Note")) == "Projects/Note.md"


def test_repeated_names_prefer_the_linking_notes_folder_then_the_shortest_path(idx):
    # plan.md lives in Projects/ and Archive/2023/: from Projects/Deep neither is local -> shortest.
    assert where(idx, wiki("plan")) == "Projects/plan.md"
    assert where(idx, wiki("plan"), "Archive/2023/other.md") == "Archive/2023/plan.md"
    # Obsidian compares path strings, not depth: a/b/Tie.md (11 chars) beats zzzz/Tie.md (12).
    assert where(idx, wiki("Tie"), "Note.md") == "a/b/Tie.md"


def test_a_partial_path_keeps_only_names_under_it(idx):
    assert where(idx, wiki("2023/plan")) == "Archive/2023/plan.md"
    assert where(idx, wiki("Diary/2024/2024-12-01")) == "Diary/2024/2024-12-01.md"
    assert where(idx, wiki("Deep/Note")) == "Projects/Deep/Note.md"


def test_relative_paths_start_from_the_linking_notes_folder(idx):
    assert where(idx, wiki("./Note")) == "Projects/Deep/Note.md"
    assert where(idx, wiki("../plan")) == "Projects/plan.md"
    assert where(idx, md("../../Note.md")) == "Note.md"


def test_aliases_resolve_when_no_file_has_the_name(idx):
    assert where(idx, wiki("seed day")) == "Diary/2024/2024-12-01.md"
    assert where(idx, wiki("十二月一日")) == "Diary/2024/2024-12-01.md"
    assert where(idx, wiki("New year")) == "Diary/2024/2024-01-01.md"
    assert idx.resolve(wiki("Seed day"), "Note.md").via == "alias"


def test_attachments_resolve_by_name_and_by_url_encoded_markdown_path(idx):
    assert where(idx, wiki("figure 1.png")) == "attachments/figure 1.png"
    assert where(idx, wiki("paper.pdf")) == "attachments/paper.pdf"
    assert where(idx, md("../../attachments/figure%201.png")) == "attachments/figure 1.png"


def test_headings_match_after_obsidians_normalisation(idx):
    r = idx.resolve(wiki("2024-12-01", heading="科研"), "Note.md")
    assert (r.ok, r.heading_line) == (True, 5)
    # Punctuation counts as space and case is ignored: `Step 1: Install [beta]`.
    r = idx.resolve(wiki("2024-12-01", heading="step 1 install beta"), "Note.md")
    assert (r.ok, r.heading_line) == (True, 6)
    r = idx.resolve(wiki("space name", heading="spaced   heading"), "Note.md")
    assert r.ok


def test_nested_heading_path_picks_the_heading_under_the_named_parent(idx):
    # `# 新年计划` appears twice; `新年计划#Other` is the one with ## Other under it.
    r = idx.resolve(wiki("2024-12-01", heading="新年计划#Other"), "Note.md")
    assert (r.ok, r.heading_line) == (True, 8)
    assert not idx.resolve(wiki("2024-12-01", heading="Other#科研"), "Note.md").ok


def test_a_missing_heading_is_reported_with_the_note_it_looked_in(idx):
    r = idx.resolve(wiki("2024-01-01", heading="新年计划"), "Note.md")
    assert (r.ok, r.rel) == (False, "Diary/2024/2024-01-01.md")
    assert "no heading" in r.reason


def test_block_ids(idx):
    r = idx.resolve(wiki("2024-12-01", block="finding-1"), "Note.md")
    assert (r.ok, r.block_line) == (True, 9)
    assert not idx.resolve(wiki("2024-12-01", block="nope"), "Note.md").ok


def test_a_heading_only_link_points_into_its_own_note(idx):
    r = idx.resolve(wiki("", heading="Deepest"), "Projects/Deep/Note.md")
    assert (r.ok, r.rel, r.heading_line, r.via) == (True, "Projects/Deep/Note.md", 1, "self")


@pytest.mark.parametrize(
    "target",
    ["../../etc/passwd", "../../../../../../etc/passwd", "/etc/passwd", "C:/Windows/win.ini", "~/secret", "Projects/../../x"],
)
def test_links_that_try_to_leave_the_vault_resolve_to_nothing(idx, target):
    r = idx.resolve(wiki(target), "Projects/Deep/source.md")
    assert not r.ok and r.rel is None and r.reason


def test_what_does_not_resolve_is_reported_not_guessed(idx):
    r = idx.resolve(wiki("Notes"), "Note.md")  # close to "Note", but not it
    assert not r.ok and r.rel is None and "Notes" in r.reason


def test_urls_are_external_not_unresolved(idx):
    for link in (md("https://arxiv.org/abs/2407.05848"), md("mailto:me@example.org"), wiki("https://example.org")):
        r = idx.resolve(link, "Note.md")
        assert (r.ok, r.reason) == (False, "external URL")
    # A colon alone does not make a wiki link a URL.
    assert "no note" in idx.resolve(wiki("Meeting: notes"), "Note.md").reason


def test_heading_key_is_obsidians_strip_heading():
    assert heading_key("根据以上推理, 可以得出结论") == heading_key("根据以上推理 可以得出结论")
    assert heading_key("**Bold** Title") == "bold title"
    assert find_heading([(3, 1, "A"), (4, 2, "B"), (7, 1, "C"), (8, 2, "B")], "C#B") == 8


def test_a_real_file_beside_the_vault_is_still_out_of_reach(tmp_path):
    (tmp_path / "secret.md").write_text("# Secret\n", encoding="utf-8")
    vault = make_vault(tmp_path / "vault", {"in.md": "[[../secret]] [[../secret.md#Secret]] [x](../secret.md)\n"})
    idx = build_index(vault)
    rows = idx.links()
    assert len(rows) == 3
    assert all(not r.ok and r.rel is None and "outside the vault" in r.reason for _, _, r in rows)
    assert list(idx.notes) == ["in.md"]
