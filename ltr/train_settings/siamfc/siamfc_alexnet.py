"""SiamFC with the AlexNetV1 backbone trained from scratch on GOT-10k: FDSiamFC's teacher (step 0).

Trains ``siamfc_alexnet(channels)`` with the SiamFC-on-GOT-10k recipe of
:mod:`ltr.train_settings.siamfc` (50 epochs, lr 1e-2 -> 1e-5, batch 8, 9335 pairs per epoch),
selects the candidate epoch on OTB-2013 and saves it as ``<workspace>/networks/siamfc_alexnet.pth``
(the file ``fd/fdsiamfc_*`` start from; copy it into the network folder)::

    python ltr/run_training.py siamfc siamfc_alexnet
    python ltr/run_training.py siamfc siamfc_alexnet --epochs 5 --set candidate_epochs=[4,5] samples_per_epoch=800
"""
from __future__ import annotations

from tqdm import tqdm

from ltr.admin.loading import save_network
from ltr.admin.settings import Settings
from ltr.models.backbone.alexnet import DEFAULT_CHANNELS
from ltr.models.siamfc.siamfc import siamfc_alexnet
from ltr.train_settings.siamfc import declare_defaults, output_path, phase_trainer
from ltr.trainers.fd_schedule import teacher_phases
from ltr.trainers.phase_runner import run_schedule


def run(settings: Settings) -> None:
    settings.description = "SiamFC (AlexNetV1) trained on GOT-10k: the FDSiamFC teacher."
    declare_defaults(settings)
    settings.channels = list(DEFAULT_CHANNELS)
    settings.apply_overrides()

    channels = tuple(int(c) for c in settings.channels)
    net = siamfc_alexnet(channels=channels)
    identity = {"network": "siamfc_alexnet", "channels": list(channels), "smoke": settings.smoke}
    net = run_schedule(settings, net, teacher_phases(), identity, phase_trainer(settings))
    if settings.rank == 0:
        path = save_network(output_path(settings), net)
        tqdm.write(f"SiamFC conv1-5 channels {', '.join(map(str, channels))}: saved {path}")
