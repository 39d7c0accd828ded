"""Unit tests of the pure modules: no rpm, no processes, no disk."""
