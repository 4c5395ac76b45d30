"""CompressTracker: an N-block ViT student trained by stage replacement from a frozen OSTrack teacher.

The ``vitb_256_{2,3,4,6}`` settings state only N; every other default is shared here (CompressTracker's
published configs, ``../shared/reference/methods/compresstracker.md``):

- data: OSTrack's recipe (:mod:`ltr.train_settings.ostrack`: LaSOT, GOT-10k vottrain, COCO 2017 and
  TrackingNet 1:1:1:1, 60000 samples per epoch, causal sampling with max gap 200, 128 / 256 crops, the
  published jitter and augmentations), batch 32 per process, validation on GOT-10k votval every 10th
  epoch;
- teacher ``teacher_path`` (default ``OSTrack_ep0300.pth.tar``: a file name in the network folder or a
  path, e.g. the last ``ostrack/vitb_256`` checkpoint), rebuilt from the constructor the file records,
  else from ``teacher_constructor`` (``ostrack_vitb_256``), loaded strictly and frozen;
- student ``student`` (``compresstracker_vitb_256``) with ``num_layers`` blocks, initialised from the
  teacher (:func:`~ltr.models.ostrack.student_init_from_teacher`); all its parameters train;
- replacement (``replacement`` True) with the probability rising from ``p_start`` 0.5 to 1
  (``p_schedule`` 'progressive': :func:`~ltr.actors.ostrack.replacement_probability` over ``num_epochs``);
  loss ``L_track + w_pred * L_pred + w_feat * L_feat`` with L_track = ``w_giou`` 2 * GIoU + ``w_l1`` 5 * L1
  + ``w_focal`` 1 * focal, ``w_pred`` 1.0, ``w_feat`` 0.2 (``loss``);
- AdamW with one learning rate ``lr`` 4e-5 (the published 4e-4 times its 0.1 multiplier), weight decay
  1e-4, StepLR(``lr_step`` 400, ``lr_gamma`` 0.1), 500 epochs, gradient norm clipped to 0.1, FP32.

Stochastic depth: teacher block i has rate ``drop_path_rate * i / (D - 1)`` (linspace(0, 0.1, 12)); student
block j gets the rate of teacher block j r, as in the published code (:func:`student_drop_path_rate`).

The paper's ablation switches these off: ``replacement=False`` trains the pure student alone
(p = 1; "GT only" with ``loss.w_pred=0 loss.w_feat=0``), ``p_schedule=fixed`` keeps p = ``p_start`` in every
epoch, ``loss.w_pred=0`` / ``loss.w_feat=0`` drop prediction guidance / feature mimicking (with both zero
the teacher only initialises the student and provides the replaced stages)::

    python ltr/run_training.py compresstracker vitb_256_4 --set replacement=False loss.w_pred=0 loss.w_feat=0

Checkpoints hold the pure student in the released layout (``backbone.distill_blocks.*``) with its
constructor, so ``ltr.admin.loading.load_network(file)`` rebuilds it. Smoke mode: a random
``ostrack_vit_tiny`` teacher and a ``compresstracker_vit_tiny`` student on 64 / 128 crops.
"""
from __future__ import annotations

import torch

from ltr.actors.ostrack import P_SCHEDULES, CompressTrackerActor, StageReplacementNet
from ltr.admin.environment import gather_missing
from ltr.admin.loading import CheckpointError, import_callable
from ltr.admin.settings import SettingError, Settings
from ltr.models.loss.ostrack_loss import OSTrackLoss
from ltr.models.ostrack.ostrack import OSTrack, student_init_from_teacher
from ltr.train_settings.distillation import build_teacher as load_teacher_file
from ltr.train_settings.ostrack import build_ostrack_loaders, crop_sizes, declare_ostrack_data_defaults
from ltr.trainers.ltr_trainer import LTRTrainer


