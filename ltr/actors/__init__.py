"""Actors: run a network on a batch and compute the training loss (one per training style)."""
from ltr.actors.base_actor import BaseActor
from ltr.actors.bbreg import ATOMActor
from ltr.actors.ostrack import CompressTrackerActor, OSTrackActor
from ltr.actors.refine import RefineActor
from ltr.actors.siamfc import SiamFCActor

__all__ = ["ATOMActor", "BaseActor", "CompressTrackerActor", "OSTrackActor", "RefineActor", "SiamFCActor"]
