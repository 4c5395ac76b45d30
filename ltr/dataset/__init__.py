"""Training datasets: video sequences (and COCO / ImageNet DET / saliency images) with per-frame boxes,
visibility and, for YouTube-VOS, saliency and the synthetic videos, target masks."""
from ltr.dataset.base_video_dataset import BaseVideoDataset, SequenceAnnotation
from ltr.dataset.coco_seq import MSCOCOSeq
from ltr.dataset.got10k import Got10k
from ltr.dataset.imagenetdet import ImagenetDET
from ltr.dataset.imagenetvid import ImagenetVID
from ltr.dataset.lasot import Lasot
from ltr.dataset.saliency import Saliency
from ltr.dataset.synthetic_video import SyntheticVideo
from ltr.dataset.trackingnet import TrackingNet
from ltr.dataset.youtubevos import YouTubeVOS

__all__ = ["BaseVideoDataset", "Got10k", "ImagenetDET", "ImagenetVID", "Lasot", "MSCOCOSeq", "Saliency",
           "SequenceAnnotation", "SyntheticVideo", "TrackingNet", "YouTubeVOS"]
