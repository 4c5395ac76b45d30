"""End-to-end experiments that chain training, compression and evaluation (e.g. ``fdsiamfc_demo``)."""
