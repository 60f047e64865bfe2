"""`python -m sysdesign` runs the command line."""

from sysdesign.cli import main

main()
