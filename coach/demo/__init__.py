"""The demo history: years of made-up sessions, for demos and for measuring coach.

Its own layer above the store: it plays the engine's rules (the scaling replay, the
in-session rules of ``coach.engine.session.after_rating``) for a scripted person and
writes what they did into a new, empty history. Nothing below it knows it exists; only
the command line (``coach demo-history``), the bench and the tests use it.
"""
