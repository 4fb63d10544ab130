"""The `slurm:` section of .labnotes.yaml: what a cluster rerun asks the scheduler for, unless a
flag of `labnotes rerun --on slurm` says otherwise.

    slurm:
      partition: gpu
      gpus: 1          # per node
      cpus: 8          # per task
      mem_gb: 32
      time_min: 120
      sbatch: ["--qos=high", "--account=lab"]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SlurmSettings:
    partition: str | None = None
    gpus: int | None = None
    cpus: int | None = None
    mem_gb: float | None = None
    time_min: int | None = None
    sbatch: tuple[str, ...] = ()


# key: (what it must be, the least value)
_NUMBERS = {"gpus": (int, 0), "cpus": (int, 1), "mem_gb": (float, 0), "time_min": (int, 1)}


def parse_slurm(value: Any) -> SlurmSettings:
    """The section checked; ValueError("key: why") naming the key on a bad one."""
    if value is None:
        return SlurmSettings()
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping (partition:, gpus:, cpus:, mem_gb:, time_min:, sbatch:), got {type(value).__name__}")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "partition":
            if not isinstance(item, str) or not item.strip():
                raise ValueError("partition: expected a partition name")
            out[key] = item.strip()
        elif key in _NUMBERS:
            kind, least = _NUMBERS[key]
            ok = isinstance(item, int | float) if kind is float else isinstance(item, int)
            if isinstance(item, bool) or not ok or item < least:
                raise ValueError(f"{key}: expected {'a number' if kind is float else 'a whole number'} of at least {least}")
            out[key] = kind(item)
        elif key == "sbatch":
            if not isinstance(item, list) or not all(isinstance(s, str) and s.startswith("-") for s in item):
                raise ValueError("sbatch: expected a list of sbatch options such as --qos=high")
            out[key] = tuple(item)
        else:
            raise ValueError(f"unknown key {key!r} (known: partition, gpus, cpus, mem_gb, time_min, sbatch)")
    return SlurmSettings(**out)
