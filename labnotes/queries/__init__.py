"""Questions asked of a VaultIndex, one module each: tasks, timeline, links, metrics, check.

Each query returns plain dataclasses (`asdict` gives the `--json` shape); formatting for people is
the CLI's business. Filters on the note's day are applied before any note is read, so a narrow
query on a large vault reads few notes. The package itself imports nothing, so that
`labnotes.queries.text` stays cheap for the CLI's start-up.
"""
