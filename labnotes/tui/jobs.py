"""Reruns on the cluster, followed from the TUI as `labnotes runs` follows them: the scheduler is
asked about the runs the log says are queued or running, and what moved is appended to the log."""

from __future__ import annotations

from typing import Any

from labnotes.tui.data import VaultData

# How often the app asks the scheduler while a run of this vault is queued or running.
JOBS_EVERY_S = 15.0
# What the S key steps through: one run, then sweeps of 5 and 10 seeds.
SEED_CHOICES: tuple[tuple[int, ...], ...] = ((), tuple(range(5)), tuple(range(10)))


def next_seeds(seeds: tuple[int, ...]) -> tuple[int, ...]:
    at = SEED_CHOICES.index(seeds) if seeds in SEED_CHOICES else 0
    return SEED_CHOICES[(at + 1) % len(SEED_CHOICES)]


def slurm_options(data: VaultData | None) -> Any:
    """What a cluster run asks for: the vault's `slurm:` settings (`rerun --on slurm` without flags)."""
    from labnotes.lab.cluster import SlurmOptions

    config = data.index.config if data is not None and data.index is not None else None
    from labnotes.settings.slurm import SlurmSettings

    return SlurmOptions.chosen(config.slurm if config is not None else SlurmSettings())


def follow(data: VaultData | None) -> bool:
    """Ask about this vault's pending cluster runs; True when one moved (the views then reload).
    Raises ClusterError (one line) when the scheduler cannot be asked."""
    from labnotes.lab.cluster import collect, pending

    ws = data.workspace if data is not None else None
    if data is None or ws is None or ws.run_log is None or not pending(data.records):
        return False
    return bool(collect(data.records, ws.run_log))
