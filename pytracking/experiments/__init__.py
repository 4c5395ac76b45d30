"""Experiment modules for ``run_experiment.py MODULE FUNC``: each FUNC returns (trackers, sequences)."""
