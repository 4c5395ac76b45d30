"""Box refinement that plugs into any tracker (Alpha-Refine): ``--refine NAME`` on the command lines."""
from pytracking.refine.alpha_refine import AlphaRefine, load_refiner, refiner_names
from pytracking.refine.refined_tracker import RefinedTracker

__all__ = ["AlphaRefine", "RefinedTracker", "load_refiner", "refiner_names"]
