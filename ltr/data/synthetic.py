"""Procedurally generated tracking benchmark: deterministic from a seed, nothing to download.

Each sequence shows one textured target of a distinct shape (ellipse, diamond, hexagon,
rounded rectangle or cross, with a dark rim) moving over a textured background (smoothed
noise + colour gradient + blurred blobs). A :class:`SequenceSpec` switches the challenges on:
fast motion, scale change, partial or full occlusion by an opaque bar that passes over the
target, distractors of similar appearance circling nearby, and a mild illumination change.

Geometry conventions: boxes are ``[x, y, w, h]`` with (x, y) the top-left corner in pixel-edge
coordinates (pixel ``i`` spans ``[i, i + 1)``), so the evaluation centre ``xy + (wh - 1) / 2``
is the target centre in pixel-index coordinates. Boxes are rounded to 0.01 px and the frames
are rendered from the rounded boxes, so the written annotation is exact. Every target box lies
inside the image.

``make_sequence`` renders in memory (training code can reuse it); ``write_benchmark`` writes
the OTB layout atomically::

    <root>/meta.json                      seed, generator version, sequence names
    <root>/<Seq>/img/0001.jpg ...         RGB frames, JPEG quality 95
    <root>/<Seq>/groundtruth_rect.txt     one "x,y,w,h" row per frame
    <root>/<Seq>/attrs.txt                OTB attribute tags, comma separated (e.g. "SV,OCC")
    <root>/<Seq>/visible.txt              one 0/1 per frame (0 = less than 20 % of the target visible)
    <root>/<Seq>/mask/0001.png ...        target masks: 255 where the target is visible, else 0

Masks: a pixel belongs to the target where its visible alpha, the target's alpha times one minus
the occluder's, is at least 0.5 (distractors are drawn below the target and hide nothing). They
are computed from the layers already rendered and draw no random numbers, so frames and boxes
are those of generations made before masks existed. Such an older folder gets its ``mask/``
folders on request (``ensure_benchmark(..., masks=True)``): each is rendered again from the seed
into a temporary folder and renamed into place.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import cv2
import numpy as np

from ltr.admin.environment import PathLike
from ltr.admin.file_io import process_umask

GENERATOR_VERSION = 1
IMAGE_SIZE = (320, 240)  # (width, height)
JPEG_QUALITY = 95
MIN_VISIBLE_FRACTION = 0.2  # a target with less of its area visible is flagged not visible
MASK_THRESHOLD = 0.5  # a pixel is in the target mask where its visible target alpha reaches this
MASK_DIR = "mask"
FAST_MOTION_SPEED = 6.0  # px/frame from which a sequence is tagged FM
TEMPLATE_SIZE = 64  # side of the square appearance templates before warping to the box
SHAPES = ("ellipse", "diamond", "hexagon", "rounded_rect", "cross")
OCCLUSIONS = ("none", "partial", "full")


@dataclass(frozen=True)
class SequenceSpec:
    """What a generated sequence contains.

    Attributes:
        name: sequence name (folder name in the benchmark).
        num_frames: number of frames N (>= 2).
        image_size: (width, height) of the frames.
        target_size: sqrt(w * h) of the target box in the first frame, pixels.
        speed: mean target speed in px/frame (the path turns smoothly and bounces off the borders).
        scale_change: target size in the last frame / size in the first frame (constant rate).
        occlusion: 'none', 'partial' (a thin bar passes over the target) or 'full' (a bar wider
            than the target passes over it, hiding it for several frames).
        num_distractors: objects of the target's shape and colours circling near it.
        illumination: amplitude of the smooth global brightness change (0.2 = +-20 %).
    """
    name: str
    num_frames: int = 80
    image_size: tuple = IMAGE_SIZE
    target_size: float = 40.0
    speed: float = 2.0
    scale_change: float = 1.0
    occlusion: str = "none"
    num_distractors: int = 0
    illumination: float = 0.0

    def __post_init__(self) -> None:
        if self.num_frames < 2:
            raise ValueError(f"spec '{self.name}': num_frames must be >= 2, got {self.num_frames}")
        if self.occlusion not in OCCLUSIONS:
            raise ValueError(f"spec '{self.name}': occlusion must be one of {OCCLUSIONS}, got '{self.occlusion}'")
        width, height = self.image_size
        largest = self.target_size * max(1.0, self.scale_change) * 1.3  # longer side at aspect 1.6
        if self.target_size < 4 or largest > min(width, height) - 4:
            raise ValueError(f"spec '{self.name}': target_size {self.target_size} (x scale_change "
                             f"{self.scale_change}) does not fit a {width}x{height} image")
        if not 0 <= self.illumination < 1:
            raise ValueError(f"spec '{self.name}': illumination must be in [0, 1), got {self.illumination}")

    @property
    def attributes(self) -> tuple:
        """OTB attribute tags of the sequence: IV, SV, OCC, FM, BC in OTB's order."""
        tags = []
        if self.illumination > 0:
            tags.append("IV")
        if abs(math.log(self.scale_change)) >= math.log(1.3):
            tags.append("SV")
        if self.occlusion != "none":
            tags.append("OCC")
        if self.speed >= FAST_MOTION_SPEED:
            tags.append("FM")
        if self.num_distractors > 0:
            tags.append("BC")
        return tuple(tags)


