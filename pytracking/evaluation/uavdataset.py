"""UAV123, UAV20L and UAV123@10fps evaluation datasets.

Mueller, Smith and Ghanem, "A Benchmark and Simulator for UAV Tracking", ECCV 2016.

Layout under the ``uav_path`` root (the official UAV123 download)::

    data_seq/UAV123/<video>/000001.jpg ...   one folder per video, shared by UAV123 and UAV20L
    anno/UAV123/<s>.txt                      ``x,y,w,h`` per evaluated frame (comma separated);
                                             ``NaN,NaN,NaN,NaN`` where the target is absent
    anno/UAV123/att/<s>.txt                  optional: 12 comma-separated 0/1 attribute flags
    anno/UAV20L/<s>.txt, anno/UAV20L/att/<s>.txt

and under the ``uav10fps_path`` root (the separate UAV123_10fps download: every third frame
of the same videos, renumbered)::

    data_seq/UAV123_10fps/<video>/000001.jpg ...
    anno/UAV123_10fps/<s>.txt, anno/UAV123_10fps/att/<s>.txt

UAV123 splits several long videos into subsequences that share the video's folder and are
evaluated on fixed frame ranges (``bird1_1`` = frames 1-253 of ``bird1``, ``bird1_2`` =
775-1477, ...); consecutive ranges may share their boundary frame. UAV20L evaluates 20 of the
videos in full. UAV123@10fps has the same 123 sequences on every third frame (its frame k is
frame 3k-2 at 30 fps), so its ranges are ceil(first/3)..ceil(last/3) of UAV123's (``bird1_2``
= 259-493 of its ``bird1``). The tables transcribe the benchmarks' sequence configurations
(UAV123 and UAV20L as evaluated by PyTracking; UAV123@10fps from the ``configSeqs.m`` shipped
with its download).

Sequence names follow PyTracking (``uav_<s>``) so that its raw result files (``uav_<s>.txt``)
analyse directly; UAV20L sequences are named ``uav20l_<s>`` so that their results never mix
with UAV123's in one results folder (``uav_bike1`` and ``uav20l_bike1`` have separate
annotation files). UAV123@10fps sequences are named ``uav10fps_<s>``: they carry UAV123's
names with a third of its frames, so under ``uav_<s>`` a run would skip them where 30 fps
results exist and the analysis would score 30 fps results against 10 fps ground truth. All
three set ``Sequence.dataset = 'uav'``: the analysis accepts NaN ground truth for it.
``target_visible`` is False exactly on the NaN rows.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple, Optional

import numpy as np

from ltr.data.annotations import DatasetError, read_boxes, read_flag_rows
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths

# Column order of the 12 flags in anno/<subset>/att/<s>.txt (the benchmark's attribute table):
# scale variation, aspect ratio change, low resolution, fast motion, full occlusion, partial
# occlusion, out-of-view, background clutter, illumination variation, viewpoint change,
# camera motion, similar object.
UAV_ATTRIBUTES: tuple = ("SV", "ARC", "LR", "FM", "FOC", "POC", "OV", "BC", "IV", "VC", "CM", "SOB")

# Object class of each video category (the leading letters of a sequence name).
_CATEGORY_CLASS: dict = {
    "bike": "vehicle", "bird": "bird", "boat": "vessel", "building": "other", "car": "car",
    "group": "person", "person": "person", "truck": "truck", "uav": "aircraft", "wakeboard": "person",
}


class UAVEntry(NamedTuple):
    """One sequence: frames ``first..last`` of ``data_seq/<videos>/<video>``, boxes from ``<name>.txt``."""
    name: str
    first: int
    last: int
    folder: str = ""

    @property
    def video(self) -> str:
        return self.folder or self.name


_E = UAVEntry
UAV123_SEQUENCES: tuple = (
    _E("bike1", 1, 3085),
    _E("bike2", 1, 553),
    _E("bike3", 1, 433),
    _E("bird1_1", 1, 253, "bird1"),
    _E("bird1_2", 775, 1477, "bird1"),
    _E("bird1_3", 1573, 2437, "bird1"),
    _E("boat1", 1, 901),
    _E("boat2", 1, 799),
    _E("boat3", 1, 901),
    _E("boat4", 1, 553),
    _E("boat5", 1, 505),
    _E("boat6", 1, 805),
    _E("boat7", 1, 535),
    _E("boat8", 1, 685),
    _E("boat9", 1, 1399),
    _E("building1", 1, 469),
    _E("building2", 1, 577),
    _E("building3", 1, 829),
    _E("building4", 1, 787),
    _E("building5", 1, 481),
    _E("car1_1", 1, 751, "car1"),
    _E("car1_2", 751, 1627, "car1"),
    _E("car1_3", 1627, 2629, "car1"),
    _E("car10", 1, 1405),
    _E("car11", 1, 337),
    _E("car12", 1, 499),
    _E("car13", 1, 415),
    _E("car14", 1, 1327),
    _E("car15", 1, 469),
    _E("car16_1", 1, 415, "car16"),
    _E("car16_2", 415, 1993, "car16"),
    _E("car17", 1, 1057),
    _E("car18", 1, 1207),
    _E("car1_s", 1, 1475),
    _E("car2", 1, 1321),
    _E("car2_s", 1, 320),
    _E("car3", 1, 1717),
    _E("car3_s", 1, 1300),
    _E("car4", 1, 1345),
    _E("car4_s", 1, 830),
    _E("car5", 1, 745),
    _E("car6_1", 1, 487, "car6"),
    _E("car6_2", 487, 1807, "car6"),
    _E("car6_3", 1807, 2953, "car6"),
    _E("car6_4", 2953, 3925, "car6"),
    _E("car6_5", 3925, 4861, "car6"),
    _E("car7", 1, 1033),
    _E("car8_1", 1, 1357, "car8"),
    _E("car8_2", 1357, 2575, "car8"),
    _E("car9", 1, 1879),
    _E("group1_1", 1, 1333, "group1"),
    _E("group1_2", 1333, 2515, "group1"),
    _E("group1_3", 2515, 3925, "group1"),
    _E("group1_4", 3925, 4873, "group1"),
    _E("group2_1", 1, 907, "group2"),
    _E("group2_2", 907, 1771, "group2"),
    _E("group2_3", 1771, 2683, "group2"),
    _E("group3_1", 1, 1567, "group3"),
    _E("group3_2", 1567, 2827, "group3"),
    _E("group3_3", 2827, 4369, "group3"),
    _E("group3_4", 4369, 5527, "group3"),
    _E("person1", 1, 799),
    _E("person10", 1, 1021),
    _E("person11", 1, 721),
    _E("person12_1", 1, 601, "person12"),
    _E("person12_2", 601, 1621, "person12"),
    _E("person13", 1, 883),
    _E("person14_1", 1, 847, "person14"),
    _E("person14_2", 847, 1813, "person14"),
    _E("person14_3", 1813, 2923, "person14"),
    _E("person15", 1, 1339),
    _E("person16", 1, 1147),
    _E("person17_1", 1, 1501, "person17"),
    _E("person17_2", 1501, 2347, "person17"),
    _E("person18", 1, 1393),
    _E("person19_1", 1, 1243, "person19"),
    _E("person19_2", 1243, 2791, "person19"),
    _E("person19_3", 2791, 4357, "person19"),
    _E("person1_s", 1, 1600),
    _E("person2_1", 1, 1189, "person2"),
    _E("person2_2", 1189, 2623, "person2"),
    _E("person20", 1, 1783),
    _E("person21", 1, 487),
    _E("person22", 1, 199),
    _E("person23", 1, 397),
    _E("person2_s", 1, 250),
    _E("person3", 1, 643),
    _E("person3_s", 1, 505),
    _E("person4_1", 1, 1501, "person4"),
    _E("person4_2", 1501, 2743, "person4"),
    _E("person5_1", 1, 877, "person5"),
    _E("person5_2", 877, 2101, "person5"),
    _E("person6", 1, 901),
    _E("person7_1", 1, 1249, "person7"),
    _E("person7_2", 1249, 2065, "person7"),
    _E("person8_1", 1, 1075, "person8"),
    _E("person8_2", 1075, 1525, "person8"),
    _E("person9", 1, 661),
    _E("truck1", 1, 463),
    _E("truck2", 1, 385),
    _E("truck3", 1, 535),
    _E("truck4_1", 1, 577, "truck4"),
    _E("truck4_2", 577, 1261, "truck4"),
    _E("uav1_1", 1, 1555, "uav1"),
    _E("uav1_2", 1555, 2377, "uav1"),
    _E("uav1_3", 2473, 3469, "uav1"),
    _E("uav2", 1, 133),
    _E("uav3", 1, 265),
    _E("uav4", 1, 157),
    _E("uav5", 1, 139),
    _E("uav6", 1, 109),
    _E("uav7", 1, 373),
    _E("uav8", 1, 301),
    _E("wakeboard1", 1, 421),
    _E("wakeboard10", 1, 469),
    _E("wakeboard2", 1, 733),
    _E("wakeboard3", 1, 823),
    _E("wakeboard4", 1, 697),
    _E("wakeboard5", 1, 1675),
    _E("wakeboard6", 1, 1165),
    _E("wakeboard7", 1, 199),
    _E("wakeboard8", 1, 1543),
    _E("wakeboard9", 1, 355),
)
UAV123_10FPS_SEQUENCES: tuple = (
    _E("bike1", 1, 1029),
    _E("bike2", 1, 185),
    _E("bike3", 1, 145),
    _E("bird1_1", 1, 85, "bird1"),
    _E("bird1_2", 259, 493, "bird1"),
    _E("bird1_3", 525, 813, "bird1"),
    _E("boat1", 1, 301),
    _E("boat2", 1, 267),
    _E("boat3", 1, 301),
    _E("boat4", 1, 185),
    _E("boat5", 1, 169),
    _E("boat6", 1, 269),
    _E("boat7", 1, 179),
    _E("boat8", 1, 229),
    _E("boat9", 1, 467),
    _E("building1", 1, 157),
    _E("building2", 1, 193),
    _E("building3", 1, 277),
    _E("building4", 1, 263),
    _E("building5", 1, 161),
    _E("car1_1", 1, 251, "car1"),
    _E("car1_2", 251, 543, "car1"),
    _E("car1_3", 543, 877, "car1"),
    _E("car10", 1, 469),
    _E("car11", 1, 113),
    _E("car12", 1, 167),
    _E("car13", 1, 139),
    _E("car14", 1, 443),
    _E("car15", 1, 157),
    _E("car16_1", 1, 139, "car16"),
    _E("car16_2", 139, 665, "car16"),
    _E("car17", 1, 353),
    _E("car18", 1, 403),
    _E("car1_s", 1, 492),
    _E("car2", 1, 441),
    _E("car2_s", 1, 107),
    _E("car3", 1, 573),
    _E("car3_s", 1, 434),
    _E("car4", 1, 449),
    _E("car4_s", 1, 277),
    _E("car5", 1, 249),
    _E("car6_1", 1, 163, "car6"),
    _E("car6_2", 163, 603, "car6"),
    _E("car6_3", 603, 985, "car6"),
    _E("car6_4", 985, 1309, "car6"),
    _E("car6_5", 1309, 1621, "car6"),
    _E("car7", 1, 345),
    _E("car8_1", 1, 453, "car8"),
    _E("car8_2", 453, 859, "car8"),
    _E("car9", 1, 627),
    _E("group1_1", 1, 445, "group1"),
    _E("group1_2", 445, 839, "group1"),
    _E("group1_3", 839, 1309, "group1"),
    _E("group1_4", 1309, 1625, "group1"),
    _E("group2_1", 1, 303, "group2"),
    _E("group2_2", 303, 591, "group2"),
    _E("group2_3", 591, 895, "group2"),
    _E("group3_1", 1, 523, "group3"),
    _E("group3_2", 523, 943, "group3"),
    _E("group3_3", 943, 1457, "group3"),
    _E("group3_4", 1457, 1843, "group3"),
    _E("person1", 1, 267),
    _E("person10", 1, 341),
    _E("person11", 1, 241),
    _E("person12_1", 1, 201, "person12"),
    _E("person12_2", 201, 541, "person12"),
    _E("person13", 1, 295),
    _E("person14_1", 1, 283, "person14"),
    _E("person14_2", 283, 605, "person14"),
    _E("person14_3", 605, 975, "person14"),
    _E("person15", 1, 447),
    _E("person16", 1, 383),
    _E("person17_1", 1, 501, "person17"),
    _E("person17_2", 501, 783, "person17"),
    _E("person18", 1, 465),
    _E("person19_1", 1, 415, "person19"),
    _E("person19_2", 415, 931, "person19"),
    _E("person19_3", 931, 1453, "person19"),
    _E("person1_s", 1, 534),
    _E("person2_1", 1, 397, "person2"),
    _E("person2_2", 397, 875, "person2"),
    _E("person20", 1, 595),
    _E("person21", 1, 163),
    _E("person22", 1, 67),
    _E("person23", 1, 133),
    _E("person2_s", 1, 84),
    _E("person3", 1, 215),
    _E("person3_s", 1, 169),
    _E("person4_1", 1, 501, "person4"),
    _E("person4_2", 501, 915, "person4"),
    _E("person5_1", 1, 293, "person5"),
    _E("person5_2", 293, 701, "person5"),
    _E("person6", 1, 301),
    _E("person7_1", 1, 417, "person7"),
    _E("person7_2", 417, 689, "person7"),
    _E("person8_1", 1, 359, "person8"),
    _E("person8_2", 359, 509, "person8"),
    _E("person9", 1, 221),
    _E("truck1", 1, 155),
    _E("truck2", 1, 129),
    _E("truck3", 1, 179),
    _E("truck4_1", 1, 193, "truck4"),
    _E("truck4_2", 193, 421, "truck4"),
    _E("uav1_1", 1, 519, "uav1"),
    _E("uav1_2", 519, 793, "uav1"),
    _E("uav1_3", 825, 1157, "uav1"),
    _E("uav2", 1, 45),
    _E("uav3", 1, 89),
    _E("uav4", 1, 53),
    _E("uav5", 1, 47),
    _E("uav6", 1, 37),
    _E("uav7", 1, 125),
    _E("uav8", 1, 101),
    _E("wakeboard1", 1, 141),
    _E("wakeboard10", 1, 157),
    _E("wakeboard2", 1, 245),
    _E("wakeboard3", 1, 275),
    _E("wakeboard4", 1, 233),
    _E("wakeboard5", 1, 559),
    _E("wakeboard6", 1, 389),
    _E("wakeboard7", 1, 67),
    _E("wakeboard8", 1, 515),
    _E("wakeboard9", 1, 119),
)
"""UAV123@10fps: the UAV123 sequences with the ranges of the 10 fps download's ``configSeqs.m``."""
UAV20L_SEQUENCES: tuple = (
    _E("bike1", 1, 3085),
    _E("bird1", 1, 2437),
    _E("car1", 1, 2629),
    _E("car16", 1, 1993),
    _E("car3", 1, 1717),
    _E("car6", 1, 4861),
    _E("car8", 1, 2575),
    _E("car9", 1, 1879),
    _E("group1", 1, 4873),
    _E("group2", 1, 2683),
    _E("group3", 1, 5527),
    _E("person14", 1, 2923),
    _E("person17", 1, 2347),
    _E("person19", 1, 4357),
    _E("person2", 1, 2623),
    _E("person20", 1, 1783),
    _E("person4", 1, 2743),
    _E("person5", 1, 2101),
    _E("person7", 1, 2065),
    _E("uav1", 1, 3469),
)


