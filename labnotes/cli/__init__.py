"""The `labnotes` command. Each command group lives in its own module here."""

from labnotes.cli.app import app, main

__all__ = ["app", "main"]
