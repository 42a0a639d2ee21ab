"""What every layer that writes files shares, below the format: writing a file whole.

It imports nothing else from coach. The format and the engine never import it (they
write nothing: a contract in pyproject.toml); the store, the config, the audio, the
report and the shell write through it.
"""
