"""Online optimisers of ATOM's classifier: conjugate gradient, Gauss-Newton + CG, steepest descent.

Everything is plain PyTorch autograd over :class:`TensorList` variables (no FFTs).

Problems
    :class:`L2Problem` gives residuals ``r(x)``; the objective is ``0.5 * ip_output(r, r)``.
    :class:`MinimizationProblem` gives a scalar objective ``f(x)`` directly.

Gauss-Newton with the double-backward trick
    Linearising ``r(x + p) ~ r + J p`` gives the normal equations ``J^T W J p = -J^T W r`` (``W``
    is the metric of ``ip_output``, the identity by default). Autograd only offers
    vector-Jacobian products ``u -> J^T u``, but CG needs ``J^T W J v``, which contains the
    Jacobian-vector product ``J v``. The trick obtains ``J v`` from two reverse passes:

    1. Take a dummy ``u`` (a leaf that requires grad; its value is ``r``) and compute
       ``g(u) = d ip_output(r, u) / dx = J^T W u`` with ``create_graph=True``; ``g`` is linear in
       ``u`` and differentiable with respect to it. At ``u = r`` it is the gradient ``J^T W r``.
    2. For a direction ``v``: ``d <g(u), v> / du = W J v`` (the derivative of ``u^T W J v``),
       i.e. a backward pass through the graph of step 1.
    3. ``J^T (W J v)`` is one more ordinary backward pass through ``r``.

    Each CG iteration thus costs two backward passes and no new forward pass.
"""
from __future__ import annotations

import abc
from typing import Optional

import torch

from pytracking.libs.tensorlist import TensorList


class MinimizationProblem(abc.ABC):
    """A scalar objective ``f(x)`` of a TensorList variable."""

    @abc.abstractmethod
    def __call__(self, x: TensorList) -> torch.Tensor:
        """The objective at ``x``, a 0-d tensor differentiable with respect to ``x``."""

    def ip_input(self, a: TensorList, b: TensorList) -> torch.Tensor:
        """Inner product in the variable space; Euclidean by default."""
        return a.dot(b)


class L2Problem(abc.ABC):
    """A least-squares problem: minimise ``0.5 * ip_output(r(x), r(x))``.

    Put sample weights into the residuals (e.g. ``sqrt(w) * (f - y)``) or into ``ip_output``
    (a symmetric positive bilinear form). ``ip_input`` is the metric of the CG iterations; the
    normal-equation operator is self-adjoint in the Euclidean product, so an override must keep
    it self-adjoint. ``M1``/``M2`` are optional preconditioners (``z = M2(M1(r))`` approximates
    ``A^-1 r``); identity by default.
    """

    @abc.abstractmethod
    def __call__(self, x: TensorList) -> TensorList:
        """The residuals ``r(x)``, differentiable with respect to ``x``."""

    def ip_input(self, a: TensorList, b: TensorList) -> torch.Tensor:
        return a.dot(b)

    def ip_output(self, a: TensorList, b: TensorList) -> torch.Tensor:
        return a.dot(b)

    def M1(self, x: TensorList) -> TensorList:
        return x

    def M2(self, x: TensorList) -> TensorList:
        return x


