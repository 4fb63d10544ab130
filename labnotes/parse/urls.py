"""What counts as a URL in a note, for the parser and the link resolver alike."""

from __future__ import annotations

import re

# Two letters at least: `C:/notes/x.md` is a drive, not a URL scheme.
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
