"""Command bodies: plain functions the command line (:mod:`dunletters.cli`) calls.

Each module is one command (mkdocs' ``commands/`` habit): it takes parsed options,
does the work through the library and returns its result or exit status; the CLI
only parses options, calls these and maps errors to exit statuses. Nothing here
imports click, so every command can also be run from Python.
"""