DEFAULT_SPECS = (
    SequenceSpec("Glide", num_frames=80, speed=1.5, illumination=0.2),
    SequenceSpec("Dash", num_frames=70, speed=9.0),
    SequenceSpec("Zoom", num_frames=90, target_size=34.0, speed=2.0, scale_change=2.2),
    SequenceSpec("Eclipse", num_frames=90, speed=2.5, occlusion="full"),
    SequenceSpec("Twins", num_frames=80, speed=2.5, num_distractors=2),
    SequenceSpec("Storm", num_frames=100, target_size=46.0, speed=6.0, scale_change=0.6,
                 occlusion="partial", num_distractors=1, illumination=0.25),
)


@dataclass
class SyntheticSequence:
    """A rendered sequence.

    Attributes:
        name: sequence name.
        frames: N RGB uint8 images of shape (H, W, 3).
        boxes: (N, 4) float64 target boxes ``x, y, w, h``.
        visible_fraction: (N,) float64 fraction of the target's area not hidden by the occluder.
        visible: (N,) bool, ``visible_fraction >= MIN_VISIBLE_FRACTION``.
        attributes: OTB attribute tags.
        occluder_boxes: (N, 4) float64 boxes of the occluding bar (may extend past the image),
            or None without occlusion.
        masks: N (H, W) uint8 target masks, 1 where the target is visible (see the module doc).
    """
    name: str
    frames: list
    boxes: np.ndarray
    visible_fraction: np.ndarray
    visible: np.ndarray
    attributes: tuple
    occluder_boxes: Optional[np.ndarray] = None
    masks: Optional[list] = None


@dataclass
class _Layer:
    """An object drawn on the frames: square template + alpha, warped to one box per frame."""
    texture: np.ndarray  # (T, T, 3) float32, 0..255
    alpha: np.ndarray  # (T, T) float32, 0..1
    boxes: np.ndarray  # (N, 4) float64


def default_specs(num_sequences: int = len(DEFAULT_SPECS)) -> list:
    """The first ``num_sequences`` specs, cycling DEFAULT_SPECS with a numeric suffix (Glide2 ...)."""
    if num_sequences < 1:
        raise ValueError(f"num_sequences must be >= 1, got {num_sequences}")
    specs = []
    for index in range(num_sequences):
        spec = DEFAULT_SPECS[index % len(DEFAULT_SPECS)]
        cycle = index // len(DEFAULT_SPECS)
        specs.append(spec if cycle == 0 else _renamed(spec, f"{spec.name}{cycle + 1}"))
    return specs


def _renamed(spec: SequenceSpec, name: str) -> SequenceSpec:
    values = dict(spec.__dict__)
    values["name"] = name
    return SequenceSpec(**values)


