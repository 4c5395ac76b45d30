"""Temple Color 128 (TColor128, TC128) evaluation dataset.

Liang, Blasch and Ling, "Encoding Color Information for Visual Tracking: Algorithms and
Benchmark", TIP 2015.

Layout under the ``tpl_path`` root (the official download)::

    <S>/img/0001.jpg ...
    <S>/<S>_gt.txt          one ``x, y, w, h`` row per evaluated frame (comma separated)
    <S>/<S>_frames.txt      ``first,last`` (the ranges are in the table below)

The PyTracking layout, with each folder renamed to the sequence name (``tpl_<S>``, ``-``
written ``_``), is read too. Sequence names follow PyTracking (``tpl_Yo_yos_ce1``) so that its
raw result files (``tpl_<S>.txt``) analyse directly. The table lists the 129 sequences of the
benchmark's toolkit in its order, with the frame ranges of the ``<S>_frames.txt`` files as
used by PyTracking; 44 of them also belong to OTB-100 (``exclude_otb`` leaves 85).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ltr.admin.environment import PathLike
from ltr.data.annotations import read_boxes
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths

# (official name <S>, first frame, last frame)
TPL_SEQUENCES: tuple = (
    ("Basketball", 1, 725),
    ("Bicycle", 1, 271),
    ("Biker", 1, 180),
    ("Bird", 1, 99),
    ("Board", 1, 598),
    ("Bolt", 1, 350),
    ("Boy", 1, 602),
    ("CarDark", 1, 393),
    ("CarScale", 1, 252),
    ("Coke", 1, 291),
    ("Couple", 1, 140),
    ("Crossing", 1, 120),
    ("Cup", 1, 303),
    ("David", 300, 770),
    ("David3", 1, 252),
    ("Deer", 1, 71),
    ("Diving", 1, 231),
    ("Doll", 1, 3872),
    ("FaceOcc1", 1, 892),
    ("Football1", 1, 74),
    ("Girl", 1, 500),
    ("Girlmov", 1, 1500),
    ("Gym", 1, 766),
    ("Hand", 1, 244),
    ("Iceskater", 1, 500),
    ("Ironman", 1, 166),
    ("Jogging1", 1, 307),
    ("Jogging2", 1, 307),
    ("Juice", 1, 404),
    ("Lemming", 1, 1336),
    ("Liquor", 1, 1741),
    ("Matrix", 1, 100),
    ("MotorRolling", 1, 164),
    ("MountainBike", 1, 228),
    ("Panda", 1, 241),
    ("Shaking", 1, 365),
    ("Singer1", 1, 351),
    ("Singer2", 1, 366),
    ("Skating1", 1, 400),
    ("Skating2", 1, 707),
    ("Skiing", 1, 81),
    ("Soccer", 1, 392),
    ("Subway", 1, 175),
    ("Sunshade", 1, 172),
    ("Tiger1", 1, 354),
    ("Tiger2", 1, 365),
    ("Torus", 1, 264),
    ("Trellis", 1, 569),
    ("Walking", 1, 412),
    ("Walking2", 1, 500),
    ("Woman", 1, 597),
    ("Airport_ce", 1, 148),
    ("Baby_ce", 1, 296),
    ("Badminton_ce1", 1, 579),
    ("Badminton_ce2", 1, 705),
    ("Basketball_ce1", 1, 496),
    ("Basketball_ce2", 1, 455),
    ("Basketball_ce3", 1, 441),
    ("Bike_ce1", 1, 801),
    ("Bike_ce2", 1, 812),
    ("Bikeshow_ce", 1, 361),
    ("Boat_ce1", 1, 377),
    ("Boat_ce2", 1, 412),
    ("Busstation_ce1", 1, 363),
    ("Busstation_ce2", 6, 400),
    ("Carchasing_ce1", 1, 501),
    ("Carchasing_ce3", 1, 572),
    ("Carchasing_ce4", 1, 442),
    ("Eagle_ce", 1, 112),
    ("Electricalbike_ce", 1, 818),
    ("Face_ce", 1, 620),
    ("Guitar_ce1", 1, 268),
    ("Guitar_ce2", 1, 313),
    ("Hurdle_ce1", 1, 300),
    ("Hurdle_ce2", 27, 330),
    ("Kite_ce1", 1, 484),
    ("Kite_ce2", 1, 658),
    ("Kite_ce3", 1, 528),
    ("Kobe_ce", 1, 582),
    ("Logo_ce", 1, 610),
    ("Messi_ce", 1, 272),
    ("Michaeljackson_ce", 1, 393),
    ("Motorbike_ce", 1, 563),
    ("Plane_ce2", 1, 653),
    ("Railwaystation_ce", 1, 413),
    ("Singer_ce1", 1, 214),
    ("Singer_ce2", 1, 999),
    ("Skating_ce1", 1, 409),
    ("Skating_ce2", 1, 497),
    ("Skiing_ce", 1, 511),
    ("Skyjumping_ce", 1, 938),
    ("Spiderman_ce", 1, 351),
    ("Suitcase_ce", 1, 184),
    ("Surf_ce1", 1, 404),
    ("Surf_ce2", 1, 391),
    ("Surf_ce3", 1, 279),
    ("Surf_ce4", 1, 135),
    ("Tennis_ce1", 1, 454),
    ("Tennis_ce2", 1, 305),
    ("Tennis_ce3", 1, 204),
    ("Toyplane_ce", 1, 405),
    ("Ball_ce1", 1, 391),
    ("Ball_ce2", 1, 603),
    ("Ball_ce3", 1, 273),
    ("Ball_ce4", 1, 538),
    ("Bee_ce", 1, 90),
    ("Charger_ce", 1, 298),
    ("Cup_ce", 1, 338),
    ("Face_ce2", 1, 148),
    ("Fish_ce1", 1, 401),
    ("Fish_ce2", 1, 573),
    ("Hand_ce1", 1, 401),
    ("Hand_ce2", 1, 251),
    ("Microphone_ce1", 1, 204),
    ("Microphone_ce2", 1, 103),
    ("Plate_ce1", 1, 142),
    ("Plate_ce2", 1, 181),
    ("Pool_ce1", 1, 166),
    ("Pool_ce2", 1, 133),
    ("Pool_ce3", 1, 124),
    ("Ring_ce", 1, 201),
    ("Sailor_ce", 1, 402),
    ("SuperMario_ce", 1, 146),
    ("TableTennis_ce", 1, 198),
    ("TennisBall_ce", 1, 288),
    ("Thunder_ce", 1, 375),
    ("Yo-yos_ce1", 1, 235),
    ("Yo-yos_ce2", 1, 454),
    ("Yo-yos_ce3", 1, 201),
)

# Official names of the sequences that are also in OTB-100 (Girlmov is OTB's Girl2).
OTB_OVERLAP: frozenset = frozenset((
    "Basketball", "Biker", "Bird", "Board", "Bolt", "Boy", "CarDark", "CarScale", "Coke", "Couple",
    "Crossing", "David", "David3", "Deer", "Diving", "Doll", "FaceOcc1", "Football1", "Girl",
    "Girlmov", "Gym", "Ironman", "Jogging1", "Jogging2", "Lemming", "Liquor", "Matrix",
    "MotorRolling", "MountainBike", "Panda", "Shaking", "Singer1", "Singer2", "Skating1",
    "Skating2", "Skiing", "Soccer", "Subway", "Tiger1", "Tiger2", "Trellis", "Walking",
    "Walking2", "Woman",
))


def tpl_sequence_name(official_name: str) -> str:
    """PyTracking's name of a TC128 sequence: ``Yo-yos_ce1`` -> ``tpl_Yo_yos_ce1``."""
    return "tpl_" + official_name.replace("-", "_")


