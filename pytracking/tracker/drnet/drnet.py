"""The DRNet tracker: ATOM with the IoU-Net refinement replaced by a single direct regression.

Everything but the box step is :class:`~pytracking.tracker.atom.atom.ATOMTracker` (classifier,
first-frame training, memory and updates; the DirectReg head shares the IoU-Net's
``get_modulation`` / ``get_iou_feat``). Box step: the classifier-localised box (current target
size at the score peak) is the only proposal; one forward pass of
:meth:`~ltr.models.bbreg.drnet_head.DirectReg.predict_offsets` gives its R-CNN offsets
(dx, dy, dw, dh), decoded by :func:`~ltr.data.bounding_box_utils.decode_offsets`.

The DRNet parameter files also switch on ``residual_reweighting``: in the first-frame Gauss-Newton
and in every update CG, sample ``n``'s weight is multiplied by ``exp(m_n / max_j m_j)`` (``m_n``:
the largest absolute score residual of sample ``n``) and renormalised. The methods reference gives
only "residual reweighting by exp(normalised max |res|)"; the normaliser and where it applies are
our interpretation, documented in :mod:`pytracking.tracker.atom.classifier`.
"""
from __future__ import annotations

from typing import Optional

import torch

from ltr.data.bounding_box_utils import decode_offsets
from pytracking.tracker.atom.atom import ATOMTracker


class DRNetTracker(ATOMTracker):
    """DRNet; ``self.net`` is an :class:`~ltr.models.bbreg.atom.ATOMnet` with a DirectReg head.

    Parameters: see ``pytracking/parameter/drnet/default.py`` (the ATOM parameters with DRNet's changes).
    """

    def estimate_box(self, iou_feat: list, box: torch.Tensor) -> Optional[torch.Tensor]:
        """One DirectReg pass on the (4,) sample-pixel ``box``; returns the decoded (4,) box."""
        head = self.net.bb_regressor
        proposal = box.view(1, 1, 4)
        with torch.no_grad():
            offsets = head.predict_offsets(self.modulation, head.get_iou_feat(iou_feat), proposal)
        return decode_offsets(proposal, offsets)[0, 0]
