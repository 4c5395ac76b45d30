"""OTB-100 (OTB-2015) evaluation dataset.

Wu, Lim and Yang, "Object Tracking Benchmark", TPAMI 2015.

Layout under the ``otb_path`` root::

    <Folder>/img/0001.jpg ...          (Board: 00001.jpg, KiteSurf: .png)
    <Folder>/groundtruth_rect.txt      one ``x, y, w, h`` row per evaluated frame
    <Folder>/attrs.txt                 optional, e.g. ``IPR, OPR, BC``

The table below is the 100-sequence list as evaluated by PyTracking, including its special
cases: two targets share the Jogging and Skating2 folders (``groundtruth_rect.1.txt`` /
``.2.txt``), Human4_2 uses ``Human4/groundtruth_rect.2.txt``, several sequences are evaluated
on a frame range only (e.g. David 300-770, Football1 1-74 of its 81 images), and Tiger1 leaves
out its first 5 frames and ground-truth rows.

``OTBDataset(subset='otb2013')`` (registry name ``otb2013``) restricts it to the 51 sequences of
OTB-2013 (Wu, Lim and Yang, CVPR 2013; the GOT-10k toolkit's ``OTB(version=2013)`` list: 50
folders, Jogging holding two targets). The sequences keep the OTB-100 frame ranges above.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Optional

from ltr.admin.environment import PathLike
from ltr.data.annotations import read_boxes
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths


class OTBEntry(NamedTuple):
    """One OTB-100 sequence: frames ``first..last`` of ``<folder>/img``, boxes from ``<folder>/<anno>``.

    ``skip_rows`` leading ground-truth rows belong to frames before ``first`` and are dropped.
    """
    name: str
    first: int
    last: int
    object_class: str
    folder: str = ""
    anno: str = "groundtruth_rect.txt"
    digits: int = 4
    ext: str = "jpg"
    skip_rows: int = 0

    @property
    def sequence_folder(self) -> str:
        return self.folder or self.name


_E = OTBEntry
OTB_SEQUENCES: tuple = (
    _E("Basketball", 1, 725, "person"),
    _E("Biker", 1, 142, "person head"),
    _E("Bird1", 1, 408, "bird"),
    _E("Bird2", 1, 99, "bird"),
    _E("BlurBody", 1, 334, "person"),
    _E("BlurCar1", 247, 988, "car"),
    _E("BlurCar2", 1, 585, "car"),
    _E("BlurCar3", 3, 359, "car"),
    _E("BlurCar4", 18, 397, "car"),
    _E("BlurFace", 1, 493, "face"),
    _E("BlurOwl", 1, 631, "other"),
    _E("Board", 1, 698, "other", digits=5),
    _E("Bolt", 1, 350, "person"),
    _E("Bolt2", 1, 293, "person"),
    _E("Box", 1, 1161, "other"),
    _E("Boy", 1, 602, "face"),
    _E("Car1", 1, 1020, "car"),
    _E("Car2", 1, 913, "car"),
    _E("Car24", 1, 3059, "car"),
    _E("Car4", 1, 659, "car"),
    _E("CarDark", 1, 393, "car"),
    _E("CarScale", 1, 252, "car"),
    _E("ClifBar", 1, 472, "other"),
    _E("Coke", 1, 291, "other"),
    _E("Couple", 1, 140, "person"),
    _E("Coupon", 1, 327, "other"),
    _E("Crossing", 1, 120, "person"),
    _E("Crowds", 1, 347, "person"),
    _E("Dancer", 1, 225, "person"),
    _E("Dancer2", 1, 150, "person"),
    _E("David", 300, 770, "face"),
    _E("David2", 1, 537, "face"),
    _E("David3", 1, 252, "person"),
    _E("Deer", 1, 71, "mammal"),
    _E("Diving", 1, 215, "person"),
    _E("Dog", 1, 127, "dog"),
    _E("Dog1", 1, 1350, "dog"),
    _E("Doll", 1, 3872, "other"),
    _E("DragonBaby", 1, 113, "face"),
    _E("Dudek", 1, 1145, "face"),
    _E("FaceOcc1", 1, 892, "face"),
    _E("FaceOcc2", 1, 812, "face"),
    _E("Fish", 1, 476, "other"),
    _E("FleetFace", 1, 707, "face"),
    _E("Football", 1, 362, "person head"),
    _E("Football1", 1, 74, "face"),
    _E("Freeman1", 1, 326, "face"),
    _E("Freeman3", 1, 460, "face"),
    _E("Freeman4", 1, 283, "face"),
    _E("Girl", 1, 500, "face"),
    _E("Girl2", 1, 1500, "person"),
    _E("Gym", 1, 767, "person"),
    _E("Human2", 1, 1128, "person"),
    _E("Human3", 1, 1698, "person"),
    _E("Human4_2", 1, 667, "person", folder="Human4", anno="groundtruth_rect.2.txt"),
    _E("Human5", 1, 713, "person"),
    _E("Human6", 1, 792, "person"),
    _E("Human7", 1, 250, "person"),
    _E("Human8", 1, 128, "person"),
    _E("Human9", 1, 305, "person"),
    _E("Ironman", 1, 166, "person head"),
    _E("Jogging_1", 1, 307, "person", folder="Jogging", anno="groundtruth_rect.1.txt"),
    _E("Jogging_2", 1, 307, "person", folder="Jogging", anno="groundtruth_rect.2.txt"),
    _E("Jump", 1, 122, "person"),
    _E("Jumping", 1, 313, "face"),
    _E("KiteSurf", 1, 84, "face", ext="png"),
    _E("Lemming", 1, 1336, "other"),
    _E("Liquor", 1, 1741, "other"),
    _E("Man", 1, 134, "face"),
    _E("Matrix", 1, 100, "person head"),
    _E("Mhyang", 1, 1490, "face"),
    _E("MotorRolling", 1, 164, "vehicle"),
    _E("MountainBike", 1, 228, "bicycle"),
    _E("Panda", 1, 1000, "mammal"),
    _E("RedTeam", 1, 1918, "vehicle"),
    _E("Rubik", 1, 1997, "other"),
    _E("Shaking", 1, 365, "face"),
    _E("Singer1", 1, 351, "person"),
    _E("Singer2", 1, 366, "person"),
    _E("Skater", 1, 160, "person"),
    _E("Skater2", 1, 435, "person"),
    _E("Skating1", 1, 400, "person"),
    _E("Skating2_1", 1, 473, "person", folder="Skating2", anno="groundtruth_rect.1.txt"),
    _E("Skating2_2", 1, 473, "person", folder="Skating2", anno="groundtruth_rect.2.txt"),
    _E("Skiing", 1, 81, "person"),
    _E("Soccer", 1, 392, "face"),
    _E("Subway", 1, 175, "person"),
    _E("Surfer", 1, 376, "person head"),
    _E("Suv", 1, 945, "car"),
    _E("Sylvester", 1, 1345, "other"),
    _E("Tiger1", 6, 354, "other", skip_rows=5),
    _E("Tiger2", 1, 365, "other"),
    _E("Toy", 1, 271, "other"),
    _E("Trans", 1, 124, "other"),
    _E("Trellis", 1, 569, "face"),
    _E("Twinnings", 1, 472, "other"),
    _E("Vase", 1, 271, "other"),
    _E("Walking", 1, 412, "person"),
    _E("Walking2", 1, 500, "person"),
    _E("Woman", 1, 597, "person"),
)
_BY_NAME = {entry.name: entry for entry in OTB_SEQUENCES}

OTB2013_NAMES: tuple = (
    "Basketball", "Bolt", "Boy", "Car4", "CarDark", "CarScale", "Coke", "Couple", "Crossing", "David", "David2",
    "David3", "Deer", "Dog1", "Doll", "Dudek", "FaceOcc1", "FaceOcc2", "Fish", "FleetFace", "Football",
    "Football1", "Freeman1", "Freeman3", "Freeman4", "Girl", "Ironman", "Jogging_1", "Jogging_2", "Jumping",
    "Lemming", "Liquor", "Matrix", "Mhyang", "MotorRolling", "MountainBike", "Shaking", "Singer1", "Singer2",
    "Skating1", "Skiing", "Soccer", "Subway", "Suv", "Sylvester", "Tiger1", "Tiger2", "Trellis", "Walking",
    "Walking2", "Woman",
)
"""The 51 OTB-2013 sequences (names as in :data:`OTB_SEQUENCES`)."""
SUBSETS: dict = {"otb2013": OTB2013_NAMES}


def read_attributes(path: Path) -> Optional[tuple]:
    """Comma-separated attribute tags (``IPR, OPR, BC`` -> ``('IPR', 'OPR', 'BC')``); None if no file."""
    if not path.is_file():
        return None
    return tuple(tag.strip() for tag in path.read_text().split(",") if tag.strip())


class OTBDataset(BaseDataset):
    """OTB-100: 100 sequences (98 videos; Jogging and Skating2 each hold two targets).

    Args:
        root: dataset root (default: the ``otb_path`` setting).
        subset: None (all 100 sequences) or a key of :data:`SUBSETS` (``'otb2013'``: 51 sequences).
        check_images: see :class:`BaseDataset`.
    """
    name = "otb"
    path_key = "otb_path"

    def __init__(self, root: Optional[PathLike] = None, subset: Optional[str] = None, check_images: bool = True):
        if subset is not None and subset not in SUBSETS:
            raise ValueError(f"unknown OTB subset '{subset}'; known: {sorted(SUBSETS)}")
        self.subset = subset
        super().__init__(root, check_images)

    def sequence_names(self) -> list:
        return list(_BY_NAME) if self.subset is None else list(SUBSETS[self.subset])

    def annotation_file(self, name: str) -> Path:
        entry = _BY_NAME[name]
        return self.root / entry.sequence_folder / entry.anno

    def _build_sequence(self, name: str) -> Sequence:
        entry = _BY_NAME[name]
        folder = self.root / entry.sequence_folder
        frames = frame_paths(folder / "img", f"%0{entry.digits}d.{entry.ext}", entry.first, entry.last)
        boxes = read_boxes(self.annotation_file(name), len(frames), entry.skip_rows)
        self.check_frames(frames, name)
        return Sequence(name=name, frames=frames, dataset=self.name, ground_truth_rect=boxes,
                        object_class=entry.object_class, attributes=read_attributes(folder / "attrs.txt"))
