"""The bundled sample vault and its PartialOct experiments.

An installed wheel carries them here as package data (`vault/`, `experiments/`, see setup.py);
a checkout keeps them at the repository root. `labnotes.settings.locations.SAMPLE_VAULT` finds
whichever is there.
"""
