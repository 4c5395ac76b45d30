from pytracking.tracker.base.basetracker import BaseTracker, NetworkTracker, UnknownParameterError

__all__ = ["BaseTracker", "NetworkTracker", "UnknownParameterError"]
