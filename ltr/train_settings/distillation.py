"""The knowledge-distillation recipe shared by the ``cfkd``, ``tskd``, ``compression``, ``ablation`` and
``architecture`` settings: each of those files states only its differences from these defaults.

Defaults (CFKD's common ATOM recipe, ``../shared/reference/methods/cfkd.md`` section 3):

- data: the ATOM processing of :mod:`ltr.train_settings.bbreg` (288 crops, 16 proposals, IoU
  labels ``2 * IoU - 1``) on LaSOT train, TrackingNet chunks 0-10 and COCO, weights 1:1:1;
  validation on TrackingNet chunk 11 every 5th epoch (500 batches, as ATOM's recipe);
- ``batch_size`` 32, ``batches_per_epoch`` 1000 (``samples_per_epoch`` follows), 50 epochs;
- student ``student`` = ``ltr.models.bbreg.atom.atom_mobilenetsmall`` from scratch; Adam with
  ``lr`` 1e-2 on all student parameters (backbone and box head) and the loss's learnable
  projections, StepLR(``lr_step`` 15, ``lr_gamma`` 0.1);
- teacher ``teacher_path`` = ``atom_default.pth``, a file name in the network folder
  (``PYTRACKING_NETWORK_PATH``) or an absolute path; rebuilt from the constructor the file
  records, else from ``teacher_constructor``; frozen;
- ``target``: ``'iou'`` (ATOM) or ``'offsets'`` (DRNet);
- ``loss``: ``{'type': name, **keyword arguments}`` of a factory of :data:`LOSSES`, declared with
  all the factory's defaults so any of them is one flag: ``--set loss.w_cf=0.1`` (the thesis'
  CF weight; the code used 0.01).

Smoke mode (``--smoke``): the synthetic data of :mod:`ltr.train_settings.bbreg` and a teacher
with random weights built by ``teacher_constructor``.
"""
from __future__ import annotations

import inspect
from typing import Callable

import torch
from torch import nn

from ltr.actors.distillation import DistillationActor, StudentPair, TSsKDActor
from ltr.admin.environment import gather_missing
from ltr.admin.loading import check_architecture, import_callable, load_network, network_file, torch_load
from ltr.admin.settings import Settings
from ltr.models.loss.distillation import (
    TSsKDLoss,
    cfkd_loss,
    compression_loss,
    gt_loss,
    projected_fidelity_for,
    tskd_loss,
)
from ltr.train_settings.bbreg import build_loaders, dataset_entry, declare_data_defaults
from ltr.trainers.ltr_trainer import LTRTrainer

ATOM_STUDENT = "ltr.models.bbreg.atom.atom_mobilenetsmall"
ATOM_TEACHER = "ltr.models.bbreg.atom.atom_resnet18"
LOSSES: dict[str, Callable[..., nn.Module]] = {"cfkd": cfkd_loss, "tskd": tskd_loss, "compression": compression_loss,
                                               "gt": gt_loss, "tsskd": TSsKDLoss}
TEACHERLESS_LOSSES = ("gt",)
VAL_BATCHES = 500


def loss_settings(name: str, **changes) -> dict:
    """``{'type': name, **every keyword default of LOSSES[name]}`` with ``changes`` applied.

    Raises:
        ValueError: unknown loss name or a change naming no argument of the factory.
    """
    if name not in LOSSES:
        raise ValueError(f"loss type {name!r} unknown; known: {sorted(LOSSES)}")
    defaults = {key: parameter.default for key, parameter in inspect.signature(LOSSES[name]).parameters.items()
                if parameter.default is not inspect.Parameter.empty}
    defaults = {key: list(value) if isinstance(value, tuple) else value for key, value in defaults.items()}
    unknown = sorted(set(changes) - set(defaults))
    if unknown:
        raise ValueError(f"loss {name!r} has no argument(s) {unknown}; it takes {sorted(defaults)}")
    return {"type": name, **defaults, **changes}


