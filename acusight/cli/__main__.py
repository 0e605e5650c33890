"""`python -m acusight.cli`: the `acusight` command line."""

from acusight.cli import main

main()
