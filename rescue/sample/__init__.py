"""Sample hosts for the demo and the tests: throwaway trees, never a host's own /boot."""
