"""Run one training experiment: ``ltr/train_settings/<MODULE>/<NAME>.py``'s ``run(settings)``.

Usage (from the repository root, as a module, or from inside ``ltr/``)::

    python ltr/run_training.py MODULE NAME [--smoke] [--resume] [--set key=value ...]
                               [--workspace DIR] [--epochs N] [--seed S] [--device DEV]
    python -m ltr.run_training MODULE NAME ...
    python -m torch.distributed.run --nproc_per_node 2 ltr/run_training.py MODULE NAME ...

``--epochs N`` is shorthand for ``--set num_epochs=N``. See ltr/train_settings/__init__.py for
what a settings module must do, and ltr/admin/settings.py for the override rules.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import random
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import ltr.train_settings  # noqa: E402
from ltr.admin.arguments import positive_int  # noqa: E402
from ltr.admin.distributed import default_device, dist_info_from_env, init_distributed, shutdown_distributed  # noqa
from ltr.admin.environment import resolve_path  # noqa: E402
from ltr.admin.errors import InputError, one_line  # noqa: E402
from ltr.admin.settings import OverrideError, Settings  # noqa: E402

SETTINGS_PACKAGE = "ltr.train_settings"


class SettingsNotFoundError(LookupError):
    """The requested settings module/name does not exist; the message lists the available ones."""


def available_modules() -> list[str]:
    """Settings modules: the packages in ltr/train_settings/."""
    return sorted(info.name for info in pkgutil.iter_modules(ltr.train_settings.__path__) if info.ispkg)


def available_names(module: str) -> list[str]:
    """Settings names of ``module``: the .py files in ltr/train_settings/<module>/ (without __init__)."""
    package = importlib.import_module(f"{SETTINGS_PACKAGE}.{module}")
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__) if not info.ispkg)


def load_run_function(module: str, name: str) -> Callable[[Settings], object]:
    """``run`` of ``ltr.train_settings.<module>.<name>``; SettingsNotFoundError when either does not exist."""
    modules = available_modules()
    if module not in modules:
        raise SettingsNotFoundError(f"unknown training settings module '{module}'; available: {', '.join(modules)}")
    names = available_names(module)
    if name not in names:
        raise SettingsNotFoundError(f"ltr/train_settings/{module}/ has no settings '{name}'; "
                                    f"available: {', '.join(names)}")
    settings_module = importlib.import_module(f"{SETTINGS_PACKAGE}.{module}.{name}")
    run = getattr(settings_module, "run", None)
    if not callable(run):
        raise SettingsNotFoundError(f"ltr/train_settings/{module}/{name}.py defines no run(settings) function")
    return run


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's (all devices') global generators."""
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    torch.manual_seed(seed)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run a training experiment of ltr/train_settings/.")
    parser.add_argument("module", help="settings module (folder in ltr/train_settings/)")
    parser.add_argument("name", help="settings name (file in ltr/train_settings/<module>/)")
    parser.add_argument("--smoke", action="store_true",
                        help="two iterations of one epoch on tiny synthetic data with random-weight networks")
    parser.add_argument("--resume", action="store_true", help="continue from the latest checkpoint")
    parser.add_argument("--set", dest="overrides", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                        help="override declared settings (dotted keys, Python literal values)")
    parser.add_argument("--workspace", default=None, help="checkpoint/tensorboard root (default: workspace_path)")
    parser.add_argument("--epochs", type=positive_int, default=None, help="shorthand for --set num_epochs=N")
    parser.add_argument("--seed", type=int, default=0, help="seed of all generators (plus the process rank)")
    parser.add_argument("--device", default=None,
                        help="torch device (default: cuda:<local rank> when available, else cpu)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Parse ``argv`` (default: sys.argv[1:]), set up (distributed) devices and seeds, call ``run(settings)``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    malformed = [item for item in args.overrides if "=" not in item]
    if malformed:
        parser.error(f"--set items must have the form key=value: {', '.join(malformed)}")
    try:
        run = load_run_function(args.module, args.name)
    except SettingsNotFoundError as err:
        parser.error(str(err))
    workspace = resolve_path("workspace_path", args.workspace)
    if workspace.exists() and not workspace.is_dir():
        parser.error(f"workspace '{workspace}' is a file, not a folder: pass another --workspace")
    overrides = list(args.overrides)
    if args.epochs is not None:
        overrides.append(f"num_epochs={args.epochs}")
    info = dist_info_from_env()
    device = torch.device(args.device) if args.device else default_device(info)
    init_distributed(info, device)
    try:
        seed_everything(args.seed + info.rank)
        settings = Settings(args.module, args.name, smoke=args.smoke, resume=args.resume, seed=args.seed,
                            device=device, dist=info, workspace=args.workspace, overrides=overrides)
        run(settings)
    except OverrideError as err:
        parser.error(str(err))
    except InputError as err:  # a missing dataset / network file, a bad checkpoint ...: one line, no traceback
        parser.exit(2, f"{parser.prog}: error: {one_line(err)}\n")
    finally:
        shutdown_distributed()


if __name__ == "__main__":
    main()