def declare_distillation_defaults(settings: Settings, batches_per_epoch: int = 1000) -> None:
    """Declare the shared recipe (module doc) with the CFKD loss; settings files change what differs."""
    declare_data_defaults(settings)
    if not settings.smoke:
        settings.train_data = {"lasot": dataset_entry("lasot", split="train"),
                               "trackingnet": dataset_entry("trackingnet", set_ids=list(range(11))),
                               "coco": dataset_entry("coco", version="2017", split="train")}
        settings.val_data = {"trackingnet": dataset_entry("trackingnet", set_ids=[11])}
        settings.batch_size = 32
        settings.samples_per_epoch = batches_per_epoch * settings.batch_size
        settings.val_samples_per_epoch = VAL_BATCHES * settings.batch_size
    settings.num_epochs = 50
    settings.lr = 1e-2
    settings.lr_step = 15
    settings.lr_gamma = 0.1
    settings.student = ATOM_STUDENT
    settings.teacher_path = "atom_default.pth"
    settings.teacher_constructor = ATOM_TEACHER
    settings.target = "iou"
    settings.loss = loss_settings("cfkd")


def build_student(settings: Settings) -> nn.Module:
    """A new student ``settings.student()`` (random weights: students train from scratch)."""
    return import_callable(settings.student)()


def build_teacher(settings: Settings) -> nn.Module:
    """The frozen teacher from ``settings.teacher_path`` (smoke mode: random ``teacher_constructor``).

    Raises:
        MissingPathError naming ``settings.teacher_path`` and the path tried; CheckpointError when the
        file does not fit the network or holds another kind of network than ``teacher_constructor``'s.
    """
    constructor = import_callable(settings.teacher_constructor)
    if settings.smoke:
        teacher = constructor()
    else:
        path = network_file(settings.teacher_path, what="teacher network (settings.teacher_path; "
                                                        "--set teacher_path=PATH)")
        data = torch_load(path)
        recorded = isinstance(data, dict) and data.get("constructor") is not None
        teacher = load_network(data, constructor=None if recorded else constructor)
        check_architecture(teacher, constructor, f"'{path}'", "teacher network (settings.teacher_path)")
    return teacher.requires_grad_(False).eval()


def build_loss(spec: dict, student: nn.Module, teacher: nn.Module | None) -> nn.Module:
    """The loss of a ``settings.loss`` dict; the compression loss's projections are sized from the networks."""
    options = {key: value for key, value in spec.items() if key != "type"}
    if spec["type"] == "compression":
        return compression_loss(projected_fidelity_for(student, teacher), **options)
    return LOSSES[spec["type"]](**options)


def optimizer_and_scheduler(settings: Settings, parameters: list) -> tuple:
    """Adam(``settings.lr``) over the trainable ``parameters`` and StepLR(``lr_step``, ``lr_gamma``)."""
    optimizer = torch.optim.Adam([p for p in parameters if p.requires_grad], lr=settings.lr)
    return optimizer, torch.optim.lr_scheduler.StepLR(optimizer, step_size=settings.lr_step, gamma=settings.lr_gamma)


def teacher_and_loaders(settings: Settings) -> tuple:
    """``(teacher or None, training loaders)``; every missing input (datasets, teacher file) is reported in
    one MissingPathError."""
    teacherless = settings.loss["type"] in TEACHERLESS_LOSSES
    teacher, loaders = gather_missing(lambda: None if teacherless else build_teacher(settings),
                                      lambda: build_loaders(settings))
    return teacher, loaders


def distillation_trainer(settings: Settings, student: nn.Module, teacher: nn.Module | None,
                         loss_spec: dict, loaders: list) -> LTRTrainer:
    """Trainer of ``student`` (a :class:`StudentPair` for TSsKD) with the loss ``loss_spec`` on ``loaders``."""
    objective = build_loss(loss_spec, student.intelligent if isinstance(student, StudentPair) else student, teacher)
    actor_class = TSsKDActor if isinstance(student, StudentPair) else DistillationActor
    actor = actor_class(student, objective, teacher, target=settings.target)
    optimizer, scheduler = optimizer_and_scheduler(settings, [*student.parameters(), *objective.parameters()])
    return LTRTrainer(actor, loaders, optimizer, settings, scheduler)


def train_distillation(settings: Settings) -> None:
    """Build student, teacher and loss from ``settings`` and train ``settings.num_epochs`` epochs."""
    teacher, loaders = teacher_and_loaders(settings)
    if settings.loss["type"] == "tsskd":
        student = StudentPair(build_student(settings), build_student(settings))
    else:
        student = build_student(settings)
    distillation_trainer(settings, student, teacher, settings.loss, loaders).train(settings.num_epochs)
