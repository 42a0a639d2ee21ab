"""coach: a terminal coach for back-rehabilitation exercise sessions."""

__version__ = "0.1.0"
