"""labnotes as users install it: a wheel built from this checkout, its contents, and the commands
run from it with no checkout on the path (the styles, the sample vault and its experiments are
package data)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


# What a source distribution holds: the wheel is built from a copy of these, so a build never
# writes into the checkout (setuptools leaves build/ and *.egg-info beside the sources).
SOURCES = ("labnotes", "vault", "experiments", "setup.py", "pyproject.toml", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, src / name)
    # The venv's own setuptools, no network: what `pip install .` does, minus the download.
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        capture_output=True, text=True, timeout=600, cwd=src,
        env=dict(os.environ, PIP_NO_INDEX="1", TMPDIR=str(src)),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (found,) = out.glob("labnotes-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel unpacked as pip lays it into site-packages."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    return site


def test_the_wheel_carries_every_module_the_styles_and_the_sample(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "labnotes").rglob("*.py") if "__pycache__" not in p.parts}
    assert modules - names == set()
    assert "labnotes/tui/app.tcss" in names
    vault = {n.removeprefix("labnotes/sample/vault/") for n in names if n.startswith("labnotes/sample/vault/")}
    in_repo = {p.relative_to(REPO / "vault").as_posix() for p in (REPO / "vault").rglob("*") if p.is_file()}
    assert vault == in_repo  # every note and the dot-files: .obsidian/*.json, .labnotes.yaml
    manifest = yaml.safe_load((REPO / "experiments" / "manifest.yaml").read_text(encoding="utf-8"))
    for exp in manifest["experiments"]:
        assert f"labnotes/sample/experiments/{exp['id']}.py" in names
    assert "labnotes/sample/experiments/manifest.yaml" in names and "labnotes/sample/experiments/lib/__init__.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith("tests/")]
    meta = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "labnotes = labnotes.cli:main" in zipfile.ZipFile(wheel).read(meta).decode()


def labnotes(installed: Path, *args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    # -I: no PYTHONPATH, no user site, and not the current folder; the unpacked wheel goes first
    # on the path, ahead of this venv's editable install of the checkout.
    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); import labnotes;"
        "assert labnotes.__file__.startswith(sys.path[0]), labnotes.__file__;"
        "from labnotes.cli import main; sys.argv[0] = 'labnotes'; main()"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABNOTES_VAULT")}
    return subprocess.run([sys.executable, "-I", "-c", code, str(installed), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_installed_commands_work_outside_the_checkout(installed, tmp_path):
    version = labnotes(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("labnotes 0.")
    tasks = labnotes(installed, "tasks", "--vault", "sample", "--json", cwd=tmp_path)
    assert tasks.returncode == 0, tasks.stderr
    assert {t["note"] for t in json.loads(tasks.stdout)} >= {"Diary/2024/2024-12-01.md"}
    # Outside any vault: the sample vault, with a notice saying so.
    check = labnotes(installed, "check", cwd=tmp_path)
    assert check.returncode in (0, 1) and "bundled sample vault" in check.stderr
    new = labnotes(installed, "new", "2024-12-07", "--dry-run", "--vault", "sample", cwd=tmp_path)
    assert new.returncode == 0 and "2024-12-07" in new.stdout, new.stderr
    # Writing never goes into the bundled vault unless it is named.
    refused = labnotes(installed, "new", "2024-12-07", cwd=tmp_path)
    assert refused.returncode == 2 and "not writing into the bundled sample vault" in refused.stderr
    listed = labnotes(installed, "experiments", "--vault", "sample", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    scripts = {e["id"]: e["script"] for e in json.loads(listed.stdout)}
    assert "aliased_kernel" in scripts


def test_the_tui_finds_its_styles_in_the_installed_package(installed, tmp_path):
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; import labnotes.tui.app as a;"
        "css = Path(a.__file__).with_name(a.LabnotesApp.CSS_PATH); assert css.is_file(), css;"
        "assert str(css).startswith(sys.argv[1]); print(css.stat().st_size)"
    )
    proc = subprocess.run([sys.executable, "-I", "-c", code, str(installed)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 0


def test_the_sample_vaults_rerun_works_from_the_installed_package(installed, tmp_path):
    pytest.importorskip("torch")
    env_state = tmp_path / "state"
    code = (
        "import os, sys; sys.path.insert(0, sys.argv.pop(1)); os.environ['LABNOTES_STATE_DIR'] = sys.argv.pop(1);"
        "from labnotes.cli import main; sys.argv[0] = 'labnotes'; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-c", code, str(installed), str(env_state),
         "rerun", "aliased_kernel", "--quick", "--device", "cpu", "--json", "--vault", "sample"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    record = json.loads(proc.stdout)
    assert record["experiment"] == "aliased_kernel" and record["reproduced"] is True
    # It ran the installed copy: `python -m experiments.aliased_kernel` from the installed sample folder.
    assert Path(record["cwd"]).resolve() == (installed / "labnotes" / "sample").resolve()


def test_the_wheel_is_named_after_the_version_labnotes_prints(wheel):
    from labnotes import __version__

    assert wheel.name.startswith(f"labnotes-{__version__}-")
