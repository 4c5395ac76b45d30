"""Actors: run a network on a batch and compute the training loss (one per training style)."""
from ltr.actors.base_actor import BaseActor

__all__ = ["BaseActor"]