_BY_NAME = {tpl_sequence_name(s): (s, first, last) for s, first, last in TPL_SEQUENCES}


class TPLDataset(BaseDataset):
    """Temple Color 128; ``exclude_otb=True`` gives the 85 sequences not in OTB-100 (``tpl_nootb``)."""
    name = "tpl"
    path_key = "tpl_path"

    def __init__(self, root: Optional[PathLike] = None, exclude_otb: bool = False, check_images: bool = True) -> None:
        super().__init__(root, check_images)
        self.exclude_otb = exclude_otb

    def sequence_names(self) -> list:
        return [name for name, (official, _, _) in _BY_NAME.items()
                if not (self.exclude_otb and official in OTB_OVERLAP)]

    def _sequence_folder(self, name: str, official: str) -> Path:
        """``<root>/<S>`` (official layout), or ``<root>/tpl_<S>`` where only that one exists."""
        folder = self.root / official
        renamed = self.root / name
        return renamed if not folder.is_dir() and renamed.is_dir() else folder

    def annotation_file(self, name: str) -> Path:
        official = _BY_NAME[name][0]
        return self._sequence_folder(name, official) / f"{official}_gt.txt"

    def _build_sequence(self, name: str) -> Sequence:
        official, first, last = _BY_NAME[name]
        frames = frame_paths(self._sequence_folder(name, official) / "img", "%04d.jpg", first, last)
        boxes = read_boxes(self.annotation_file(name), len(frames))
        self.check_frames(frames, name)
        return Sequence(name=name, frames=frames, dataset=self.name, ground_truth_rect=boxes)
