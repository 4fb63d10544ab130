"""The task / experiment graph: what contains what, what links where, how threads run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from labnotes.vault import build_index
from labnotes.workspace import Workspace
from labnotes.vault.export import export

DAY = """\
# 今日计划

## 科研

1. [ ] fix the encoder
	1. 2024-12-03-22:10 周二：start
	2. [x] sub-task
		1. 2024-12-03-22:42 周二：found it, see [[Other#Findings]]
	3. 2024-12-05-09:50 周四：next morning
2. [ ] read ![[missing note]]
"""

OTHER = "# Findings\n\nText.\n"


@pytest.fixture
def idx(tmp_path: Path):
    (tmp_path / "2024-12-03.md").write_text(DAY, encoding="utf-8")
    (tmp_path / "Other.md").write_text(OTHER, encoding="utf-8")
    return build_index(tmp_path)


def edges(g, kind):
    return {(u, v) for u, v, d in g.edges(data=True) if d["kind"] == kind}


def test_contains_runs_note_section_task_subtask_entry(idx):
    g = idx.graph
    note, top, sub = "note:2024-12-03.md", "section:2024-12-03.md:1", "section:2024-12-03.md:3"
    contains = edges(g, "contains")
    assert (note, top) in contains and (top, sub) in contains
    assert (sub, "task:2024-12-03.md:5") in contains
    assert ("task:2024-12-03.md:5", "task:2024-12-03.md:7") in contains
    assert ("task:2024-12-03.md:7", "entry:2024-12-03@2024-12-03T22:42") in contains
    assert g.nodes["task:2024-12-03.md:7"]["status"] == "x"


def test_links_reach_the_section_they_name_and_unresolved_targets_get_their_own_node(idx):
    g = idx.graph
    assert ("note:2024-12-03.md", "section:Other.md:1") in edges(g, "links_to")
    assert ("note:2024-12-03.md", "unresolved:missing note") in edges(g, "embeds")
    assert g.nodes["unresolved:missing note"]["kind"] == "unresolved"


def test_thread_edges_follow_time_under_one_task(idx):
    thread = edges(idx.graph, "thread")
    assert thread == {("entry:2024-12-03@2024-12-03T22:10", "entry:2024-12-03@2024-12-05T09:50")}
    minutes = [d["minutes"] for _, _, d in idx.graph.edges(data=True) if d["kind"] == "thread"]
    assert minutes == [24 * 60 + 11 * 60 + 40]  # a day, 11 h 40 min


def test_experiments_reproduce_entries_of_the_sample_vault():
    from labnotes.settings.locations import SAMPLE_VAULT

    idx = build_index(SAMPLE_VAULT)
    g = Workspace(SAMPLE_VAULT, index=idx).graph()
    reproduces = edges(g, "reproduces")
    assert all(g.nodes[v]["kind"] == "entry" for _, v in reproduces)
    # Every one of the seed's 20 entries is reproduced by some experiment.
    seed_entries = {f"entry:{e.id}" for e in idx.notes["Diary/2024/2024-12-01.md"].entries}
    assert len(seed_entries) == 20
    assert seed_entries <= {v for _, v in reproduces}


def test_an_exp_field_in_a_note_links_its_entry_to_the_experiment(tmp_path):
    from labnotes.settings.locations import EXPERIMENTS_DIR

    (tmp_path / "2024-12-09.md").write_text("- [ ] ratio\n\t- 2024-12-09-10:00 周一：ratio check [exp:: mask_ratio]\n", encoding="utf-8")
    # The vault names its experiments folder (here the sample vault's); without it, no experiments.
    (tmp_path / ".labnotes.yaml").write_text(f"experiments: {str(EXPERIMENTS_DIR)!r}\n", encoding="utf-8")
    g = Workspace(tmp_path).graph()
    via = {(u, v): d.get("via") for u, v, d in g.edges(data=True) if d["kind"] == "reproduces"}
    assert via == {("experiment:mask_ratio", "entry:2024-12-09@2024-12-09T10:00"): "field"}


@pytest.mark.parametrize("fmt", ["json", "graphml", "mermaid", "dot"])
def test_every_export_format_carries_every_node(idx, fmt):
    text = export(idx.graph, fmt)
    n = idx.graph.number_of_nodes()
    if fmt == "json":
        assert len(json.loads(text)["nodes"]) == n
    elif fmt == "graphml":
        root = ET.fromstring(text.encode("utf-8"))
        assert len(root.findall(".//{http://graphml.graphdrawing.org/xmlns}node")) == n
    elif fmt == "mermaid":
        assert text.startswith("flowchart LR") and text.count("\n  n") >= n
    else:
        assert text.startswith("digraph") and text.rstrip().endswith("}")
        assert text.count(" -> ") == idx.graph.number_of_edges()
