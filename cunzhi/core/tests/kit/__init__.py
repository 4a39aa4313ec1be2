"""A small test-only domain that proves the shared kit on records of its own.

Its models carry ``app_label = "kit"`` and are not in INSTALLED_APPS: they exist only where a
test (or a benchmark) imports them, no migration makes their tables, and ``makemigrations`` never
sees them. ``create_tables()`` makes the tables in the current database; ``grant()`` gives the
roles of ``core.testing.three_people`` their permissions on them.
"""
