"""The engine: what a session is and how the next one is decided. Plain Python.

It reads the format and nothing above it: no store, no audio, no screen, no I/O of its
own, and time only through an injected clock. ``timeline`` spells a plan out in steps,
``runner`` walks them, ``scaling`` replays the history into the next doses, ``day`` owns
the flow of a day from opening coach to the offers after the summary.
"""
