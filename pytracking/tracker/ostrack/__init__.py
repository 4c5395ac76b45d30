"""OSTrack tracker (runs OSTrack-256 and the CompressTracker students)."""
from pytracking.tracker.ostrack.ostrack import OSTracker


def get_tracker_class() -> type:
    return OSTracker