def sequence_rng(seed: int, index: int) -> np.random.Generator:
    """The random generator of sequence ``index`` of a benchmark (independent of the other sequences)."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return np.random.default_rng([seed, index])


def generate_sequences(seed: int = 0, num_sequences: int = len(DEFAULT_SPECS)) -> Iterator[SyntheticSequence]:
    """Render the benchmark's sequences in memory, one at a time."""
    for index, spec in enumerate(default_specs(num_sequences)):
        yield make_sequence(sequence_rng(seed, index), spec)


def make_sequence(rng: np.random.Generator, spec: SequenceSpec) -> SyntheticSequence:
    """Render one sequence; the same generator state and spec give identical output."""
    width, height = spec.image_size
    n = spec.num_frames
    background = _background(rng, width, height)

    aspect = rng.uniform(0.65, 1.55)
    growth = spec.scale_change ** (np.arange(n) / (n - 1))
    sizes = spec.target_size * growth[:, None] * np.array([math.sqrt(aspect), 1 / math.sqrt(aspect)])
    centers = _fold(_path(rng, n, spec.speed, sizes, width, height), sizes, width, height)
    target_boxes = _boxes(centers, sizes)
    alpha = _shape_alpha(SHAPES[rng.integers(len(SHAPES))])
    target = _Layer(_with_rim(_target_texture(rng), alpha), alpha, target_boxes)

    distractors = [_distractor(rng, target, width, height) for _ in range(spec.num_distractors)]
    occluder = _occluder(rng, spec, target, width) if spec.occlusion != "none" else None
    gains = _illumination(rng, n, width, spec.illumination)

    frames, masks, fractions = [], [], np.ones(n)
    for t in range(n):
        canvas = background.copy()
        for layer in distractors:
            _paste(canvas, layer, t)
        target_alpha = _paste(canvas, target, t)
        occluder_alpha = None
        if occluder is not None:
            occluder_alpha = _paste(canvas, occluder, t)
            fractions[t] = 1.0 - _covered_fraction(target_alpha, occluder_alpha)
        if gains is not None:
            canvas *= gains[t]
        frames.append(np.clip(np.rint(canvas), 0, 255).astype(np.uint8))
        masks.append(_visible_mask(target_alpha, occluder_alpha, canvas.shape[:2]))
    return SyntheticSequence(
        name=spec.name, frames=frames, boxes=target_boxes, visible_fraction=fractions,
        visible=fractions >= MIN_VISIBLE_FRACTION, attributes=spec.attributes,
        occluder_boxes=None if occluder is None else occluder.boxes, masks=masks)


def _smooth_noise(rng: np.random.Generator, width: int, height: int, grid: tuple, channels: int) -> np.ndarray:
    """(height, width, channels) float32 noise in about [0, 1], bicubically upsampled from a coarse grid."""
    coarse = rng.random((grid[1], grid[0], channels)).astype(np.float32)
    fine = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    return fine.reshape(height, width, channels)


