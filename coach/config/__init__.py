"""Where coach keeps things on this machine, and what the user set in settings.toml."""
