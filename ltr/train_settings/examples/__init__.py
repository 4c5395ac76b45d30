"""Example settings that exercise the training core on toy data (not tracking methods)."""
