"""Parameters of the OSTrack tracker: OSTrack-256 (``vitb_256``), the CompressTracker-N students
(``compresstracker_vitb_256_{2,3,4,6}``) and ViT-tiny variants with 64 / 128 crops for CPU studies
(``vit_tiny``, ``compresstracker_vit_tiny_4``)."""
