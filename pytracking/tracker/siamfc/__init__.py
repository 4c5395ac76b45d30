"""SiamFC tracker (runs SiamFC and the folded FDSiamFC networks)."""
from pytracking.tracker.siamfc.siamfc import SiamFCTracker


def get_tracker_class() -> type:
    return SiamFCTracker