def student_drop_path_rate(teacher_rate: float, depth: int, num_layers: int) -> float:
    """The student's ``drop_path_rate`` giving block j the rate of teacher block j r (r = depth / num_layers):
    ``teacher_rate * (num_layers - 1) * r / (depth - 1)``, since rates grow linearly from 0 over the blocks."""
    if depth < 2:
        return 0.0
    return teacher_rate * (num_layers - 1) * (depth // num_layers) / (depth - 1)


def declare_compresstracker_defaults(settings: Settings, num_layers: int, cpu_study: bool = False) -> None:
    """Declare the shared recipe (module doc) for an N = ``num_layers`` student; ``cpu_study``: the ViT-tiny
    networks and the CPU-study data of :mod:`ltr.train_settings.ostrack`."""
    declare_ostrack_data_defaults(settings, cpu_study=cpu_study)
    if not cpu_study and not settings.smoke:
        settings.val_epoch_interval = 10
    settings.num_layers = num_layers
    settings.student = "ltr.models.ostrack.compresstracker_vitb_256"
    settings.teacher_path = "OSTrack_ep0300.pth.tar"
    settings.teacher_constructor = "ltr.models.ostrack.ostrack_vitb_256"
    settings.drop_path_rate = 0.1
    settings.replacement = True
    settings.p_schedule = "progressive"
    settings.p_start = 0.5
    settings.loss = {"w_giou": 2.0, "w_l1": 5.0, "w_focal": 1.0, "w_pred": 1.0, "w_feat": 0.2}
    settings.num_epochs = 500
    settings.lr = 4e-5
    settings.weight_decay = 1e-4
    settings.lr_step = 400
    settings.lr_gamma = 0.1
    settings.grad_clip = 0.1
    if cpu_study or settings.smoke:
        settings.student = "ltr.models.ostrack.compresstracker_vit_tiny"
        settings.teacher_constructor = "ltr.models.ostrack.ostrack_vit_tiny"


def build_teacher(settings: Settings) -> OSTrack:
    """The frozen teacher of ``settings.teacher_path`` (smoke mode: random ``teacher_constructor`` for the crop
    sizes). Raises MissingPathError naming the setting, CheckpointError when the file does not fit."""
    if settings.smoke:
        teacher = import_callable(settings.teacher_constructor)(**crop_sizes(settings),
                                                                drop_path_rate=settings.drop_path_rate)
        return teacher.requires_grad_(False).eval()
    return load_teacher_file(settings)


def build_student(settings: Settings, teacher: OSTrack) -> OSTrack:
    """``settings.student`` with ``num_layers`` blocks for the crop sizes, initialised from ``teacher``.

    Raises:
        CheckpointError naming ``settings.teacher_path`` when ``num_layers`` does not divide the teacher's
        depth or the teacher was built for other crop sizes than ``settings.processing['output_size']``.
    """
    depth = len(teacher.backbone.layers)
    if settings.num_layers < 1 or depth % settings.num_layers:
        raise CheckpointError(f"teacher network '{settings.teacher_path}' has {depth} blocks, which "
                              f"settings.num_layers = {settings.num_layers} does not divide into equal stages")
    rate = student_drop_path_rate(settings.drop_path_rate, depth, settings.num_layers)
    student = import_callable(settings.student)(num_layers=settings.num_layers, **crop_sizes(settings),
                                                drop_path_rate=rate)
    grids = [(net.backbone.template_grid, net.backbone.search_grid) for net in (student, teacher)]
    if grids[0] != grids[1]:
        raise CheckpointError(f"teacher network '{settings.teacher_path}' has (template, search) patch grids "
                              f"{grids[1]}, the crops of settings.processing['output_size'] give {grids[0]}")
    student_init_from_teacher(student, teacher)
    return student


def train_compresstracker(settings: Settings) -> None:
    """Build teacher, student, loaders and AdamW from ``settings`` and train ``num_epochs`` epochs; every
    missing input (teacher file, datasets) is reported in one MissingPathError; an unknown ``p_schedule`` is a
    SettingError."""
    if settings.p_schedule not in P_SCHEDULES:
        raise SettingError(f"settings.p_schedule must be one of {', '.join(P_SCHEDULES)}, "
                           f"got '{settings.p_schedule}'")
    teacher, loaders = gather_missing(lambda: build_teacher(settings), lambda: build_ostrack_loaders(settings))
    student = build_student(settings, teacher)
    loss = dict(settings.loss)
    weights = {"w_pred": loss.pop("w_pred"), "w_feat": loss.pop("w_feat")}
    actor = CompressTrackerActor(StageReplacementNet(student, teacher), OSTrackLoss(**loss),
                                 num_epochs=settings.num_epochs, p_start=settings.p_start, **weights,
                                 replacement=settings.replacement, p_schedule=settings.p_schedule)
    optimizer = torch.optim.AdamW(student.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=settings.lr_step, gamma=settings.lr_gamma)
    # stages that ran teacher blocks leave their student block without a gradient in that iteration
    trainer = LTRTrainer(actor, loaders, optimizer, settings, scheduler, grad_clip=settings.grad_clip,
                         find_unused_parameters=True)
    trainer.train(settings.num_epochs)
