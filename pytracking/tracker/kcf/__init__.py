from pytracking.tracker.kcf.kcf import KCF


def get_tracker_class() -> type:
    return KCF
