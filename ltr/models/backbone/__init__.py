"""Backbone networks."""
from ltr.models.backbone.alexnet import AlexNetV1

__all__ = ["AlexNetV1"]
from ltr.models.backbone.mobilenetv2 import MobileNetV2, mobilenetv2
from ltr.models.backbone.resnet import ResNet, resnet18, resnet18_variant, resnet34, resnet50

__all__ += ["MobileNetV2", "mobilenetv2", "ResNet", "resnet18", "resnet18_variant", "resnet34", "resnet50"]
