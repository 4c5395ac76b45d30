"""CompressTracker on ViT-tiny for CPU studies: an N-block student (``num_layers``, default 4) of the
``ostrack/vit_tiny`` teacher.

Differences from the ``vitb_256_N`` recipe: ``compresstracker_vit_tiny`` / ``ostrack_vit_tiny`` networks, the
CPU-study data of :mod:`ltr.train_settings.ostrack` (synthetic videos, 64 / 128 crops, batch 16, 100
batches per epoch), 50 epochs (the replacement schedule scales with them) with the learning rate
dropped after 40; the teacher defaults to the last ``ostrack/vit_tiny`` checkpoint of the workspace::

    python ltr/run_training.py ostrack vit_tiny
    python ltr/run_training.py compresstracker vit_tiny --set num_layers=2
"""
from pathlib import Path

from ltr.admin.settings import Settings
from ltr.train_settings.compresstracker import declare_compresstracker_defaults, train_compresstracker


def run(settings: Settings) -> None:
    settings.description = "CompressTracker on ViT-tiny on synthetic videos (CPU studies); student depth num_layers."
    declare_compresstracker_defaults(settings, num_layers=4, cpu_study=True)
    settings.teacher_path = str(Path(settings.env.workspace_path) / "checkpoints" / "ostrack" / "vit_tiny"
                                / "OSTrack_ep0050.pth.tar")
    settings.num_epochs = 50
    settings.lr_step = 40
    settings.apply_overrides()
    train_compresstracker(settings)
