"""Thin entry point: `python build.py [options]` is exactly `firstdoor build [options]`."""

import sys

from firstdoor.cli import main

if __name__ == "__main__":
    main(["build", *sys.argv[1:]])
