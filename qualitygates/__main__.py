"""`python -m qualitygates`."""

from qualitygates.cli import main

main()
