"""Opening files of a vault safely; imports nothing else of labnotes, so every layer may use it.

    from labnotes.fs.guard import VaultFiles, UnsafeFile
"""
