"""What the CLI tests share: a runner that keeps stderr apart from stdout, and the arguments every
experiment takes (a fake experiment is this header and a body that prints its result)."""

from typer.testing import CliRunner

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()

EXPERIMENT_ARGS = """\
p = argparse.ArgumentParser()
p.add_argument("--device", default="auto")
p.add_argument("--quick", action="store_true")
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
"""
