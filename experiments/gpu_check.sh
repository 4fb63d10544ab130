#!/usr/bin/env bash
# Run every experiment at full size on CUDA, once, and leave the results file in
# experiments/results/<device-slug>.json (the device's name, torch / CUDA / cuDNN versions,
# each experiment's JSON line and wall time). Prepared for a session that has a GPU; run it
# from anywhere:
#
#     bash experiments/gpu_check.sh            # full size (what the README's GPU figures are)
#     QUICK=1 bash experiments/gpu_check.sh    # the --quick sizes too, for a fast first look
#
# It needs a Python with a CUDA build of torch and pyyaml ($PYTHON, default python3). It
# stops with a one-line message when CUDA is not there rather than producing a CPU file.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import torch, yaml, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    echo "gpu_check: no CUDA device visible to $PYTHON (torch.cuda.is_available() is False, or torch / pyyaml missing)" >&2
    exit 2
fi
"$PYTHON" -c 'import torch; print("gpu_check:", torch.cuda.get_device_name(), "torch", torch.__version__, "cuda", torch.version.cuda)'
if [[ "${QUICK:-0}" == 1 ]]; then
    "$PYTHON" -m experiments.run_all --device cuda --quick
fi
# run_all exits 1 when an experiment fails or does not reproduce; the file is written either way.
status=0
"$PYTHON" -m experiments.run_all --device cuda || status=$?
ls -l experiments/results/
exit "$status"
