"""Reproductions of the PartialOct fixes logged in the seed note (see README.md).

Each `experiments/<id>.py` runs alone as `python -m experiments.<id>`; the shared parts of
the network live in `experiments.lib`. Nothing here imports `labnotes`: the scripts must run
with torch, pyyaml and the standard library only.
"""