def _grad(outputs: TensorList, inputs: TensorList, grad_outputs: Optional[TensorList] = None,
          create_graph: bool = False) -> TensorList:
    """Vector-Jacobian product ``sum_k grad_outputs[k] . d outputs[k] / d inputs``.

    Outputs that do not require grad contribute nothing; inputs that the outputs do not depend
    on get zero gradients. The graph is retained (the optimisers reuse it).
    """
    if grad_outputs is None:
        grad_outputs = TensorList(torch.ones_like(o) for o in outputs)
    pairs = [(o, go) for o, go in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return inputs.apply(torch.zeros_like)
    grads = torch.autograd.grad([o for o, _ in pairs], list(inputs), grad_outputs=[go for _, go in pairs],
                                create_graph=create_graph, retain_graph=True, allow_unused=True)
    return TensorList(torch.zeros_like(x) if g is None else g for g, x in zip(grads, inputs))


class ConjugateGradientBase(abc.ABC):
    """Preconditioned conjugate gradient for ``A x = b`` with ``A`` self-adjoint positive definite.

    Subclasses supply ``A`` and may override ``ip`` (the inner product), ``M1`` and ``M2``.

    Args:
        fletcher_reeves: ``beta = rho_k / rho_{k-1}`` (Fletcher-Reeves) if True, else the
            Polak-Ribiere ``beta = (rho_k - <r_{k-1}, z_k>) / rho_{k-1}``; ``beta`` is clipped at 0.
        standard_alpha: step ``alpha = rho / <p, A p>`` if True, else the exact line minimum along
            ``p``, ``alpha = <p, r> / <p, A p>`` (equal in exact arithmetic).
        direction_forget_factor: 0 restarts CG from scratch at every :meth:`run_cg`; a value
            ``f > 0`` keeps the last search direction and scales the first ``beta`` of the next
            run by ``f`` (ATOM's warm-started CG across frames).
        debug: record the residual norm ``sqrt(<r, r>)`` after every CG iteration in
            ``cg_residuals``.
    """

    def __init__(self, fletcher_reeves: bool = True, standard_alpha: bool = True,
                 direction_forget_factor: float = 0.0, debug: bool = False):
        if direction_forget_factor < 0:
            raise ValueError(f"direction_forget_factor must be >= 0, got {direction_forget_factor}")
        self.fletcher_reeves = fletcher_reeves
        self.standard_alpha = standard_alpha
        self.direction_forget_factor = direction_forget_factor
        self.debug = debug
        self.cg_residuals: list = []
        self.reset_state()

    def reset_state(self) -> None:
        """Forget the search direction kept between runs."""
        self._p: Optional[TensorList] = None
        self._rho: Optional[torch.Tensor] = None
        self._r_prev: Optional[TensorList] = None

    @abc.abstractmethod
    def A(self, p: TensorList) -> TensorList:
        """The linear operator applied to ``p``."""

    def ip(self, a: TensorList, b: TensorList) -> torch.Tensor:
        return a.dot(b)

    def M1(self, x: TensorList) -> TensorList:
        return x

    def M2(self, x: TensorList) -> TensorList:
        return x

    def run_cg(self, num_iter: int, b: TensorList, eps: float = 0.0) -> TensorList:
        """Approximately solve ``A x = b`` starting from ``x = 0``; returns ``x``.

        Stops early when ``rho = <r, M r>`` vanishes, when ``<p, A p> <= 0`` (no descent left,
        numerically) or when ``eps > 0`` and ``sqrt(<r, r>) <= eps``.
        """
        if self.direction_forget_factor == 0:
            self.reset_state()
        elif self._rho is not None:
            # beta = rho_new / rho_old: enlarging rho_old by 1/f scales the first beta by f.
            self._rho = self._rho / self.direction_forget_factor

        x = b.apply(torch.zeros_like)
        r = b.clone()
        for _ in range(num_iter):
            y = self.M1(r)
            z = self.M2(y)
            rho = self.ip(r, z)
            if rho == 0:
                break
            if self._p is None:
                p = z.clone()
            else:
                if self.fletcher_reeves:
                    beta = rho / self._rho
                else:
                    beta = (rho - self.ip(self._r_prev, z)) / self._rho
                p = z + self._p * beta.clamp(min=0)
            q = self.A(p)
            pq = self.ip(p, q)
            if pq <= 0:
                break
            alpha = rho / pq if self.standard_alpha else self.ip(p, r) / pq
            if not self.fletcher_reeves:
                self._r_prev = r.clone()
            x += p * alpha
            r -= q * alpha
            self._p, self._rho = p, rho
            if self.debug or eps > 0:
                res_norm = self.ip(r, r).sqrt()
                if self.debug:
                    self.cg_residuals.append(res_norm.detach())
                if eps > 0 and res_norm <= eps:
                    break
        return x


class ConjugateGradient(ConjugateGradientBase):
    """Linear least squares by CG on the normal equations (one linearisation, exact when r is affine).

    ``variable`` (leaf tensors) is updated in place. Every :meth:`run` re-linearises at the
    current point, so the problem's data may change between runs (ATOM's per-frame updates).
    ``losses`` collects ``0.5 * ip_output(r, r)`` at each linearisation point and after each run.
    """

    def __init__(self, problem: L2Problem, variable: TensorList, cg_eps: float = 0.0,
                 fletcher_reeves: bool = True, standard_alpha: bool = True,
                 direction_forget_factor: float = 0.0, debug: bool = False):
        super().__init__(fletcher_reeves, standard_alpha, direction_forget_factor, debug)
        self.problem = problem
        self.x = variable.requires_grad_(True)
        self.cg_eps = cg_eps
        self.losses: list = []
        self._clear_linearisation()

    def _clear_linearisation(self) -> None:
        self._r: Optional[TensorList] = None
        self._u: Optional[TensorList] = None
        self._g: Optional[TensorList] = None

    def ip(self, a: TensorList, b: TensorList) -> torch.Tensor:
        return self.problem.ip_input(a, b)

    def M1(self, x: TensorList) -> TensorList:
        return self.problem.M1(x)

    def M2(self, x: TensorList) -> TensorList:
        return self.problem.M2(x)

    def _loss(self, r: TensorList) -> torch.Tensor:
        r = r.detach()
        return 0.5 * self.problem.ip_output(r, r)

    def _linearise(self) -> TensorList:
        """Build the graph of ``g(u) = J^T W u`` at the current x; returns ``b = -J^T W r``."""
        r = self.problem(self.x)
        u = r.detach().requires_grad_(True)
        self.losses.append(self._loss(r))
        g = _grad(TensorList([self.problem.ip_output(r, u)]), self.x, create_graph=True)
        self._r, self._u, self._g = r, u, g
        return -g.detach()

    def A(self, p: TensorList) -> TensorList:
        """``J^T W J p`` by the double-backward trick (see the module docstring)."""
        wjp = _grad(self._g, self._u, p)
        return _grad(self._r, self.x, wjp)

    def _gn_step(self, num_cg_iter: int) -> None:
        b = self._linearise()
        delta = self.run_cg(num_cg_iter, b, eps=self.cg_eps)
        self._clear_linearisation()
        with torch.no_grad():
            self.x += delta

    def _run(self, num_cg_iter: int, num_gn_iter: int) -> torch.Tensor:
        first = len(self.losses)
        for _ in range(num_gn_iter):
            self._gn_step(num_cg_iter)
        with torch.no_grad():
            self.losses.append(self._loss(self.problem(self.x)))
        return torch.stack(self.losses[first:])

    def run(self, num_cg_iter: int) -> torch.Tensor:
        """One linearisation + ``num_cg_iter`` CG iterations; returns the losses (2,) before/after."""
        return self._run(num_cg_iter, 1)


class GaussNewtonCG(ConjugateGradient):
    """Gauss-Newton for nonlinear least squares; each step solves the normal equations by CG."""

    def run(self, num_cg_iter: int, num_gn_iter: int = 1) -> torch.Tensor:
        """``num_gn_iter`` Gauss-Newton steps of ``num_cg_iter`` CG iterations each.

        Returns the losses (num_gn_iter + 1,): at each linearisation point, then the final one.
        """
        return self._run(num_cg_iter, num_gn_iter)


class _SteepestDescent(abc.ABC):
    """Steepest descent with momentum: ``d = grad + momentum * d; x -= step_length * d``."""

    def __init__(self, variable: TensorList, step_length: float, momentum: float = 0.0):
        self.x = variable.requires_grad_(True)
        self.step_length = step_length
        self.momentum = momentum
        self.losses: list = []
        self._direction: Optional[TensorList] = None

    @abc.abstractmethod
    def _objective(self) -> torch.Tensor:
        """The scalar objective at the current x."""

    def run(self, num_iter: int) -> torch.Tensor:
        """``num_iter`` descent steps (x updated in place); returns the losses (num_iter + 1,)."""
        first = len(self.losses)
        for _ in range(num_iter):
            loss = self._objective()
            grad = _grad(TensorList([loss]), self.x)
            self.losses.append(loss.detach())
            self._direction = grad if self._direction is None else grad + self._direction * self.momentum
            with torch.no_grad():
                self.x -= self._direction * self.step_length
        with torch.no_grad():
            self.losses.append(self._objective())
        return torch.stack(self.losses[first:])


class GradientDescent(_SteepestDescent):
    """Steepest descent with momentum on a :class:`MinimizationProblem`."""

    def __init__(self, problem: MinimizationProblem, variable: TensorList, step_length: float,
                 momentum: float = 0.0):
        super().__init__(variable, step_length, momentum)
        self.problem = problem

    def _objective(self) -> torch.Tensor:
        return self.problem(self.x)


class GradientDescentL2(_SteepestDescent):
    """Steepest descent with momentum on ``0.5 * ip_output(r, r)`` of an :class:`L2Problem`."""

    def __init__(self, problem: L2Problem, variable: TensorList, step_length: float,
                 momentum: float = 0.0):
        super().__init__(variable, step_length, momentum)
        self.problem = problem

    def _objective(self) -> torch.Tensor:
        r = self.problem(self.x)
        return 0.5 * self.problem.ip_output(r, r)
