"""Pack raw results into the zip files the GOT-10k and TrackingNet evaluation servers accept.

GOT-10k: ``<seq>/<seq>_001.txt`` (one file per run, up to 3; comma-separated ``%f`` boxes) and
``<seq>/<seq>_time.txt`` (per-frame times of the first run, ``%f``), the sequence folders at the
root of the zip. TrackingNet: ``<seq>.txt`` with comma-separated ``%.2f`` boxes in a flat zip.

Usage::

    python -m pytracking.util_scripts.pack_submission got10k atom default --runs 3
    python -m pytracking.util_scripts.pack_submission trackingnet atom default --dataset-path /data/trackingnet
"""
from __future__ import annotations

import argparse
import zipfile
from pathlib import Path
from typing import Iterable, Iterator, Optional
from typing import Sequence as SequenceType

from ltr.admin.environment import PathLike, resolve_path
from ltr.admin.file_io import atomic_write
from ltr.data.annotations import read_number_rows
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.results_io import format_rows, load_result_boxes
from pytracking.evaluation.tracker import Tracker

GOT10K_MAX_RUNS = 3


def result_sequence_names(results_dir: PathLike) -> list:
    """Sorted names of the sequences with a box file ``<seq>.txt`` in ``results_dir`` (time files excluded)."""
    return sorted(p.stem for p in Path(results_dir).glob("*.txt") if not p.stem.endswith("_time"))


def pack_got10k(tracker_name: str, param_name: str, run_ids: SequenceType[Optional[int]] = (None,),
                results_path: Optional[PathLike] = None, output_dir: Optional[PathLike] = None,
                sequences: Optional[Iterable[str]] = None) -> Path:
    """Write ``<output_dir>/<tracker>_<param>_got10k.zip`` for the GOT-10k server; return its path.

    Args:
        tracker_name, param_name: the tracker whose results are packed.
        run_ids: the runs, in submission order: ``(None,)`` for the single folder ``<param>``,
            ``(0, 1, 2)`` for ``<param>_000`` .. ``<param>_002`` (at most 3).
        results_path: root of the raw results (default: the ``results_path`` setting).
        output_dir: folder of the zip (default: the ``packed_results_path`` setting).
        sequences: the sequences to pack (e.g. ``GOT10kDataset(split='test').sequence_names()``);
            default every sequence with a result file in any run folder.
    Raises:
        ValueError for no or more than 3 (or repeated) run ids; FileNotFoundError naming a missing
        results folder, box file or time file of the first run.
    """
    run_ids = list(run_ids)
    if not 1 <= len(run_ids) <= GOT10K_MAX_RUNS or len(set(run_ids)) != len(run_ids):
        raise ValueError(f"GOT-10k takes 1 to {GOT10K_MAX_RUNS} distinct runs, got run_ids={run_ids}")
    run_dirs = _run_dirs(tracker_name, param_name, run_ids, results_path)
    names = _sequences_to_pack(run_dirs, sequences)
    first_times = [run_dirs[0] / f"{name}_time.txt" for name in names]
    _require_files(first_times)

    def members() -> Iterator[tuple]:
        for name, time_file in zip(names, first_times):
            for run, run_dir in enumerate(run_dirs, start=1):
                boxes = load_result_boxes(run_dir / f"{name}.txt")
                yield f"{name}/{name}_{run:03d}.txt", format_rows(boxes, ",", "%f")
            times = read_number_rows(time_file, num_cols=1)[:, 0]
            yield f"{name}/{name}_time.txt", "".join(f"{t:f}\n" for t in times)

    return _write_zip(_zip_path(output_dir, tracker_name, param_name, "got10k"), members())


def pack_trackingnet(tracker_name: str, param_name: str, run_id: Optional[int] = None,
                     results_path: Optional[PathLike] = None, output_dir: Optional[PathLike] = None,
                     sequences: Optional[Iterable[str]] = None) -> Path:
    """Write ``<output_dir>/<tracker>_<param>_trackingnet.zip`` for the TrackingNet server; return its path.

    Members are ``<seq>.txt`` with one comma-separated ``%.2f`` box per frame. Arguments as in
    :func:`pack_got10k`, with one ``run_id`` (``None`` = the folder ``<param>``).
    """
    run_dir = _run_dirs(tracker_name, param_name, [run_id], results_path)[0]
    names = _sequences_to_pack([run_dir], sequences)
    members = ((f"{name}.txt", format_rows(load_result_boxes(run_dir / f"{name}.txt"), ",", "%.2f"))
               for name in names)
    return _write_zip(_zip_path(output_dir, tracker_name, param_name, "trackingnet"), members)


