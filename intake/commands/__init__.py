"""One module per command-line subcommand, each exposing ``register(subparsers)``.

``intake.cli`` lists them; a command's module is imported only when the command line is
built, so ``python main.py --help`` stays fast and no command pays for another's imports.
"""
