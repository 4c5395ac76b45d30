"""Checkpoints: constructor recording, atomic saving, strict loading, PyTracking model-zoo files, network paths."""
import sys
import types

import numpy as np
import pytest
import torch

from ltr.admin import loading
from ltr.admin.environment import MissingPathError
from ltr.admin.loading import (
    CheckpointError,
    NetConstructor,
    PickledObject,
    import_callable,
    load_network,
    model_constructor,
    network_file,
    save_network,
    torch_load,
)
from ltr.models.siamfc import siamfc_alexnet

TINY = (2, 2, 2, 2, 2)


def same_state(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def fake_class(monkeypatch, dotted_name: str) -> type:
    """A class importable (for pickling) as ``dotted_name`` through a fake module."""
    module_name, _, class_name = dotted_name.rpartition(".")
    cls = type(class_name, (), {"__module__": module_name, "__qualname__": class_name})
    module = types.ModuleType(module_name)
    setattr(module, class_name, cls)
    monkeypatch.setitem(sys.modules, module_name, module)
    return cls


def test_model_constructor_records_function_and_arguments():
    @model_constructor
    def build(width, depth=1):
        return torch.nn.Linear(width, depth)

    net = build(3, depth=2)
    assert net.constructor == NetConstructor("build", __name__, (3,), {"depth": 2})


def test_saved_network_reloads_strictly_from_its_constructor(tmp_path):
    net = siamfc_alexnet(channels=TINY)
    save_network(tmp_path / "net.pth", net, epoch=7)
    loaded = load_network(tmp_path / "net.pth")
    assert same_state(loaded, net)
    assert torch_load(tmp_path / "net.pth")["epoch"] == 7


def test_keyword_overrides_replace_recorded_arguments(tmp_path):
    save_network(tmp_path / "net.pth", siamfc_alexnet(channels=TINY))
    assert load_network(tmp_path / "net.pth", out_scale=0.5).out_scale == 0.5


def test_checkpoint_holds_plain_data_only(tmp_path):
    save_network(tmp_path / "net.pth", siamfc_alexnet(channels=TINY))
    checkpoint = torch.load(tmp_path / "net.pth", weights_only=True)
    assert checkpoint["constructor"]["fun_name"] == "siamfc_alexnet"


def test_failed_save_keeps_the_previous_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "net.pth"
    path.write_bytes(b"previous")

    def broken_save(obj, handle):
        handle.write(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading.torch, "save", broken_save)
    with pytest.raises(RuntimeError, match="disk full"):
        save_network(path, siamfc_alexnet(channels=TINY))
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["net.pth"]


def test_missing_and_unexpected_keys_are_listed(tmp_path):
    net = siamfc_alexnet(channels=TINY)
    state = net.state_dict()
    del state["backbone.conv3.0.bias"]
    state["backbone.extra.weight"] = torch.zeros(1)
    torch.save({"net": state, "constructor": net.constructor.to_dict()}, tmp_path / "bad.pth")
    with pytest.raises(CheckpointError) as info:
        load_network(tmp_path / "bad.pth")
    message = str(info.value)
    assert "bad.pth" in message and "backbone.conv3.0.bias" in message and "backbone.extra.weight" in message


def test_shape_mismatch_names_the_file(tmp_path):
    save_network(tmp_path / "tiny.pth", siamfc_alexnet(channels=TINY))
    with pytest.raises(CheckpointError, match="tiny.pth"):
        load_network(tmp_path / "tiny.pth", channels=(4, 4, 4, 4, 4))


def test_bare_state_dict_loads_with_an_explicit_constructor(tmp_path):
    net = siamfc_alexnet(channels=TINY)
    torch.save(net.state_dict(), tmp_path / "published.pth")
    assert same_state(load_network(tmp_path / "published.pth", constructor=siamfc_alexnet, channels=TINY), net)


def test_recorded_constructor_that_does_not_exist_here_asks_for_one(tmp_path):
    net = siamfc_alexnet(channels=TINY)
    constructor = {"fun_name": "atom_resnet18", "fun_module": "ltr.models.tracking.bbreg", "args": (), "kwds": {}}
    torch.save({"net": net.state_dict(), "constructor": constructor}, tmp_path / "atom.pth")
    with pytest.raises(CheckpointError, match="pass constructor="):
        load_network(tmp_path / "atom.pth")
    assert same_state(load_network(tmp_path / "atom.pth", constructor=siamfc_alexnet, channels=TINY), net)


def test_checkpoint_without_constructor_needs_one(tmp_path):
    torch.save({"net": siamfc_alexnet(channels=TINY).state_dict()}, tmp_path / "anonymous.pth")
    with pytest.raises(CheckpointError, match="records no network constructor"):
        load_network(tmp_path / "anonymous.pth")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.pth"):
        torch_load(tmp_path / "absent.pth")


def test_corrupt_file_is_named(tmp_path):
    (tmp_path / "corrupt.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="corrupt.pth"):
        torch_load(tmp_path / "corrupt.pth")


@pytest.mark.parametrize("zip_format", [True, False])
def test_pytracking_model_zoo_checkpoint_loads_without_running_its_classes(tmp_path, monkeypatch, zip_format):
    net = siamfc_alexnet(channels=TINY)
    pickled_constructor = fake_class(monkeypatch, "ltr.admin.model_constructor.NetConstructor")()
    pickled_constructor.__dict__.update(fun_name="siamfc_alexnet", fun_module="ltr.models.siamfc.siamfc",
                                        args=(), kwds={"channels": TINY})
    settings = fake_class(monkeypatch, "ltr.admin.settings.Settings")()
    settings.__dict__.update(batch_size=64, lr=np.float64(0.01))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    checkpoint = {"epoch": 50, "net_type": "SiamFC", "net": net.state_dict(), "constructor": pickled_constructor,
                  "optimizer": optimizer.state_dict(), "settings": settings,
                  "stats": {"train": {"Loss": np.array([0.5, 0.25])}}}
    torch.save(checkpoint, tmp_path / "zoo.pth", _use_new_zipfile_serialization=zip_format)
    for name in ("ltr.admin.model_constructor", "ltr.admin.settings"):
        monkeypatch.delitem(sys.modules, name)

    loaded = torch_load(tmp_path / "zoo.pth")
    assert isinstance(loaded["settings"], PickledObject) and loaded["settings"].lr == 0.01
    assert loaded["stats"]["train"]["Loss"].tolist() == [0.5, 0.25]
    assert same_state(load_network(tmp_path / "zoo.pth"), net)


class Foreign:
    pass


def test_objects_of_other_packages_are_refused(tmp_path):
    torch.save({"net": {}, "payload": Foreign()}, tmp_path / "foreign.pth")
    with pytest.raises(CheckpointError, match="Foreign"):
        torch_load(tmp_path / "foreign.pth")


def test_bare_network_file_name_is_looked_up_in_the_network_folder(tmp_path, monkeypatch):
    (tmp_path / "net.pth").write_bytes(b"x")
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    assert network_file("net.pth") == tmp_path / "net.pth"


def test_bare_network_file_name_falls_back_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "here.pth").write_bytes(b"x")
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path / "networks"))
    monkeypatch.chdir(tmp_path)
    assert network_file("here.pth").resolve() == tmp_path / "here.pth"


def test_relative_network_path_with_a_folder_is_relative_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "ws" / "networks").mkdir(parents=True)
    (tmp_path / "ws" / "networks" / "teacher.pth").write_bytes(b"x")
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path / "elsewhere"))
    monkeypatch.chdir(tmp_path)
    assert network_file("ws/networks/teacher.pth").resolve() == tmp_path / "ws" / "networks" / "teacher.pth"


def test_missing_network_file_error_says_where_it_looked_and_how_to_set_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    with pytest.raises(MissingPathError) as info:
        network_file("absent.pth", what="net_path of pytracking/parameter/siamfc/default.py")
    message = str(info.value)
    assert "pytracking/parameter/siamfc/default.py" in message and "'absent.pth'" in message
    assert str(tmp_path / "absent.pth") in message and "PYTRACKING_NETWORK_PATH" in message


def test_import_callable_reports_what_is_missing():
    assert import_callable("ltr.models.siamfc.siamfc_alexnet") is siamfc_alexnet
    with pytest.raises(ValueError, match="has no 'nothing'"):
        import_callable("ltr.models.siamfc.nothing")
    with pytest.raises(ValueError, match="not found"):
        import_callable("no_such_package.build")
