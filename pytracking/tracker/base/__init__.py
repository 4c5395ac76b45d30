from pytracking.tracker.base.basetracker import BaseTracker

__all__ = ["BaseTracker"]
