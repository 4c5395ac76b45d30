"""DRNet tracker (ATOM's online classifier + one direct box regression)."""
from pytracking.tracker.drnet.drnet import DRNetTracker


def get_tracker_class() -> type:
    return DRNetTracker
