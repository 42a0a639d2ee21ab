"""The store: the history in SQLite, and everything read from it (views, exports).

It sits on the engine (it stores the engine's records) and is used by the shell. No
connection leaves this package: other layers call its query methods.
"""
