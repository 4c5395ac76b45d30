"""Training administration: settings, paths, checkpoints, statistics, logging, distributed helpers."""
