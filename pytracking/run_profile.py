"""Size, cost and speed of a tracker: ``python pytracking/run_profile.py NAME PARAM [options]``.

Reports, for any tracker whose object exposes its network as ``tracker.net``:

- ``params``: learnable parameters of ``tracker.net`` (all of them, batch norm included),
  ``conv_params``: weights + biases of its ``nn.Conv2d`` layers (the count papers compare), and
  ``params_leaf_modules``: parameters of the modules without submodules, as thop counts them
  (CompressTracker's figure; it leaves out parameters held directly by a container, e.g. a ViT's
  position embeddings and cls token: 92.12 M instead of 92.52 M learnable for OSTrack-256);
- ``macs_per_frame``: multiply-accumulates of one tracking step. The tracker is initialised
  on a frame, then one ``track()`` call runs under ``torch.utils.flop_counter.FlopCounterMode``;
  MACs = counted FLOPs / 2. The counter sees the matrix products and convolutions (for
  SiamFC: every search scale through the backbone plus the cross-correlation; for ViT trackers
  the linear layers and the attention products ``q k^T`` and ``attn v``), not element-wise work
  (batch norm, layer norm, ReLU, GELU, softmax, pooling), crops or post-processing;
- ``macs_conv_linear``: the MACs of the same step's convolution and linear *modules* only
  (``output elements x in_channels / groups x kernel area``, ``output elements x in_features``),
  as thop counts them: the figure papers such as CompressTracker report as "FLOPs". Functional
  operations (SiamFC's cross-correlation, attention matrix products) are not in it;
- with ``--dataset D --sequence S``: ``fps`` = tracked frames per second over the sequence's
  frames (crop + network + post-processing at batch 1; images are read beforehand, so image
  reading is excluded; the initialisation is excluded; a few frames are tracked first as
  warm-up) on the CPU and, when CUDA is available, on the GPU.

With ``--refine NAME`` the refiner (``pytracking/parameter/refine/NAME.py``) is reported separately (its
parameters, MACs of one refinement and mean CPU latency per frame in ms) and the FPS are those of the
refined tracker.

Without a sequence, the MACs are measured on a generated 480x360 frame and no FPS is reported.
``--random-weights`` builds the network from the parameter file's ``net_constructor`` /
``net_kwargs`` instead of loading ``net_path``. ``--json FILE`` also writes the report (atomically).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)


from ltr.admin.arguments import positive_int  # noqa: E402
from ltr.admin.environment import MissingPathError  # noqa: E402
from ltr.admin.errors import command_line  # noqa: E402
from ltr.admin.file_io import atomic_write_text  # noqa: E402
from ltr.admin.loading import CheckpointError  # noqa: E402
from pytracking.analysis.profiling import GENERATED_FRAME_SIZE, generated_frame, load_frames, profile  # noqa: E402
from pytracking.evaluation.datasets import DATASETS  # noqa: E402


def at_least_two(text: str) -> int:
    """A frame count of at least 2 (an initial and a tracked frame)."""
    value = positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be at least 2 (an initial and a tracked frame), got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Parameters, MACs per frame and FPS of a tracker.")
    parser.add_argument("tracker_name", help="tracker package under pytracking/tracker, e.g. siamfc")
    parser.add_argument("tracker_param", help="parameter file under pytracking/parameter/<tracker>, e.g. fdsiamfc_15")
    parser.add_argument("--dataset", default=None, choices=sorted(DATASETS), help="benchmark of --sequence")
    parser.add_argument("--dataset-path", default=None, help="benchmark root (else PYTRACKING_<DATASET>_PATH, ...)")
    parser.add_argument("--sequence", default=None, help="sequence name or index whose frames are timed")
    parser.add_argument("--frames", type=at_least_two, default=None, help="use only the first N frames of the sequence")
    parser.add_argument("--refine", default=None, metavar="REFINER",
                        help="also profile a box refiner (pytracking/parameter/refine/REFINER.py) and time the "
                             "refined tracker")
    parser.add_argument("--random-weights", action="store_true",
                        help="build the network from net_constructor/net_kwargs instead of loading net_path")
    parser.add_argument("--no-cuda", action="store_true", help="do not time on the GPU even when available")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="torch CPU threads (default: the tracker's num_threads parameter, else torch's default)")
    parser.add_argument("--json", default=None, help="also write the report to this JSON file")
    return parser


def format_report(report: dict) -> str:
    """The report as printed: one line per figure."""
    lines = [f"{report['tracker']}/{report['param']}" + (" (random weights)" if report["random_weights"] else "")
             + f" on {report['frames_from']}, {report['torch_threads']} torch threads",
             f"  learnable parameters  {report['params']:,}",
             f"  conv parameters       {report['conv_params']:,}",
             f"  leaf-module params    {report['params_leaf_modules']:,}  (parameters of modules without "
             "submodules, as thop counts)",
             f"  MACs per frame        {report['macs_per_frame'] / 1e9:.5f} G  (one track() step, FLOPs/2: "
             "convolutions and all matrix products, attention included)",
             f"  MACs conv+linear      {report['macs_conv_linear'] / 1e9:.5f} G  (convolution and linear layers "
             "only, as thop counts)"]
    refiner = report.get("refiner")
    if refiner:
        lines += [f"  refiner {refiner['name']}:",
                  f"    learnable parameters  {refiner['params']:,}",
                  f"    MACs per frame        {refiner['macs_per_frame'] / 1e9:.5f} G  (one refinement)",
                  f"    MACs conv+linear      {refiner['macs_conv_linear'] / 1e9:.5f} G"]
        if "latency_ms" in refiner:
            lines.append(f"    CPU latency           {refiner['latency_ms']:.1f} ms per frame")
    for device, fps in report.get("fps", {}).items():
        refined = f" with {refiner['name']}" if refiner else ""
        lines.append(f"  FPS {device:<17} {fps:.1f}  ({report['frames'] - 1} tracked frames{refined})")
    return "\n".join(lines)


@command_line("run_profile.py")
def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.dataset is None) != (args.sequence is None):
        parser.error("--dataset and --sequence go together")
    if args.sequence is not None:
        images, box, seq_name = load_frames(args.dataset, args.sequence, args.dataset_path, args.frames)
        frames_from = f"{args.dataset}/{seq_name}"
    else:
        image, box = generated_frame()
        images, frames_from = [image], f"a generated {GENERATED_FRAME_SIZE[0]}x{GENERATED_FRAME_SIZE[1]} frame"
    try:
        report = profile(args.tracker_name, args.tracker_param, images, box, args.random_weights,
                         measure_speed=args.sequence is not None, cuda=not args.no_cuda, refine=args.refine,
                         threads=args.threads)
    except (MissingPathError, CheckpointError) as err:
        raise type(err)(f"{err} (--random-weights profiles the architecture without a network file)") from None
    report.update(frames_from=frames_from, frames=len(images))
    print(format_report(report))
    if args.json:
        atomic_write_text(args.json, json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
