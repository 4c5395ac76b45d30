"""The DRNet tracker: ATOM with the IoU-Net refinement replaced by a single direct regression.

Everything but the box step is :class:`~pytracking.tracker.atom.atom.ATOMTracker` (classifier,
first-frame training, memory and updates; the DirectReg head shares the IoU-Net's
``get_modulation`` / ``get_iou_feat``). Box step: the classifier-localised box (current target
size at the score peak) is the only proposal; one forward pass of
:meth:`~ltr.models.bbreg.drnet_head.DirectReg.predict_offsets` gives its R-CNN offsets
(dx, dy, dw, dh), decoded by :func:`decode_offsets`.
"""
from __future__ import annotations

from typing import Optional

import torch

from pytracking.tracker.atom.atom import ATOMTracker


def decode_offsets(proposals: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
    """Apply R-CNN offsets to boxes: inverse of ``((g_c - p_c) / p_wh, log(g_wh / p_wh))``.

    Args:
        proposals: (..., 4) boxes (x, y, w, h).
        offsets: (..., 4) offsets (dx, dy, dw, dh).
    Returns:
        (..., 4) boxes (x, y, w, h) with centre ``p_c + d_xy * p_wh`` and size ``p_wh * exp(d_wh)``.
    """
    size = proposals[..., 2:]
    center = proposals[..., :2] + size / 2 + offsets[..., :2] * size
    new_size = size * torch.exp(offsets[..., 2:])
    return torch.cat([center - new_size / 2, new_size], dim=-1)


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
