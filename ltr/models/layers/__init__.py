"""Reusable network layers (Precise RoI Pooling, ...)."""
from ltr.models.layers.prroi_pool import PrRoIPool2D, prroi_pool2d

__all__ = ["PrRoIPool2D", "prroi_pool2d"]
