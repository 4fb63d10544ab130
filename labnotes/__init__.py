"""labnotes: an Obsidian lab notebook as a task / experiment graph."""

__version__ = "0.1.0"