def uav_object_class(name: str) -> str:
    """Object class of a UAV sequence from its category (``car6_2`` -> ``car``, ``uav1`` -> ``aircraft``)."""
    category = re.match(r"[a-z]+", name)
    if category is None or category.group() not in _CATEGORY_CLASS:
        raise ValueError(f"'{name}' does not start with a UAV123 category ({', '.join(_CATEGORY_CLASS)})")
    return _CATEGORY_CLASS[category.group()]


def read_attribute_flags(path: Path, attributes: tuple) -> Optional[tuple]:
    """The set ``attributes`` of a file of one 0/1 flag per attribute, in that order; None if no file.

    Raises:
        DatasetError naming the file when it does not hold exactly one flag of 0 or 1 per attribute.
    """
    if not path.is_file():
        return None
    flags = read_flag_rows(path)
    if len(flags) != len(attributes) or not np.isin(flags, (0, 1)).all():
        raise DatasetError(f"{path}: expected {len(attributes)} attribute flags of 0 or 1 "
                           f"({', '.join(attributes)}), got {flags.tolist()}")
    return tuple(attr for attr, flag in zip(attributes, flags) if flag)


class _UAVBenchmark(BaseDataset):
    """A benchmark in the UAV123 layout: ``videos`` names the folder under ``data_seq/``, ``subset``
    the one under ``anno/``; sequence ``<prefix><s>`` is the entry ``s`` of ``entries``."""
    path_key = "uav_path"
    videos: str = "UAV123"
    subset: str = ""
    prefix: str = ""
    entries: tuple = ()

    def sequence_names(self) -> list:
        return [self.prefix + entry.name for entry in self.entries]

    def _entry(self, name: str) -> UAVEntry:
        return self.entries[self.sequence_names().index(name)]

    def annotation_file(self, name: str) -> Path:
        return self.root / "anno" / self.subset / f"{self._entry(name).name}.txt"

    def _build_sequence(self, name: str) -> Sequence:
        entry = self._entry(name)
        frames = frame_paths(self.root / "data_seq" / self.videos / entry.video, "%06d.jpg", entry.first, entry.last)
        boxes = read_boxes(self.annotation_file(name), len(frames), allow_nan=True)
        self.check_frames(frames, name)
        attribute_file = self.root / "anno" / self.subset / "att" / f"{entry.name}.txt"
        return Sequence(name=name, frames=frames, dataset="uav", ground_truth_rect=boxes,
                        target_visible=~np.isnan(boxes).any(axis=1),
                        object_class=uav_object_class(entry.name),
                        attributes=read_attribute_flags(attribute_file, UAV_ATTRIBUTES))


class UAV123Dataset(_UAVBenchmark):
    """UAV123: 123 sequences from 91 videos (19 of them split into 2-5 subsequences)."""
    name = "uav"
    subset = "UAV123"
    prefix = "uav_"
    entries = UAV123_SEQUENCES


class UAV20LDataset(_UAVBenchmark):
    """UAV20L: 20 long sequences, each a full UAV123 video with its own annotation file."""
    name = "uav20l"
    subset = "UAV20L"
    prefix = "uav20l_"
    entries = UAV20L_SEQUENCES


class UAV10fpsDataset(_UAVBenchmark):
    """UAV123@10fps: the 123 UAV123 sequences at 10 fps, from their own download (``uav10fps_path``)."""
    name = "uav10fps"
    path_key = "uav10fps_path"
    videos = "UAV123_10fps"
    subset = "UAV123_10fps"
    prefix = "uav10fps_"
    entries = UAV123_10FPS_SEQUENCES
