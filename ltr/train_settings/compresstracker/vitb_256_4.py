"""CompressTracker-4: a 4-block ViT-B student (from teacher blocks 2, 5, 8, 11) of OSTrack-256.

Everything but the student depth is the shared recipe of :mod:`ltr.train_settings.compresstracker`::

    python ltr/run_training.py compresstracker vitb_256_4 --set teacher_path=/abs/OSTrack_ep0300.pth.tar
"""
from ltr.admin.settings import Settings
from ltr.train_settings.compresstracker import declare_compresstracker_defaults, train_compresstracker


def run(settings: Settings) -> None:
    settings.description = "CompressTracker-4: 4-block ViT-B student of OSTrack-256 by stage replacement."
    declare_compresstracker_defaults(settings, num_layers=4)
    settings.apply_overrides()
    train_compresstracker(settings)
