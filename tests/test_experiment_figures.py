"""`python -m experiments.figures`: the README table's figures from results files, by command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from experiments import figures

REPO = Path(__file__).resolve().parent.parent
QUICK = REPO / "experiments" / "results" / "cpu-quick.json"


def test_each_row_reads_its_figure_from_the_results_file():
    heading, results = figures.load(QUICK)
    assert heading == "cpu-quick.json: cpu, --quick"
    rows = dict((label, figures.figure(fn, results)) for label, fn in figures.ROWS)
    per_3x3 = results["aliased_kernel"]["growth_per_plain_3x3"]["aliased"]
    assert rows["12-05 17:07, 17:36, aliased_kernel (A)"].startswith(f"x{per_3x3:.3g} per ungrouped 3x3")
    assert "born in netG.AdaOctConv3_1.AdaConv_h" in rows["12-05 21:35~2, note_states (C)"]
    assert all(v != "—" for v in rows.values()), [k for k, v in rows.items() if v == "—"]


def test_a_file_without_an_experiment_prints_a_dash_for_its_rows(tmp_path):
    data = json.loads(QUICK.read_text(encoding="utf-8"))
    data["experiments"] = [e for e in data["experiments"] if e["id"] != "note_states"]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(data), encoding="utf-8")
    out = figures.table([QUICK, partial]).splitlines()
    e_row = next(line for line in out if line.startswith("| the note's end"))
    assert e_row.count(" G_loss ") == 1 and e_row.endswith("| — |")


def test_a_file_that_is_not_a_results_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    for arg, says in ((bad, "not a run_all results file"), (tmp_path / "missing.json", "missing.json: no such file")):
        proc = subprocess.run([sys.executable, "-m", "experiments.figures", str(arg)], cwd=REPO, capture_output=True, text=True)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and says in proc.stderr, proc.stderr
