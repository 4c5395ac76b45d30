"""A list of tensors with elementwise arithmetic, as used for the variables of the online optimisers.

ATOM optimises several tensors at once (the classifier filter and the projection matrix); a
:class:`TensorList` lets the optimisers treat them as one vector: ``a + b``, ``a * 0.5``,
``a.dot(b)`` work element by element over the list. The tensors keep their own devices and dtypes.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Iterable, Iterator, Union

import torch

Operand = Union["TensorList", torch.Tensor, float, int]


class TensorList(list):
    """A list of tensors with elementwise ``+ - * /`` (with scalars, tensors and TensorLists).

    A scalar or tensor operand is applied to every element (with broadcasting); a TensorList
    operand must have the same length and is paired element by element. In-place operators
    (``+=`` etc.) update the tensors themselves, not the list.
    """

    def __init__(self, tensors: Iterable[torch.Tensor] = ()):
        super().__init__(tensors)

    def _pairs(self, other: Operand) -> Iterator[tuple]:
        if isinstance(other, TensorList):
            if len(other) != len(self):
                raise ValueError(f"TensorList length mismatch: {len(self)} vs {len(other)}")
            return zip(self, other)
        return ((a, other) for a in self)

    def _map2(self, other: Operand, op: Callable[[Any, Any], torch.Tensor]) -> "TensorList":
        return TensorList(op(a, b) for a, b in self._pairs(other))

    def _inplace(self, other: Operand, method: str) -> "TensorList":
        for a, b in self._pairs(other):
            getattr(a, method)(b)
        return self

    def __add__(self, other: Operand) -> "TensorList":
        return self._map2(other, operator.add)

    def __radd__(self, other: Operand) -> "TensorList":
        return self._map2(other, lambda a, b: b + a)

    def __sub__(self, other: Operand) -> "TensorList":
        return self._map2(other, operator.sub)

    def __rsub__(self, other: Operand) -> "TensorList":
        return self._map2(other, lambda a, b: b - a)

    def __mul__(self, other: Operand) -> "TensorList":
        return self._map2(other, operator.mul)

    def __rmul__(self, other: Operand) -> "TensorList":
        return self._map2(other, lambda a, b: b * a)

    def __truediv__(self, other: Operand) -> "TensorList":
        return self._map2(other, operator.truediv)

    def __rtruediv__(self, other: Operand) -> "TensorList":
        return self._map2(other, lambda a, b: b / a)

    def __neg__(self) -> "TensorList":
        return self.apply(operator.neg)

    def __iadd__(self, other: Operand) -> "TensorList":
        return self._inplace(other, "add_")

    def __isub__(self, other: Operand) -> "TensorList":
        return self._inplace(other, "sub_")

    def __imul__(self, other: Operand) -> "TensorList":
        return self._inplace(other, "mul_")

    def __itruediv__(self, other: Operand) -> "TensorList":
        return self._inplace(other, "div_")

    def __getitem__(self, item):
        result = super().__getitem__(item)
        return TensorList(result) if isinstance(item, slice) else result

    def apply(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> "TensorList":
        """``TensorList(fn(t) for t in self)``."""
        return TensorList(fn(t) for t in self)

    def clone(self) -> "TensorList":
        return self.apply(torch.Tensor.clone)

    def detach(self) -> "TensorList":
        return self.apply(torch.Tensor.detach)

    def requires_grad_(self, requires_grad: bool = True) -> "TensorList":
        """Set ``requires_grad`` on every tensor in place; returns ``self``."""
        for t in self:
            t.requires_grad_(requires_grad)
        return self

    def to(self, *args: Any, **kwargs: Any) -> "TensorList":
        """``t.to(*args, **kwargs)`` for every tensor (device and/or dtype)."""
        return self.apply(lambda t: t.to(*args, **kwargs))

    def view(self, *shape: int) -> "TensorList":
        """Every tensor viewed with the same ``shape`` (e.g. ``view(-1)`` flattens each)."""
        return self.apply(lambda t: t.view(*shape))

    def reshape(self, *shape: int) -> "TensorList":
        """Every tensor reshaped to the same ``shape``."""
        return self.apply(lambda t: t.reshape(*shape))

    def concat(self, other: Iterable[torch.Tensor]) -> "TensorList":
        """A new TensorList holding this list's tensors followed by ``other``'s (list concatenation)."""
        return TensorList(list(self) + list(other))

    def sum(self) -> torch.Tensor:
        """Sum of all elements of all tensors, a 0-d tensor."""
        if not self:
            raise ValueError("TensorList.sum: the list is empty")
        return sum(t.sum() for t in self)

    def dot(self, other: "TensorList") -> torch.Tensor:
        """Euclidean inner product ``sum_i (self[i] * other[i]).sum()``, a 0-d tensor."""
        if not isinstance(other, TensorList):
            raise TypeError(f"TensorList.dot: expected a TensorList, got {type(other).__name__}")
        return (self * other).sum()
