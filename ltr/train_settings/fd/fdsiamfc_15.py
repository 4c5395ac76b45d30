"""FDSiamFC_15: the FD schedule with squeeze ratio 0.15 (SiamFC 96-256-384-384-256 -> 14-38-56-56-38)."""
from ltr.admin.settings import Settings
from ltr.train_settings.fd import compress, declare_defaults


def run(settings: Settings) -> None:
    settings.description = "FDSiamFC_15: SiamFC compressed with FD modules at squeeze ratio 0.15, folded."
    declare_defaults(settings)
    settings.squeeze_ratio = 0.15
    settings.apply_overrides()
    compress(settings)
