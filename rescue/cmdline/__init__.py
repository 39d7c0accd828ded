"""The command line: the argparse parser, the fast parser of check and status, suggestions, version, the manual."""
