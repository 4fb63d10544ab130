"""Packaging that pyproject.toml alone cannot say: the sample vault and its experiments ship in
the wheel as package data under `labnotes/sample/`, while the repository keeps them at its root
(`vault/`, `experiments/`) where people read and run them. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

# Package name in the wheel -> folder in the repository.
SAMPLE = {
    "labnotes.sample.vault": "vault",
    "labnotes.sample.experiments": "experiments",
    "labnotes.sample.experiments.lib": "experiments/lib",
}

setup(
    packages=find_packages(include=["labnotes", "labnotes.*"]) + list(SAMPLE),
    package_dir=SAMPLE,
    package_data={
        "labnotes.tui": ["*.tcss"],
        # `*` skips dot-files, so the vault's own settings are named.
        "labnotes.sample.vault": ["**/*", ".obsidian/*", ".labnotes.yaml"],
        "labnotes.sample.experiments": ["manifest.yaml", "README.md", "results/*.json"],
    },
    exclude_package_data={"": ["__pycache__/*", "*.pyc"]},
)
