"""OSTrack-256: ViT-B/16 from MAE weights, without candidate elimination (the CompressTracker teacher).

OSTrack's published ``vitb_256_mae_32x4_ep300`` recipe, all defaults of :mod:`ltr.train_settings.ostrack`;
the last checkpoint, ``<workspace>/checkpoints/ostrack/vitb_256/OSTrack_ep0300.pth.tar``, is the teacher
of the ``compresstracker`` settings::

    python ltr/run_training.py ostrack vitb_256 --set pretrained_path=/abs/mae_pretrain_vit_base.pth
    torchrun --nproc_per_node 4 ltr/run_training.py ostrack vitb_256
"""
from ltr.admin.settings import Settings
from ltr.train_settings.ostrack import declare_ostrack_data_defaults, declare_ostrack_training_defaults, train_ostrack


def run(settings: Settings) -> None:
    settings.description = "OSTrack-256 (ViT-B/16, MAE init, no candidate elimination): the CompressTracker teacher."
    declare_ostrack_data_defaults(settings)
    declare_ostrack_training_defaults(settings)
    settings.apply_overrides()
    train_ostrack(settings)
