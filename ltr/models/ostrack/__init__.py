"""OSTrack (ViT one-stream tracker) and CompressTracker students: networks, centre head, constructors."""
from ltr.models.backbone.vit import load_pretrained_vit, teacher_block_indices
from ltr.models.ostrack.head import CenterHead, decode_boxes
from ltr.models.ostrack.ostrack import (
                                        OSTrack,
                                        compresstracker_vit_tiny,
                                        compresstracker_vitb_256,
                                        compresstracker_vitb_256_2,
                                        compresstracker_vitb_256_3,
                                        compresstracker_vitb_256_4,
                                        compresstracker_vitb_256_6,
                                        ostrack_vit_tiny,
                                        ostrack_vitb_256,
                                        student_init_from_teacher,
)

__all__ = ["CenterHead", "OSTrack", "compresstracker_vit_tiny", "compresstracker_vitb_256",
           "compresstracker_vitb_256_2", "compresstracker_vitb_256_3", "compresstracker_vitb_256_4",
           "compresstracker_vitb_256_6", "decode_boxes", "load_pretrained_vit", "ostrack_vit_tiny",
           "ostrack_vitb_256", "student_init_from_teacher", "teacher_block_indices"]
