"""Response-based feature terms: Liu's TargetResponse (TSKD), CFKD's CF loss and Wang's DCF TrackingLoss."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ltr.models.loss.distillation.maps import channel_abs_sum, target_gaussian, target_patch, xcorr_same
from ltr.models.loss.distillation.outputs import DistillOutputs, check_layers, student_layer, teacher_layer
from ltr.models.loss.distillation.regression import regression_loss

CF_LAYERS = ("conv1", "layer1", "layer2", "layer3")
TRACK_LAYERS = ("layer1", "layer2", "layer3")


class TargetResponse(nn.Module):
    """Liu et al.'s target-response distillation (TSKD), summed over ``layers``.

    Per layer and network: patch = PrRoIPool of the reference target (k x k, k = patch_size(ds, base_patch));
    T = F(patch); W = xcorr(test, patch) divided by the sum of its absolute values per sample
    (``use_weight=False``: a Gaussian at the test target centre, sigma ``gaussian_sigma * (H, W)``,
    normalised to sum 1); Q = sum_c |test * W|. Loss = reg(T_s, T_t) + reg(Q_s, Q_t), teacher maps detached.
    The reference divides W by its plain sum over the whole batch. Here each sample is normalised on its
    own, so one sample's scale cannot shift another's; and by the sum of |W|, which equals the plain sum
    for the non-negative responses of ReLU features (the ResNet teacher) but stays away from zero for
    MobileNetV2's linear-bottleneck features, whose signed response sums cross zero (dividing by them
    made a TSKD student diverge in the miniature study).
    ``forward(out) -> scalar``.
    """

    def __init__(self, layers: Sequence[str] = ("layer2", "layer3"), use_weight: bool = True, reg: str = "mse",
                 gaussian_sigma: float = 0.25, base_patch: int = 58):
        super().__init__()
        self.layers = check_layers(layers)
        self.use_weight = use_weight
        self.reg_name = reg
        self.reg = regression_loss(reg)
        self.gaussian_sigma = gaussian_sigma
        self.base_patch = base_patch

    def responses(self, ref: Tensor, test: Tensor, out: DistillOutputs) -> tuple[Tensor, Tensor]:
        """(T (B, 1, k, k), Q (B, 1, H, W)) of one network's layer maps ref, test (B, C, H, W)."""
        patch = target_patch(ref, out.ref_box, out.image_size, self.base_patch)
        if self.use_weight:
            weight = xcorr_same(test, patch)
        else:
            weight = target_gaussian(test, out.test_box, out.image_size, self.gaussian_sigma)
        weight = weight / weight.abs().sum(dim=(2, 3), keepdim=True)
        return channel_abs_sum(patch), channel_abs_sum(test * weight)

    def forward(self, out: DistillOutputs) -> Tensor:
        total = []
        for layer in self.layers:
            t_student, q_student = self.responses(*student_layer(out, layer, "TargetResponse"), out)
            t_teacher, q_teacher = self.responses(*teacher_layer(out, layer, "TargetResponse"), out)
            total.append(self.reg(t_student, t_teacher) + self.reg(q_student, q_teacher))
        return torch.stack(total).sum()

    def extra_repr(self) -> str:
        return f"layers={self.layers}, use_weight={self.use_weight}, reg={self.reg_name!r}, " \
               f"gaussian_sigma={self.gaussian_sigma}, base_patch={self.base_patch}"


class CFLoss(nn.Module):
    """CFKD's correlation-filter loss on the student alone, summed over ``layers``.

    Per layer: Q = xcorr(test, reference target patch), divided by its maximum; G = Gaussian of peak 1 at the
    test target centre, sigma ``sigma_factor * (H, W)``; loss MSE(Q / max Q, G). The reference takes the
    maximum over the whole batch; here it is each sample's own maximum (scaling one sample's features does not
    change the loss). ``forward(out) -> scalar``.
    """

    def __init__(self, layers: Sequence[str] = CF_LAYERS, sigma_factor: float = 0.15, base_patch: int = 58):
        super().__init__()
        self.layers = check_layers(layers)
        self.sigma_factor = sigma_factor
        self.base_patch = base_patch

    def forward(self, out: DistillOutputs) -> Tensor:
        total = []
        for layer in self.layers:
            ref, test = student_layer(out, layer, "CFLoss")
            response = xcorr_same(test, target_patch(ref, out.ref_box, out.image_size, self.base_patch))
            response = response / response.amax(dim=(2, 3), keepdim=True)
            total.append(F.mse_loss(response, target_gaussian(test, out.test_box, out.image_size, self.sigma_factor)))
        return torch.stack(total).sum()

    def extra_repr(self) -> str:
        return f"layers={self.layers}, sigma_factor={self.sigma_factor}, base_patch={self.base_patch}"


class TrackingLoss(nn.Module):
    """Wang et al.'s DCF tracking loss on the student alone, summed over ``layers``.

    Per layer, with X, Z the 2-D FFTs of the reference and test maps and Y, g the Gaussians (sigma
    ``sigma_factor * (H, W)``, peak 1) at the reference and test target centres: the filter
    ``w_c = conj(Y) X_c / (sum_c |X_c|^2 + lambda_)`` is the exact closed-form minimiser of the multi-channel
    circular ridge regression ``||sum_c w_c (*) x_c - y||^2 + lambda_ ||w||^2`` ((*) = circular correlation);
    each channel's response ``r_c = irfft2(conj(w_c) Z_c)`` is compared with g: MSE(r, g broadcast over
    channels). Gradients flow through the filter solution. ``forward(out) -> scalar``.
    """

    def __init__(self, layers: Sequence[str] = TRACK_LAYERS, sigma_factor: float = 0.25, lambda_: float = 1e-5):
        super().__init__()
        self.layers = check_layers(layers)
        self.sigma_factor = sigma_factor
        self.lambda_ = lambda_

    def forward(self, out: DistillOutputs) -> Tensor:
        total = []
        for layer in self.layers:
            ref, test = student_layer(out, layer, "TrackingLoss")
            label_ref = target_gaussian(ref, out.ref_box, out.image_size, self.sigma_factor)
            label_test = target_gaussian(test, out.test_box, out.image_size, self.sigma_factor)
            ref_f, test_f = torch.fft.rfft2(ref), torch.fft.rfft2(test)
            energy = (ref_f.real ** 2 + ref_f.imag ** 2).sum(dim=1, keepdim=True)
            filter_f = torch.fft.rfft2(label_ref).conj() * ref_f / (energy + self.lambda_)
            response = torch.fft.irfft2(filter_f.conj() * test_f, s=test.shape[-2:])
            total.append(F.mse_loss(response, label_test.expand_as(response)))
        return torch.stack(total).sum()

    def extra_repr(self) -> str:
        return f"layers={self.layers}, sigma_factor={self.sigma_factor}, lambda_={self.lambda_}"
