"""Parameters of the SiamFC tracker: SiamFC (``default``) and the folded FDSiamFC networks
(``fdsiamfc_30``, ``fdsiamfc_15``), with their UAV123 (``*_uav``) and UAV20L (``*_uav20l``) variants;
the published networks under their published file names (``fdsiamfc_30_official``, ``fdsiamfc_15_official``,
``siamfc_original``; see MODEL_ZOO.md)."""
