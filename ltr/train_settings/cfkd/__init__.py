"""CFKD (correlation-filter knowledge distillation): MobileNetV2 ATOM and DRNet students."""
