"""FDSiamFC_30: the FD schedule with squeeze ratio 0.3 (SiamFC 96-256-384-384-256 -> 28-76-114-114-76)."""
from ltr.admin.settings import Settings
from ltr.train_settings.fd import compress, declare_defaults


def run(settings: Settings) -> None:
    settings.description = "FDSiamFC_30: SiamFC compressed with FD modules at squeeze ratio 0.3, folded."
    declare_defaults(settings)
    settings.squeeze_ratio = 0.3
    settings.apply_overrides()
    compress(settings)
