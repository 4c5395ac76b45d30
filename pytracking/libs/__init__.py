"""Numerical libraries of the online trackers (ATOM): TensorList, optimisers, DCF helpers."""
from pytracking.libs.tensorlist import TensorList

__all__ = ["TensorList"]
