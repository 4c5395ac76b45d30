"""Command-line utilities around raw results (e.g. packing benchmark-server submissions)."""
