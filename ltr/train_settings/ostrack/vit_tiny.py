"""OSTrack on ViT-tiny for CPU studies: a small teacher for ``compresstracker/vit_tiny``.

Differences from ``ostrack/vitb_256``: ``ostrack_vit_tiny`` (12 blocks of width 192) from random weights
(no MAE file), the CPU-study data of :mod:`ltr.train_settings.ostrack` (synthetic videos, 64 / 128
crops, batch 16, 100 batches per epoch), 50 epochs with the learning rate dropped after 40, one
learning rate for all parameters (a backbone trained from scratch)::

    python ltr/run_training.py ostrack vit_tiny
"""
from ltr.admin.settings import Settings
from ltr.train_settings.ostrack import declare_ostrack_data_defaults, declare_ostrack_training_defaults, train_ostrack


def run(settings: Settings) -> None:
    settings.description = "OSTrack on ViT-tiny from scratch on synthetic videos (CPU studies)."
    declare_ostrack_data_defaults(settings, cpu_study=True)
    declare_ostrack_training_defaults(settings)
    settings.network = "ltr.models.ostrack.ostrack_vit_tiny"
    settings.pretrained_path = None
    settings.backbone_lr_multiplier = 1.0
    settings.num_epochs = 50
    settings.lr_step = 40
    settings.apply_overrides()
    train_ostrack(settings)
