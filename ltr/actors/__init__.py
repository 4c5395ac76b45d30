"""Actors: run a network on a batch and compute the training loss (one per training style)."""
from ltr.actors.base_actor import BaseActor
from ltr.actors.siamfc import SiamFCActor

__all__ = ["BaseActor", "SiamFCActor"]
