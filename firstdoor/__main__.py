"""`python -m firstdoor` is the `firstdoor` command."""
from firstdoor.cli import main

if __name__ == "__main__":  # workers started by a fork server import this module too
    main()
