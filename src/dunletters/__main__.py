"""``python -m dunletters`` runs the command-line interface."""

from dunletters.cli import main

main()
