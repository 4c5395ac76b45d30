"""Forward+backward speed of ``prroi_pool2d`` against torchvision's ``roi_align`` at ATOM's shapes (not a test).

    python benchmarks/prroi_pool_speed.py [--device cpu|cuda|all] [--threads T] [--repeats R]

ATOM's IoU-Net pools 64 training images x 16 proposals (K = 1024) from two feature maps:
5x5 bins from (64, 256, 36, 36) at stride 8 and 3x3 bins from (64, 256, 18, 18) at stride 16.
Proposals jitter a target box of ~58 px (a 288 px crop, search area factor 5) in position and
size, as ATOM's proposal sampling does. Both layers see the same features and boxes; the
gradient flows into the features (roi_align gives no box gradient). ``roi_align`` runs with
``aligned=True`` (pixel f[i, j] at (x=j, y=i), as PrRoIPool) and ``sampling_ratio=2``
(4 bilinear samples per bin, torchvision's usual choice for RoIAlign heads). Each case runs
``--repeats`` times after a warm-up and the best time is reported. Prints both times and the
ratio ours/roi_align (goal <= 1.0).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torchvision.ops import roi_align  # noqa: E402

from ltr.models.layers import prroi_pool2d  # noqa: E402

IMAGE_SIZE = 288
NUM_IMAGES = 64
PROPOSALS_PER_IMAGE = 16
CASES = ((36, 8, 5), (18, 16, 3))  # (feature size, stride, pooled size)
SAMPLING_RATIO = 2


def atom_proposals(generator: torch.Generator) -> torch.Tensor:
    """(64 * 16, 5) rois (batch_index, x1, y1, x2, y2): jittered ~58 px target boxes in 288 px images."""
    count = NUM_IMAGES * PROPOSALS_PER_IMAGE
    target_size = 58.0 * torch.exp(0.25 * torch.randn(NUM_IMAGES, 2, generator=generator))
    target_centre = IMAGE_SIZE / 2 + 10.0 * torch.randn(NUM_IMAGES, 2, generator=generator)
    size = target_size.repeat_interleave(PROPOSALS_PER_IMAGE, 0) * torch.exp(
        0.3 * torch.randn(count, 2, generator=generator))
    centre = target_centre.repeat_interleave(PROPOSALS_PER_IMAGE, 0) + 0.3 * size * torch.randn(
        count, 2, generator=generator)
    batch = torch.arange(NUM_IMAGES, dtype=torch.float32).repeat_interleave(PROPOSALS_PER_IMAGE)[:, None]
    return torch.cat([batch, centre - size / 2, centre + size / 2], dim=1)


def best_time(step: Callable[[], None], device: torch.device, repeats: int) -> float:
    """Best wall time in seconds of ``step`` over ``repeats`` runs after one warm-up run."""
    def synchronize() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    step()
    synchronize()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        synchronize()
        times.append(time.perf_counter() - start)
    return min(times)


def forward_backward(pool: Callable[[torch.Tensor], torch.Tensor], features: torch.Tensor) -> Callable[[], None]:
    """A step that pools ``features``, backpropagates the output sum and clears the gradient."""
    def step() -> None:
        pool(features).sum().backward()
        features.grad = None
    return step


def run_device(device: torch.device, repeats: int) -> None:
    """Print the times of both layers and their ratio for every ATOM case on ``device``."""
    generator = torch.Generator().manual_seed(0)
    rois = atom_proposals(generator).to(device)
    total_ours = total_theirs = 0.0
    for size, stride, bins in CASES:
        features = torch.randn(NUM_IMAGES, 256, size, size, generator=generator).to(device).requires_grad_(True)
        scale = 1.0 / stride
        ours = best_time(forward_backward(lambda f: prroi_pool2d(f, rois, bins, bins, scale), features),
                         device, repeats)
        theirs = best_time(forward_backward(
            lambda f: roi_align(f, rois, (bins, bins), scale, SAMPLING_RATIO, aligned=True), features),
            device, repeats)
        total_ours += ours
        total_theirs += theirs
        print(f"{device.type:4s} {bins}x{bins} bins on (64, 256, {size}, {size}) @1/{stride}, K={len(rois)}: "
              f"prroi_pool2d {ours * 1e3:8.2f} ms  roi_align {theirs * 1e3:8.2f} ms  ratio {ours / theirs:.2f}x")
    print(f"{device.type:4s} both layers: prroi_pool2d {total_ours * 1e3:8.2f} ms  roi_align "
          f"{total_theirs * 1e3:8.2f} ms  ratio {total_ours / total_theirs:.2f}x (goal <= 1.0x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("cpu", "cuda", "all"), default="all",
                        help="where to run (default: CPU, and CUDA when available)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch CPU threads (default: all cores)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case; the best counts (default 5)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"forward+backward, roi_align(aligned=True, sampling_ratio={SAMPLING_RATIO}); "
          f"{args.threads} CPU threads; best of {args.repeats}")
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    for name in devices:
        if name == "cuda" and not torch.cuda.is_available():
            print("cuda: not available, skipped")
            continue
        run_device(torch.device(name), args.repeats)


if __name__ == "__main__":
    main()
