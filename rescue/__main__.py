"""Entry point for `python -m rescue` and the zipapp."""
import sys

from rescue.cli import main

if __name__ == "__main__":
    sys.exit(main())
