"""Every parameter file of every tracker builds its tracker, and parameters are typo-safe."""
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
import torch

import pytracking.parameter
import pytracking.tracker
from ltr.admin.loading import import_callable
from pytracking.evaluation.tracker import Tracker
from pytracking.tracker.base import NetworkTracker, UnknownParameterError


def tracker_names() -> list:
    return sorted(info.name for info in pkgutil.iter_modules(pytracking.tracker.__path__)
                  if info.ispkg and info.name != "base")


def parameter_files() -> list:
    pairs = []
    for name in tracker_names():
        package = importlib.import_module(f"pytracking.parameter.{name}")
        pairs += [(name, info.name) for info in pkgutil.iter_modules(package.__path__)]
    return pairs


def test_every_tracker_has_parameter_files():
    assert {name for name, _ in parameter_files()} == set(tracker_names())


@pytest.mark.parametrize("name, param", parameter_files(), ids=lambda v: str(v))
def test_parameter_file_builds_its_tracker(name, param):
    definition = Tracker(name, param)
    params = definition.get_parameters()
    params.tracker_name, params.param_name = name, param
    tracker_class = definition.tracker_class()
    if issubclass(tracker_class, NetworkTracker):  # random weights: the file's constructor, no network file
        torch.manual_seed(0)
        params.net = import_callable(params.net_constructor)(**params.get("net_kwargs", {}))
        params.device = "cpu"
    assert tracker_class(params).params is params


def test_a_misspelt_parameter_names_the_key_and_the_parameter_file():
    definition = Tracker("kcf", "default")
    params = definition.get_parameters()
    params.tracker_name, params.param_name = "kcf", "default"
    params.scale_penalt = 0.99
    with pytest.raises(UnknownParameterError, match=r"pytracking/parameter/kcf/default\.py sets 'scale_penalt'.*"
                                                    r"did you mean 'scale_penalty'"):
        definition.tracker_class()(params)


@pytest.mark.parametrize("name", tracker_names())
def test_every_declared_parameter_is_read_by_the_tracker_code(name):
    tracker_class = Tracker(name, "default").tracker_class()
    source = "".join(Path(inspect.getfile(cls)).read_text() for cls in tracker_class.__mro__
                     if cls.__module__.startswith("pytracking.tracker."))
    unread = sorted(key for key in tracker_class.parameter_names
                    if f".{key}" not in source and f'"{key}"' not in source)
    assert unread == []
