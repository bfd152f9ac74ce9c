"""``python -m intake``: the same command line as the ``orangesky-intake`` console script."""

import sys

from intake.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m intake"))
