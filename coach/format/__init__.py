"""The session format: what a coach writes in YAML, read safely and checked like a compiler.

The bottom layer. It imports nothing else from coach: ``yamlsafe`` reads YAML without
its traps, ``v1`` holds the models of format version 1, ``loader`` checks what spans
fields and files, ``diagnostics`` reports every problem as ``file:line:col``, and
``schema`` turns the models into the JSON Schema editors use.
"""
