"""Need for Speed (NfS) evaluation dataset, 30 fps version.

Kiani Galoogahi, Fagg, Huang, Ramanan and Lucey, "Need for Speed: A Benchmark for Higher Frame
Rate Object Tracking", ICCV 2017.

Layout under the ``nfs_path`` root (the 30 fps frames as evaluated by PyTracking)::

    sequences/<s>/00001.jpg ...     frames 1..N of each sequence
    anno/nfs_<s>.txt                one ``x y w h`` row per frame (tab separated)

The table lists the 100 sequences with their frame counts N (every sequence starts at frame 1)
and object classes, as evaluated by PyTracking, with its folder names (e.g. ``footbal_skill``).
Sequence names follow PyTracking (``nfs_<s>``) so that its raw result files (``nfs_<s>.txt``)
analyse directly.
"""
from __future__ import annotations

from pathlib import Path

from ltr.data.annotations import read_boxes
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths

# (folder <s>, number of frames N, object class)
NFS_SEQUENCES: tuple = (
    ("Gymnastics", 368, "person"),
    ("MachLoop_jet", 99, "aircraft"),
    ("Skiing_red", 69, "person"),
    ("Skydiving", 196, "person"),
    ("airboard_1", 425, "ball"),
    ("airplane_landing", 81, "aircraft"),
    ("airtable_3", 482, "ball"),
    ("basketball_1", 282, "ball"),
    ("basketball_2", 102, "ball"),
    ("basketball_3", 421, "ball"),
    ("basketball_6", 224, "ball"),
    ("basketball_7", 240, "person"),
    ("basketball_player", 369, "person"),
    ("basketball_player_2", 437, "person"),
    ("beach_flipback_person", 61, "person head"),
    ("bee", 45, "insect"),
    ("biker_acrobat", 128, "bicycle"),
    ("biker_all_1", 113, "person"),
    ("biker_head_2", 132, "person head"),
    ("biker_head_3", 254, "person head"),
    ("biker_upper_body", 194, "person"),
    ("biker_whole_body", 572, "person"),
    ("billiard_2", 604, "ball"),
    ("billiard_3", 698, "ball"),
    ("billiard_6", 771, "ball"),
    ("billiard_7", 724, "ball"),
    ("billiard_8", 778, "ball"),
    ("bird_2", 476, "bird"),
    ("book", 288, "other"),
    ("bottle", 2103, "other"),
    ("bowling_1", 303, "ball"),
    ("bowling_2", 710, "ball"),
    ("bowling_3", 271, "ball"),
    ("bowling_6", 260, "ball"),
    ("bowling_ball", 275, "ball"),
    ("bunny", 705, "mammal"),
    ("car", 2020, "car"),
    ("car_camaro", 36, "car"),
    ("car_drifting", 173, "car"),
    ("car_jumping", 22, "car"),
    ("car_rc_rolling", 62, "car"),
    ("car_rc_rotating", 80, "car"),
    ("car_side", 108, "car"),
    ("car_white", 2063, "car"),
    ("cheetah", 167, "mammal"),
    ("cup", 1281, "other"),
    ("cup_2", 182, "other"),
    ("dog", 1030, "dog"),
    ("dog_1", 168, "dog"),
    ("dog_2", 594, "dog"),
    ("dog_3", 200, "dog"),
    ("dogs", 198, "dog"),
    ("dollar", 1426, "other"),
    ("drone", 70, "aircraft"),
    ("ducks_lake", 107, "bird"),
    ("exit", 359, "other"),
    ("first", 435, "other"),
    ("flower", 448, "other"),
    ("footbal_skill", 131, "ball"),
    ("helicopter", 310, "aircraft"),
    ("horse_jumping", 117, "horse"),
    ("horse_running", 139, "horse"),
    ("iceskating_6", 603, "person"),
    ("jellyfish_5", 746, "invertebrate"),
    ("kid_swing", 169, "person"),
    ("motorcross", 39, "vehicle"),
    ("motorcross_kawasaki", 65, "vehicle"),
    ("parkour", 58, "person head"),
    ("person_scooter", 413, "person"),
    ("pingpong_2", 1277, "ball"),
    ("pingpong_7", 1290, "ball"),
    ("pingpong_8", 296, "ball"),
    ("purse", 968, "other"),
    ("rubber", 1328, "other"),
    ("running", 677, "person"),
    ("running_100_m", 313, "person"),
    ("running_100_m_2", 337, "person"),
    ("running_2", 363, "person"),
    ("shuffleboard_1", 42, "other"),
    ("shuffleboard_2", 41, "other"),
    ("shuffleboard_4", 62, "other"),
    ("shuffleboard_5", 32, "other"),
    ("shuffleboard_6", 52, "other"),
    ("shuffletable_2", 372, "other"),
    ("shuffletable_3", 368, "other"),
    ("shuffletable_4", 101, "other"),
    ("ski_long", 274, "person"),
    ("soccer_ball", 163, "ball"),
    ("soccer_ball_2", 1934, "ball"),
    ("soccer_ball_3", 1381, "ball"),
    ("soccer_player_2", 475, "person"),
    ("soccer_player_3", 319, "person"),
    ("stop_sign", 302, "other"),
    ("suv", 2584, "car"),
    ("tiger", 1556, "mammal"),
    ("walking", 555, "person"),
    ("walking_3", 1427, "person"),
    ("water_ski_2", 47, "person"),
    ("yoyo", 67, "other"),
    ("zebra_fish", 671, "fish"),
)
_BY_NAME: dict = {f"nfs_{folder}": (folder, num_frames, object_class)
                  for folder, num_frames, object_class in NFS_SEQUENCES}


class NFSDataset(BaseDataset):
    """NfS at 30 fps: 100 sequences."""
    name = "nfs"
    path_key = "nfs_path"

    def sequence_names(self) -> list:
        return list(_BY_NAME)

    def annotation_file(self, name: str) -> Path:
        return self.root / "anno" / f"{name}.txt"

    def _build_sequence(self, name: str) -> Sequence:
        folder, num_frames, object_class = _BY_NAME[name]
        frames = frame_paths(self.root / "sequences" / folder, "%05d.jpg", 1, num_frames)
        boxes = read_boxes(self.annotation_file(name), num_frames)
        self.check_frames(frames, name)
        return Sequence(name=name, frames=frames, dataset=self.name, ground_truth_rect=boxes,
                        object_class=object_class)
