"""`python -m firstdoor` is the `firstdoor` command."""

from firstdoor.cli import main

main()
