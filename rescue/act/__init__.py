"""The one executor that writes: the boot links, atomically, under one lock."""
