"""Kernelized correlation filter on raw pixels: the built-in baseline that needs no learned weights.

Henriques, Caseiro, Martins, Batista, "High-Speed Tracking with Kernelized Correlation Filters",
TPAMI 2015: dual ridge regression over all cyclic shifts of a cosine-windowed patch, with a
Gaussian kernel evaluated in the Fourier domain (torch.fft). Scale is searched over a few
relative scales per frame, all evaluated in one batched FFT.

Coordinates: ``self.pos`` is the target centre in pixel-index coordinates, ``xy + (wh - 1) / 2``,
the convention of the evaluation; ``self.target_sz`` is the initial (w, h), the current size is
``self.target_sz * self.scale``.
"""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np
import torch

from ltr.data.processing_utils import resample
from pytracking.tracker.base import BaseTracker


def gaussian_label(size: tuple, sigma: float) -> torch.Tensor:
    """(H, W) Gaussian with its peak at (0, 0), wrapped around (the regression target of all shifts).

    Values below 1e-20 are set to zero: their float32 exponentials would be denormal numbers,
    which make every later FFT of the model about a hundred times slower on CPUs.
    """
    h, w = size
    ys = torch.arange(h, dtype=torch.float32) - h // 2
    xs = torch.arange(w, dtype=torch.float32) - w // 2
    label = torch.exp(-0.5 * (ys[:, None] ** 2 + xs[None, :] ** 2) / sigma ** 2)
    label = torch.where(label < 1e-20, torch.zeros_like(label), label)
    return torch.roll(label, shifts=(-(h // 2), -(w // 2)), dims=(0, 1))


def gaussian_correlation(xf: torch.Tensor, zf: torch.Tensor, sigma: float) -> torch.Tensor:
    """Fourier transform of the Gaussian kernel between every cyclic shift of x and z.

    Args:
        xf: (B, H, W) complex spectra of the patches being evaluated.
        zf: (H, W) complex spectrum of the model patch (broadcast over B).
    Returns:
        (B, H, W) complex spectrum of k(x shifted, z).
    """
    n = xf.shape[-1] * xf.shape[-2]
    xx = (xf.abs() ** 2).sum(dim=(-2, -1)) / n          # Parseval: squared norms of the patches
    zz = (zf.abs() ** 2).sum() / n
    xz = torch.fft.ifft2(xf * zf.conj()).real
    dist = torch.clamp((xx[..., None, None] + zz - 2 * xz) / n, min=0)
    return torch.fft.fft2(torch.exp(-dist / sigma ** 2))


class KCF(BaseTracker):
    """Raw-pixel KCF with a small scale search (parameters: ``pytracking/parameter/kcf/default.py``)."""

    parameter_names = frozenset({"padding", "max_patch_size", "lambda_", "output_sigma_factor", "kernel_sigma",
                                 "interp_factor", "scales", "scale_penalty", "min_size"})

    def initialize(self, image: np.ndarray, info: dict) -> Optional[dict]:
        x, y, w, h = (float(v) for v in info["init_bbox"])
        self.image_size = np.array(image.shape[1::-1], dtype=np.float64)
        self.pos = np.array([x + (w - 1) / 2, y + (h - 1) / 2])
        self.target_sz = np.array([max(w, 1.0), max(h, 1.0)])
        self.base_window = self.target_sz * (1 + self.params.padding)            # (w, h) pixels at scale 1
        cell = max(1.0, self.base_window.max() / self.params.max_patch_size)        # pixels per cell
        self.patch_size = tuple(int(max(4, round(v / cell))) for v in self.base_window[::-1])  # (H, W) cells
        self.scale = 1.0
        hann_y = torch.hann_window(self.patch_size[0], periodic=False)
        hann_x = torch.hann_window(self.patch_size[1], periodic=False)
        self.window = hann_y[:, None] * hann_x[None, :]
        sigma = np.sqrt(np.prod(self.target_sz / cell)) * self.params.output_sigma_factor
        self.yf = torch.fft.fft2(gaussian_label(self.patch_size, sigma))
        self.model_xf, self.model_alphaf = self._train(image)
        self.frame_num = 1
        return None

    def _patches(self, image: np.ndarray, scales: tuple) -> torch.Tensor:
        """(S, H, W) windowed grayscale patches around ``self.pos`` at ``scale * s`` for s in scales."""
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        out_h, out_w = self.patch_size
        patches = []
        for s in scales:
            win_w, win_h = np.maximum(self.base_window * self.scale * s, 2.0)
            # affine map: patch cell (c, r) -> image pixel; border pixels replicated
            sx, sy = win_w / out_w, win_h / out_h
            matrix = np.array([[sx, 0, self.pos[0] - sx * (out_w - 1) / 2],
                               [0, sy, self.pos[1] - sy * (out_h - 1) / 2]])
            patch = resample(gray, matrix, (out_w, out_h), pad="replicate")
            patches.append(torch.from_numpy(patch))
        return (torch.stack(patches).float() / 255.0 - 0.5) * self.window

    def _train(self, image: np.ndarray) -> tuple:
        xf = torch.fft.fft2(self._patches(image, (1.0,))[0])
        kf = gaussian_correlation(xf[None], xf, self.params.kernel_sigma)[0]
        return xf, self.yf / (kf + self.params.lambda_)

    def set_box(self, box) -> None:
        """Centre and scale from [x, y, w, h]; KCF keeps its first-frame aspect ratio, so the scale is
        ``sqrt(area / first area)`` (clamped as in tracking)."""
        x, y, w, h = (float(v) for v in box)
        self.pos = np.array([x + (w - 1) / 2, y + (h - 1) / 2])
        self.scale = float(np.clip(np.sqrt(max(w * h, 1.0) / np.prod(self.target_sz)),
                                   self.params.min_size / self.target_sz.min(),
                                   (self.image_size / self.base_window).max()))

    def track(self, image: np.ndarray, info: Optional[dict] = None) -> dict:
        scales = tuple(self.params.scales)
        zf = torch.fft.fft2(self._patches(image, scales))
        responses = torch.fft.ifft2(self.model_alphaf * gaussian_correlation(zf, self.model_xf,
                                                                            self.params.kernel_sigma)).real
        penalties = torch.tensor([1.0 if s == 1.0 else self.params.scale_penalty for s in scales])
        peaks = responses.flatten(1).max(dim=1).values * penalties
        best = int(peaks.argmax())
        self.expose_score_map(torch.fft.fftshift(responses[best]))  # zero shift at the centre
        row, col = divmod(int(responses[best].argmax()), self.patch_size[1])
        h, w = self.patch_size
        shift_cells = np.array([col - w if col > w // 2 else col, row - h if row > h // 2 else row], dtype=np.float64)
        cell_size = self.base_window * self.scale * scales[best] / np.array([w, h])
        self.pos = np.clip(self.pos + shift_cells * cell_size, 0, self.image_size - 1)
        self.scale = float(np.clip(self.scale * scales[best],
                                   self.params.min_size / self.target_sz.min(),
                                   (self.image_size / self.base_window).max()))
        xf, alphaf = self._train(image)
        lr = self.params.interp_factor
        self.model_xf = (1 - lr) * self.model_xf + lr * xf
        self.model_alphaf = (1 - lr) * self.model_alphaf + lr * alphaf
        self.frame_num += 1
        size = self.target_sz * self.scale
        return {"target_bbox": [*(self.pos - (size - 1) / 2), *size]}
