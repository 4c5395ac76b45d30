"""ltr: learning tracking representations (training)."""
