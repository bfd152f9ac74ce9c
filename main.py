"""Orangesky Intake command line from a checkout. See README.md, or run: python main.py --help"""

import sys

from intake.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python main.py"))
