"""Reproductions of the PartialOct fixes logged in the seed note (see README.md).

Each `experiments/<id>.py` runs alone as `python -m experiments.<id>`; the shared parts of
the network live in `experiments.lib`. Nothing here imports `labnotes`: the scripts must run
with torch, pyyaml and the standard library only.
"""

import warnings

# torch warns on import when numpy is missing; these scripts never use numpy, and the warning
# would break the promise that a usage error is one line on stderr.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
