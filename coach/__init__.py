"""coach: a terminal coach for back-rehabilitation exercise sessions."""

__version__ = "0.1.0"

SUPPORTED_SYSTEMS = (
    "coach runs on Linux and macOS (and other POSIX systems, such as WSL on Windows): it "
    "keeps its history with their file locks (flock) and file permissions, which this "
    "system does not have"
)
"""Said, in one sentence, wherever coach starts on a system it does not run on."""