def _run_dirs(tracker_name: str, param_name: str, run_ids: list, results_path: Optional[PathLike]) -> list:
    """The results folder of each run; raise FileNotFoundError naming the first missing one."""
    run_dirs = [Tracker(tracker_name, param_name, run_id, results_path=results_path).results_dir
                for run_id in run_ids]
    for run_dir in run_dirs:
        if not run_dir.is_dir():
            raise FileNotFoundError(f"results folder '{run_dir}' of tracker {tracker_name}/{param_name} "
                                    "does not exist")
    return run_dirs


def _sequences_to_pack(run_dirs: list, sequences: Optional[Iterable[str]]) -> list:
    """The requested (or all found) sequence names, checked to have a box file in every run folder."""
    if sequences is None:
        names = sorted({name for run_dir in run_dirs for name in result_sequence_names(run_dir)})
        if not names:
            raise FileNotFoundError(f"no result files (<seq>.txt) in '{run_dirs[0]}'")
    else:
        names = list(sequences)
    _require_files([run_dir / f"{name}.txt" for run_dir in run_dirs for name in names])
    return names


def _require_files(paths: list) -> None:
    missing = [p for p in paths if not p.is_file()]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise FileNotFoundError(f"result file '{missing[0]}' does not exist{more}")


def _zip_path(output_dir: Optional[PathLike], tracker_name: str, param_name: str, benchmark: str) -> Path:
    return resolve_path("packed_results_path", output_dir) / f"{tracker_name}_{param_name}_{benchmark}.zip"


def _write_zip(path: Path, members: Iterable[tuple]) -> Path:
    """Write ``(member name, text)`` pairs into a deflated zip at ``path`` atomically; return ``path``."""
    def write(handle) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in members:
                archive.writestr(name, text)

    atomic_write(path, write)
    return path


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface (see the module docstring)."""
    parser = argparse.ArgumentParser(description="Pack raw results into a GOT-10k or TrackingNet server submission.")
    parser.add_argument("benchmark", choices=("got10k", "trackingnet"))
    parser.add_argument("tracker_name", help="tracker name, e.g. atom")
    parser.add_argument("param_name", help="parameter name, e.g. default")
    parser.add_argument("--runs", type=int, default=None,
                        help="GOT-10k: pack the runs <param>_000 .. <param>_<N-1> (N <= 3); "
                             "default: the folder <param>")
    parser.add_argument("--run-id", type=int, default=None,
                        help="TrackingNet: pack the run <param>_<ID>; default: the folder <param>")
    parser.add_argument("--results-path", default=None, help="root of the raw results (default: results_path setting)")
    parser.add_argument("--output-dir", default=None, help="folder of the zip (default: packed_results_path setting)")
    parser.add_argument("--dataset-path", default=None,
                        help="pack exactly the sequences of the benchmark's test set at this root "
                             "(default: every result file in the results folder)")
    return parser


def main(argv: Optional[list] = None) -> Path:
    """Command-line entry point; prints and returns the path of the written zip."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.benchmark == "got10k" and args.run_id is not None:
        parser.error("--run-id is for trackingnet; use --runs N for got10k")
    if args.benchmark == "trackingnet" and args.runs is not None:
        parser.error("--runs is for got10k; use --run-id ID for trackingnet")
    sequences = None
    if args.dataset_path is not None:
        dataset_name = "got10k_test" if args.benchmark == "got10k" else "trackingnet"
        sequences = get_dataset_loader(dataset_name, args.dataset_path).sequence_names()
    common = dict(results_path=args.results_path, output_dir=args.output_dir, sequences=sequences)
    if args.benchmark == "got10k":
        run_ids = (None,) if args.runs is None else tuple(range(args.runs))
        path = pack_got10k(args.tracker_name, args.param_name, run_ids, **common)
    else:
        path = pack_trackingnet(args.tracker_name, args.param_name, args.run_id, **common)
    print(path)
    return path


if __name__ == "__main__":
    main()
