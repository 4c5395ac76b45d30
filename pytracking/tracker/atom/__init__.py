"""ATOM tracker (online classifier + IoU-Net box refinement)."""
from pytracking.tracker.atom.atom import ATOMTracker


def get_tracker_class() -> type:
    return ATOMTracker
