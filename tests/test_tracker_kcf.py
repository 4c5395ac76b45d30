"""The built-in KCF baseline follows simple targets, handles scale and borders, and is deterministic."""
import cv2
import numpy as np
import torch

from pytracking.analysis.metrics import iou
from pytracking.parameter.kcf.default import parameters
from pytracking.tracker.kcf import get_tracker_class
from pytracking.tracker.kcf.kcf import gaussian_correlation, gaussian_label


def textured_clip(num_frames, start, velocity, size0, growth=1.0, image_size=(160, 120), seed=0):
    """Frames with a random-texture square moving over a smooth low-contrast background; returns (frames, boxes)."""
    rng = np.random.default_rng(seed)
    width, height = image_size
    noise = cv2.GaussianBlur(rng.integers(0, 255, (height, width, 3)).astype(np.uint8), (0, 0), 3)
    background = (96 + (noise.astype(np.int16) - 128) // 4).astype(np.uint8)
    texture = cv2.normalize(cv2.GaussianBlur(rng.integers(0, 255, (64, 64, 3)).astype(np.uint8), (0, 0), 2),
                            None, 0, 255, cv2.NORM_MINMAX)
    frames, boxes = [], []
    for t in range(num_frames):
        size = size0 * growth ** t
        x, y = start[0] + velocity[0] * t, start[1] + velocity[1] * t
        frame = background.copy()
        x0, y0, s = int(round(x)), int(round(y)), int(round(size))
        patch = cv2.resize(texture, (s, s), interpolation=cv2.INTER_AREA)
        xa, ya, xb, yb = max(x0, 0), max(y0, 0), min(x0 + s, width), min(y0 + s, height)
        frame[ya:yb, xa:xb] = patch[ya - y0:yb - y0, xa - x0:xb - x0]
        frames.append(frame)
        boxes.append([x0, y0, s, s])
    return frames, np.array(boxes, dtype=np.float64)


def track(frames, init_box):
    tracker = get_tracker_class()(parameters())
    tracker.initialize(frames[0], {"init_bbox": list(init_box)})
    return np.array([init_box] + [tracker.track(f)["target_bbox"] for f in frames[1:]], dtype=np.float64)


def test_follows_a_translating_textured_square():
    frames, boxes = textured_clip(30, start=(30, 40), velocity=(2, 1), size0=24)
    assert iou(track(frames, boxes[0]), boxes).mean() > 0.7


def test_follows_a_growing_square():
    frames, boxes = textured_clip(40, start=(50, 40), velocity=(0.5, 0), size0=20, growth=1.01)
    predicted = track(frames, boxes[0])
    assert iou(predicted[-1:], boxes[-1:])[0] > 0.5 and predicted[-1, 2] > 1.2 * predicted[0, 2]


def test_target_at_the_border_gives_finite_boxes_inside_the_image():
    frames, boxes = textured_clip(20, start=(-5, -5), velocity=(0, 0), size0=20)
    predicted = track(frames, [0, 0, 15, 15])
    assert np.isfinite(predicted).all() and (predicted[:, 2:] >= 1).all()


def test_same_input_gives_identical_boxes():
    frames, boxes = textured_clip(15, start=(30, 30), velocity=(1, 1), size0=22)
    np.testing.assert_array_equal(track(frames, boxes[0]), track(frames, boxes[0]))


def test_label_peaks_at_origin_and_wraps_around():
    label = gaussian_label((5, 4), sigma=1.0)
    assert label[0, 0] == 1.0 and label[1, 0] == label[-1, 0] == np.float32(np.exp(-0.5))


def test_kernel_of_a_patch_with_itself_is_one_at_zero_shift():
    x = torch.rand(6, 5)
    xf = torch.fft.fft2(x)
    k = torch.fft.ifft2(gaussian_correlation(xf[None], xf, sigma=0.2)).real[0]
    assert abs(float(k[0, 0]) - 1.0) < 1e-5 and float(k.max()) <= 1.0 + 1e-5