def _background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """(H, W, 3) float32 textured background: noise octaves + colour gradient + blurred blobs."""
    noise = (0.5 * _smooth_noise(rng, width, height, (5, 4), 3)
             + 0.3 * _smooth_noise(rng, width, height, (20, 15), 3)
             + 0.2 * _smooth_noise(rng, width, height, (80, 60), 1))
    angle = rng.uniform(0, 2 * math.pi)
    xs, ys = np.meshgrid(np.linspace(-1, 1, width, dtype=np.float32), np.linspace(-1, 1, height, dtype=np.float32))
    ramp = (math.cos(angle) * xs + math.sin(angle) * ys)[..., None] * 0.5 + 0.5
    low, high = rng.uniform(40, 140, 3), rng.uniform(110, 220, 3)
    image = ((low + (high - low) * ramp) * 0.6 + noise * 120.0 - 30.0).astype(np.float32)
    for _ in range(rng.integers(6, 11)):
        colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
        centre = (int(rng.integers(width)), int(rng.integers(height)))
        axes = (int(rng.integers(8, 40)), int(rng.integers(8, 40)))
        if rng.random() < 0.5:
            cv2.ellipse(image, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
        else:
            cv2.rectangle(image, (centre[0] - axes[0], centre[1] - axes[1]),
                          (centre[0] + axes[0], centre[1] + axes[1]), colour, -1)
    return cv2.GaussianBlur(image, (0, 0), 1.2)


def _target_texture(rng: np.random.Generator) -> np.ndarray:
    """(T, T, 3) float32 pattern of two saturated colours mixed by smoothed noise, plus fine detail."""
    colours = rng.uniform(0, 255, (2, 3))
    colours[:, rng.integers(3)] = rng.uniform(0, 60, 2)  # one dark channel each -> saturated
    mix = _smooth_noise(rng, TEMPLATE_SIZE, TEMPLATE_SIZE, (5, 5), 1)
    detail = _smooth_noise(rng, TEMPLATE_SIZE, TEMPLATE_SIZE, (14, 14), 1) - 0.5
    texture = colours[0] + (colours[1] - colours[0]) * mix + 90.0 * detail
    return texture.astype(np.float32)


def _shape_alpha(shape: str) -> np.ndarray:
    """(T, T) float32 anti-aliased mask of ``shape``, symmetric and touching all four template borders."""
    size = TEMPLATE_SIZE * 4
    last = size - 1
    mask = np.zeros((size, size), np.uint8)
    if shape == "ellipse":
        cv2.ellipse(mask, (size // 2, size // 2), (size // 2, size // 2), 0, 0, 360, 255, -1)
    elif shape == "diamond":
        cv2.fillPoly(mask, [np.array([[size // 2, 0], [last, size // 2], [size // 2, last], [0, size // 2]])], 255)
    elif shape == "hexagon":
        q = size // 4
        cv2.fillPoly(mask, [np.array([[q, 0], [last - q, 0], [last, size // 2], [last - q, last], [q, last],
                                      [0, size // 2]])], 255)
    elif shape == "rounded_rect":
        r = size // 5
        cv2.rectangle(mask, (r, 0), (last - r, last), 255, -1)
        cv2.rectangle(mask, (0, r), (last, last - r), 255, -1)
        for cx in (r, last - r):
            for cy in (r, last - r):
                cv2.circle(mask, (cx, cy), r, 255, -1)
    elif shape == "cross":
        a, b = int(size * 0.3), int(size * 0.7)
        cv2.rectangle(mask, (a, 0), (b, last), 255, -1)
        cv2.rectangle(mask, (0, a), (last, b), 255, -1)
    else:
        raise ValueError(f"unknown shape '{shape}'; known: {SHAPES}")
    return cv2.resize(mask.astype(np.float32) / 255.0, (TEMPLATE_SIZE, TEMPLATE_SIZE), interpolation=cv2.INTER_AREA)


def _with_rim(texture: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The (T, T, 3) texture darkened along the inside of the mask's outline (makes the shape distinct)."""
    inner = cv2.erode(alpha, np.ones((5, 5), np.uint8))
    rim = np.clip(alpha - inner, 0, 1)[..., None]
    return (texture * (1.0 - 0.6 * rim)).astype(np.float32)


def _path(rng: np.random.Generator, n: int, speed: float, sizes: np.ndarray, width: int, height: int) -> np.ndarray:
    """(N, 2) unfolded centre path: smoothly turning heading, speed varying +-30 % around ``speed``."""
    t = np.arange(n - 1)
    heading = (rng.uniform(0, 2 * math.pi) + rng.uniform(0.5, 1.5) * np.sin(2 * math.pi * rng.uniform(0.5, 2.0) * t / n
                                                                          + rng.uniform(0, 2 * math.pi))
               + rng.uniform(-0.03, 0.03) * t)
    step = speed * (1 + 0.3 * np.sin(2 * math.pi * rng.uniform(0.5, 2.0) * t / n + rng.uniform(0, 2 * math.pi)))
    half = sizes[0] / 2 + 1
    start = rng.uniform(half + 0.25 * (np.array([width, height]) - 2 * half),
                        np.array([width, height]) - half - 0.25 * (np.array([width, height]) - 2 * half))
    steps = step[:, None] * np.stack([np.cos(heading), np.sin(heading)], axis=1)
    return start + np.concatenate([np.zeros((1, 2)), np.cumsum(steps, axis=0)])


def _fold(centers: np.ndarray, sizes: np.ndarray, width: int, height: int) -> np.ndarray:
    """Reflect (N, 2) centres into the range keeping boxes of (N, 2) sizes 1 px inside the image."""
    low = sizes / 2 + 1
    span = np.array([width, height]) - 2 * low
    phase = np.mod(centers - low, 2 * span)
    return low + np.where(phase <= span, phase, 2 * span - phase)


def _boxes(centers: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """(N, 4) boxes ``x, y, w, h`` rounded to 0.01 px from centres and sizes in pixel-edge coordinates."""
    return np.round(np.concatenate([centers - sizes / 2, sizes], axis=1), 2)


def _distractor(rng: np.random.Generator, target: _Layer, width: int, height: int) -> _Layer:
    """An object of the target's shape with a flipped, colour-jittered copy of its texture, circling nearby."""
    n = len(target.boxes)
    t = np.arange(n)
    sizes = target.boxes[:, 2:] * rng.uniform(0.85, 1.15)
    extent = np.sqrt(target.boxes[:, 2] * target.boxes[:, 3])
    radius = extent * (1.7 + 0.5 * np.sin(2 * math.pi * rng.uniform(0.5, 1.5) * t / n + rng.uniform(0, 2 * math.pi)))
    angle = rng.uniform(0, 2 * math.pi) + rng.choice([-1, 1]) * rng.uniform(0.02, 0.06) * t
    target_centers = target.boxes[:, :2] + target.boxes[:, 2:] / 2
    centers = target_centers + radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    texture = target.texture[::(1 if rng.random() < 0.5 else -1), ::-1] * rng.uniform(0.85, 1.15, 3)
    return _Layer(np.ascontiguousarray(texture, dtype=np.float32), target.alpha,
                  _boxes(_fold(centers, sizes, width, height), sizes))


def _occluder(rng: np.random.Generator, spec: SequenceSpec, target: _Layer, width: int) -> _Layer:
    """An opaque textured bar (vertical or horizontal) crossing the target around mid-sequence.

    It moves at 1.5 px/frame against the target's motion across the bar; a 'full' bar is 30 px
    wider than the target, a 'partial' one 0.45 times as wide.
    """
    n = len(target.boxes)
    t_cross = int(rng.integers(int(0.4 * n), int(0.6 * n) + 1))
    axis = int(rng.integers(2))  # 0: vertical bar moving along x, 1: horizontal bar moving along y
    box = target.boxes[t_cross]
    center = box[:2] + box[2:] / 2
    along, across = box[2 + axis], box[3 - axis]
    thickness = along + 30.0 if spec.occlusion == "full" else 0.45 * along
    length = 2.5 * across + 20.0
    t0 = min(t_cross, n - 2)
    velocity = -1.5 if target.boxes[t0 + 1, axis] > target.boxes[t0, axis] else 1.5
    centers = np.repeat(center[None], n, axis=0)
    centers[:, axis] += velocity * (np.arange(n) - t_cross)
    sizes = np.empty((n, 2))
    sizes[:, axis], sizes[:, 1 - axis] = thickness, length
    stripes = np.sin(np.arange(TEMPLATE_SIZE, dtype=np.float32) * rng.uniform(0.3, 0.8))[:, None, None]
    base = rng.uniform(30, 220, 3).astype(np.float32)
    texture = base + 40.0 * stripes + 80.0 * (_smooth_noise(rng, TEMPLATE_SIZE, TEMPLATE_SIZE, (8, 8), 3) - 0.5)
    texture = np.ascontiguousarray(np.swapaxes(texture, 0, 1) if axis == 1 else texture, dtype=np.float32)
    return _Layer(texture, np.ones((TEMPLATE_SIZE, TEMPLATE_SIZE), np.float32), _boxes(centers, sizes))


def _illumination(rng: np.random.Generator, n: int, width: int, amplitude: float) -> Optional[np.ndarray]:
    """(N, 1, W, 1) float32 brightness gains: a global sinusoidal change and a drifting horizontal ramp."""
    if amplitude == 0:
        return None
    t = np.arange(n)[:, None]
    x = np.linspace(0, 1, width)[None, :]
    level = 1 + amplitude * np.sin(2 * math.pi * rng.uniform(0.5, 1.0) * t / n + rng.uniform(0, 2 * math.pi))
    ramp = 1 + 0.4 * amplitude * np.cos(2 * math.pi * (x + t / n) + rng.uniform(0, 2 * math.pi))
    return (level * ramp).astype(np.float32)[:, None, :, None]


def _paste(canvas: np.ndarray, layer: _Layer, t: int) -> Optional[tuple]:
    """Alpha-blend ``layer`` at its frame-``t`` box into the (H, W, 3) float32 canvas in place.

    Returns ``(alpha, y0, x0)``: the warped alpha over the region of the canvas it touches and
    that region's top-left corner, or None when the box lies outside the canvas.
    """
    height, width = canvas.shape[:2]
    x, y, w, h = layer.boxes[t]
    x0, y0 = max(int(math.floor(x)) - 1, 0), max(int(math.floor(y)) - 1, 0)
    x1, y1 = min(int(math.ceil(x + w)) + 1, width), min(int(math.ceil(y + h)) + 1, height)
    if x1 <= x0 or y1 <= y0:
        return None
    sx, sy = w / TEMPLATE_SIZE, h / TEMPLATE_SIZE
    # template pixel index u (edge coordinate u + 0.5) -> image edge x + s (u + 0.5) -> index minus 0.5
    matrix = np.array([[sx, 0, x + 0.5 * sx - 0.5 - x0], [0, sy, y + 0.5 * sy - 0.5 - y0]])
    size = (x1 - x0, y1 - y0)
    colour = cv2.warpAffine(layer.texture, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.warpAffine(layer.alpha, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    region = canvas[y0:y1, x0:x1]
    region += alpha[..., None] * (colour - region)
    return alpha, y0, x0


def _covered_fraction(target: Optional[tuple], occluder: Optional[tuple]) -> float:
    """Fraction of the target's alpha mass under the occluder's alpha (``_paste`` outputs)."""
    if target is None or occluder is None:
        return 0.0
    (ta, ty, tx), (oa, oy, ox) = target, occluder
    y0, x0 = max(ty, oy), max(tx, ox)
    y1, x1 = min(ty + ta.shape[0], oy + oa.shape[0]), min(tx + ta.shape[1], ox + oa.shape[1])
    if y1 <= y0 or x1 <= x0:
        return 0.0
    overlap = ta[y0 - ty:y1 - ty, x0 - tx:x1 - tx] * oa[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    return float(overlap.sum() / ta.sum())


def _visible_mask(target: Optional[tuple], occluder: Optional[tuple], shape: tuple) -> np.ndarray:
    """(H, W) uint8 mask, 1 where the target's alpha times one minus the occluder's reaches
    :data:`MASK_THRESHOLD` (``_paste`` outputs; ``shape`` = (H, W))."""
    visible = np.zeros(shape, np.float32)
    if target is not None:
        alpha, y0, x0 = target
        visible[y0:y0 + alpha.shape[0], x0:x0 + alpha.shape[1]] = alpha
    if occluder is not None:
        alpha, y0, x0 = occluder
        visible[y0:y0 + alpha.shape[0], x0:x0 + alpha.shape[1]] *= 1.0 - alpha
    return (visible >= MASK_THRESHOLD).astype(np.uint8)


def write_benchmark(root: PathLike, seed: int = 0, num_sequences: int = len(DEFAULT_SPECS)) -> Path:
    """Generate the benchmark into a temporary sibling folder, then rename it onto ``root``.

    A killed generation leaves no ``root`` (only a hidden ``.<root>.*.tmp`` folder at worst).
    If ``root`` appears meanwhile (a concurrent generation finished first), that one is kept.

    Raises:
        FileExistsError: ``root`` already exists when generation starts.
    """
    root = Path(root)
    if root.exists():
        raise FileExistsError(f"synthetic benchmark folder '{root}' already exists; delete it to regenerate")
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", suffix=".tmp", dir=root.parent))
    try:
        names = []
        for seq in generate_sequences(seed, num_sequences):
            _write_sequence(tmp / seq.name, seq)
            names.append(seq.name)
        meta = {"generator": __name__, "version": GENERATOR_VERSION, "seed": seed,
                "image_size": list(IMAGE_SIZE), "sequences": names}
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        os.chmod(tmp, 0o777 & ~process_umask())  # mkdtemp creates 0700
        try:
            os.rename(tmp, root)
        except OSError:
            if not root.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return root


def _write_sequence(folder: Path, seq: SyntheticSequence) -> None:
    """Write one sequence in the OTB layout (see the module docstring)."""
    img_dir = folder / "img"
    img_dir.mkdir(parents=True)
    for index, frame in enumerate(seq.frames, start=1):
        path = img_dir / f"{index:04d}.jpg"
        if not cv2.imwrite(str(path), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]):
            raise IOError(f"cannot write image '{path}'")
    (folder / "groundtruth_rect.txt").write_text("".join(",".join(f"{v:.2f}" for v in box) + "\n" for box in seq.boxes))
    (folder / "attrs.txt").write_text(",".join(seq.attributes) + "\n")
    (folder / "visible.txt").write_text("".join(f"{int(v)}\n" for v in seq.visible))
    _write_masks(folder / MASK_DIR, seq.masks)


def _write_masks(folder: Path, masks: list) -> None:
    """Write the (H, W) 0/1 masks as ``folder/0001.png ...`` (0 / 255 gray PNGs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, mask in enumerate(masks, start=1):
        path = folder / f"{index:04d}.png"
        if not cv2.imwrite(str(path), mask * np.uint8(255)):
            raise IOError(f"cannot write mask '{path}'")


def _add_missing_masks(root: Path, seed: int, num_sequences: int) -> None:
    """Give every sequence of ``root`` without a ``mask/`` folder one, rendered again from the seed into a
    temporary folder and renamed into place (a folder another process renamed first is kept)."""
    for index, spec in enumerate(default_specs(num_sequences)):
        folder = root / spec.name
        if not folder.is_dir() or (folder / MASK_DIR).is_dir():
            continue
        seq = make_sequence(sequence_rng(seed, index), spec)
        tmp = Path(tempfile.mkdtemp(prefix=f".{MASK_DIR}.", suffix=".tmp", dir=folder))
        try:
            _write_masks(tmp, seq.masks)
            os.chmod(tmp, 0o777 & ~process_umask())
            try:
                os.rename(tmp, folder / MASK_DIR)
            except OSError:
                if not (folder / MASK_DIR).is_dir():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def ensure_benchmark(root: PathLike, seed: int = 0, num_sequences: int = len(DEFAULT_SPECS),
                     masks: bool = False) -> list:
    """Generate the benchmark into ``root`` unless it exists; return its sequence names.

    With ``masks``, sequences of an older generation without ``mask/`` folders get them (module doc).

    Raises:
        ValueError naming ``root`` when it holds a generation with another seed, number of
        sequences or generator version (or no readable ``meta.json``).
    """
    root = Path(root)
    if not root.is_dir():
        try:
            write_benchmark(root, seed=seed, num_sequences=num_sequences)
        except FileExistsError:  # another process generated it meanwhile
            pass
    meta_file = root / "meta.json"
    try:
        meta = json.loads(meta_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError) as err:
        raise ValueError(f"synthetic benchmark '{root}' has no readable meta.json ({err}); "
                         "delete the folder to regenerate it") from None
    expected = {"version": GENERATOR_VERSION, "seed": seed,
                "sequences": [spec.name for spec in default_specs(num_sequences)]}
    found = {key: meta.get(key) for key in expected}
    if found != expected:
        raise ValueError(f"synthetic benchmark '{root}' was generated with version {found['version']}, seed "
                         f"{found['seed']}, {len(found['sequences'] or [])} sequences; requested version "
                         f"{expected['version']}, seed {seed}, {num_sequences} sequences. Use another folder "
                         "or delete this one to regenerate it")
    if masks:
        _add_missing_masks(root, seed, num_sequences)
    return list(meta["sequences"])
