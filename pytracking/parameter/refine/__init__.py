"""Parameter files of the box refiners (``--refine NAME``): ``ar34`` (released SEcm_r34), ``ar18`` (ResNet-18)."""
