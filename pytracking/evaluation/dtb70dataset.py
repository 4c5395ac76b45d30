"""DTB70 (drone tracking benchmark) evaluation dataset.

Li and Yeung, "Visual Object Tracking for Unmanned Aerial Vehicles: A Benchmark and New Motion
Models", AAAI 2017 (https://github.com/flyers/drone-tracking).

Layout under the ``dtb70_path`` root (the official download, OTB-style)::

    <Seq>/img/00001.jpg ...          every frame of the video is evaluated
    <Seq>/groundtruth_rect.txt       one ``x,y,w,h`` row per frame (comma separated)

The table lists the 70 sequences with their frame counts as the benchmark's toolkit configures
them (``experiments/util/configDTBSeqs.m``: frames 1..N, 5-digit names); the ground truth must
have exactly N rows. The challenge attributes are kept in the toolkit repository, not in the
dataset download, and are not read.

Sequences are named ``dtb70_<Seq>``: five DTB70 names are also OTB-100 names (Basketball,
Car2, Car4, Girl2, Walking) with other videos, and results of both benchmarks share one results
folder per tracker, so unprefixed names would make a run skip them and the analysis score one
benchmark's results against the other's ground truth.
"""
from __future__ import annotations

from pathlib import Path

from ltr.data.annotations import read_boxes
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths

DTB70_SEQUENCES: tuple = (
    ("Animal1", 147), ("Animal2", 149), ("Animal3", 309), ("Animal4", 167), ("BMX2", 160), ("BMX3", 121),
    ("BMX4", 364), ("BMX5", 277), ("Basketball", 427), ("Car2", 74), ("Car4", 217), ("Car5", 84), ("Car6", 381),
    ("Car8", 319), ("ChasingDrones", 212), ("Girl1", 218), ("Girl2", 626), ("Gull1", 120), ("Gull2", 237),
    ("Horse1", 149), ("Horse2", 126), ("Kiting", 129), ("ManRunning1", 619), ("ManRunning2", 260), ("Motor1", 78),
    ("Motor2", 68), ("MountainBike1", 109), ("MountainBike5", 107), ("MountainBike6", 81), ("Paragliding3", 211),
    ("Paragliding5", 220), ("RaceCar", 80), ("RaceCar1", 249), ("RcCar3", 202), ("RcCar4", 699), ("RcCar5", 330),
    ("RcCar6", 210), ("RcCar7", 287), ("RcCar8", 211), ("RcCar9", 208), ("SUP2", 133), ("SUP4", 295), ("SUP5", 222),
    ("Sheep1", 391), ("Sheep2", 251), ("SkateBoarding4", 201), ("Skiing1", 87), ("Skiing2", 178),
    ("SnowBoarding2", 117), ("SnowBoarding4", 109), ("SnowBoarding6", 100), ("Soccer1", 613), ("Soccer2", 233),
    ("SpeedCar2", 308), ("SpeedCar4", 164), ("StreetBasketball1", 241), ("StreetBasketball2", 114),
    ("StreetBasketball3", 501), ("Surfing03", 117), ("Surfing04", 158), ("Surfing06", 106), ("Surfing10", 165),
    ("Surfing12", 135), ("Vaulting", 171), ("Wakeboarding1", 77), ("Wakeboarding2", 76), ("Walking", 395),
    ("Yacht2", 239), ("Yacht4", 461), ("Zebra", 177),
)
"""(official name, number of frames) of the 70 sequences."""
PREFIX = "dtb70_"
_BY_NAME: dict = {PREFIX + official: (official, num_frames) for official, num_frames in DTB70_SEQUENCES}


class DTB70Dataset(BaseDataset):
    """DTB70: 70 drone videos; sequences have ``dataset='dtb70'``."""
    name = "dtb70"
    path_key = "dtb70_path"

    def sequence_names(self) -> list:
        return list(_BY_NAME)

    def annotation_file(self, name: str) -> Path:
        return self.root / _BY_NAME[name][0] / "groundtruth_rect.txt"

    def _build_sequence(self, name: str) -> Sequence:
        official, num_frames = _BY_NAME[name]
        frames = frame_paths(self.root / official / "img", "%05d.jpg", 1, num_frames)
        boxes = read_boxes(self.annotation_file(name), num_frames)
        self.check_frames(frames, name)
        return Sequence(name=name, frames=frames, dataset=self.name, ground_truth_rect=boxes)
