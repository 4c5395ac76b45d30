"""CompressTracker-2: a 2-block ViT-B student (from teacher blocks 5, 11) of OSTrack-256.

Everything but the student depth is the shared recipe of :mod:`ltr.train_settings.compresstracker`::

    python ltr/run_training.py compresstracker vitb_256_2 --set teacher_path=/abs/OSTrack_ep0300.pth.tar
"""
from ltr.admin.settings import Settings
from ltr.train_settings.compresstracker import declare_compresstracker_defaults, train_compresstracker


def run(settings: Settings) -> None:
    settings.description = "CompressTracker-2: 2-block ViT-B student of OSTrack-256 by stage replacement."
    declare_compresstracker_defaults(settings, num_layers=2)
    settings.apply_overrides()
    train_compresstracker(settings)
