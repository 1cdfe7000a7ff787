"""`python -m netsafe` runs the CLI."""

from netsafe.cli.app import main

main()
