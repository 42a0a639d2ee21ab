"""What every layer shares, below the format: writing a file whole (``atomic``), and
the shapes of untyped data, JSON and SQLite's values (``types``).

It imports nothing else from coach. The format and the engine never import ``atomic``
(they write nothing: a contract in pyproject.toml); the store, the config, the audio,
the report and the shell write through it.
"""
