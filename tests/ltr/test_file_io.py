"""Atomic writes keep the permissions a plain open() would give (the user's umask), not tempfile's 0600."""
import os
import stat

import pytest

from ltr.admin.file_io import atomic_output, atomic_write_text
from ltr.admin.loading import save_network
from ltr.models.siamfc import siamfc_alexnet


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_text_file_gets_0644_under_umask_022(tmp_path, umask_022):
    assert mode(atomic_write_text(tmp_path / "result.txt", "1\t2\t3\t4\n")) == 0o644


def test_checkpoint_gets_0644_under_umask_022(tmp_path, umask_022):
    assert mode(save_network(tmp_path / "net.pth", siamfc_alexnet(channels=(4, 4, 4, 4, 4)))) == 0o644


def test_a_file_named_by_its_writer_is_renamed_into_place_with_umask_permissions(tmp_path, umask_022):
    with atomic_output(tmp_path / "video.mp4", suffix=".mp4") as tmp:
        assert tmp.suffix == ".mp4" and tmp.parent == tmp_path
        tmp.write_bytes(b"frames")
    assert (tmp_path / "video.mp4").read_bytes() == b"frames" and mode(tmp_path / "video.mp4") == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    atomic_write_text(tmp_path / "a.txt", "old")
    with pytest.raises(RuntimeError):
        with atomic_output(tmp_path / "a.txt") as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert (tmp_path / "a.txt").read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
