"""SiamFC on UAV123 / UAV20L: the default settings.

The public FDSiamFC code tunes the scale search per UAV benchmark only for the FDSiamFC
networks (see ``fdsiamfc_30_uav.py``); its SiamFC UAV results use the default settings,
so this file only exists to give every network a ``_uav`` parameter set.
"""
from pytracking.parameter.siamfc import default
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    return default.parameters()
