"""Backbone networks."""
from ltr.models.backbone.alexnet import AlexNetV1

__all__ = ["AlexNetV1"]
