"""Entry point for `python -m rescue`: the startup sequence of
rescue/zipmain.py, from the package's sources."""
from rescue.zipmain import run

if __name__ == "__main__":
    run(None)
