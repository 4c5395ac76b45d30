"""Training datasets: video sequences (and COCO images) with per-frame boxes and visibility."""
from ltr.dataset.base_video_dataset import BaseVideoDataset, SequenceAnnotation
from ltr.dataset.coco_seq import MSCOCOSeq
from ltr.dataset.got10k import Got10k
from ltr.dataset.imagenetvid import ImagenetVID
from ltr.dataset.lasot import Lasot
from ltr.dataset.synthetic_video import SyntheticVideo
from ltr.dataset.trackingnet import TrackingNet

__all__ = ["BaseVideoDataset", "Got10k", "ImagenetVID", "Lasot", "MSCOCOSeq", "SequenceAnnotation", "SyntheticVideo",
           "TrackingNet"]
