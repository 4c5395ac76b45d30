"""Alpha-Refine: plug-in box (and mask) refinement network for any base tracker, with constructors."""
from ltr.models.refine.alpharefine import AlphaRefineNet, alpharefine_secm_r18, alpharefine_secm_r34
from ltr.models.refine.heads import (
                                     ChannelAttention,
                                     CornerHead,
                                     CorrelationNeck,
                                     MaskHead,
                                     pixel_correlation,
                                     soft_argmax,
)

__all__ = ["AlphaRefineNet", "ChannelAttention", "CornerHead", "CorrelationNeck", "MaskHead", "alpharefine_secm_r18",
           "alpharefine_secm_r34", "pixel_correlation", "soft_argmax"]
