"""The original SiamFC-3s colour network (Bertinetto et al. 2016) in its released, batch-norm-folded layout.

Network file: ``siamfc_3s_color_int8_dequantized.pth`` (MIT, de-quantised from the int8 TFLite port in
github.com/tongtybj/SiamFC-TensorFlow), a bare ``conv{1..5}.{weight,bias}`` state dict read by
:func:`ltr.models.siamfc.siamfc_alexnet_bnfolded`. The tracking settings are SiamFC-3s's published ones,
which ``default`` already holds (3 scales, step 1.0375, penalty 0.9745, scale lr 0.59, window influence
0.176, x16 bicubic upsampling, 127/255 crops, context 0.5, raw 0-255 RGB input).
"""
from pytracking.parameter.siamfc import default
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = default.parameters()
    params.net_path = "siamfc_3s_color_int8_dequantized.pth"
    params.net_constructor = "ltr.models.siamfc.siamfc_alexnet_bnfolded"
    return params
