"""The terminal UI: `make_app(vault)` builds it (see `labnotes.tui.app`).

Only `app.py` and the widget modules import Textual; `data` and `text` are plain Python
the widgets call, so they can be tested and reused without a terminal.
"""
