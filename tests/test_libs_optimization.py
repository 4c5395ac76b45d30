"""Online optimisers: CG, Gauss-Newton + CG (double-backward trick), steepest descent."""
import pytest
import torch

from pytracking.libs.optimization import (
    ConjugateGradient,
    ConjugateGradientBase,
    GaussNewtonCG,
    GradientDescent,
    GradientDescentL2,
    L2Problem,
    MinimizationProblem,
)
from pytracking.libs.tensorlist import TensorList


def _spd(n: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    m = torch.randn(n, n, generator=g, dtype=torch.float64)
    return m @ m.T + n * torch.eye(n, dtype=torch.float64)


class MatrixCG(ConjugateGradientBase):
    """CG on ``M x = b`` for a dense SPD matrix."""

    def __init__(self, matrix: torch.Tensor, **kwargs):
        super().__init__(**kwargs)
        self.matrix = matrix

    def A(self, p: TensorList) -> TensorList:
        return TensorList([self.matrix @ p[0]])


class LinearResiduals(L2Problem):
    """r(x) = A x - y."""

    def __init__(self, a: torch.Tensor, y: torch.Tensor):
        self.a, self.y = a, y

    def __call__(self, x: TensorList) -> TensorList:
        return TensorList([self.a @ x[0] - self.y])


class WeightedLinearResiduals(LinearResiduals):
    """r(x) = A x - y with the output metric diag(w)."""

    def __init__(self, a: torch.Tensor, y: torch.Tensor, w: torch.Tensor):
        super().__init__(a, y)
        self.w = w

    def ip_output(self, a: TensorList, b: TensorList) -> torch.Tensor:
        return (a[0] * self.w * b[0]).sum()


class ExpFit(L2Problem):
    """r(a, b) = a * exp(b * t) - y."""

    def __init__(self, t: torch.Tensor, y: torch.Tensor):
        self.t, self.y = t, y

    def __call__(self, x: TensorList) -> TensorList:
        return TensorList([x[0] * torch.exp(x[1] * self.t) - self.y])


class FactorizedFilter(L2Problem):
    """ATOM-like: scores = X @ (P @ f), regularised filter f and projection P."""

    def __init__(self, samples: torch.Tensor, labels: torch.Tensor):
        self.samples, self.labels = samples, labels

    def __call__(self, x: TensorList) -> TensorList:
        f, p = x
        return TensorList([self.samples @ (p @ f) - self.labels, 0.1 * f, 0.01 * p])


def _linear_problem(rows: int = 8, cols: int = 3, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(rows, cols, generator=g, dtype=torch.float64)
    y = torch.randn(rows, generator=g, dtype=torch.float64)
    return a, y


@pytest.mark.parametrize("fletcher_reeves,standard_alpha", [(True, True), (False, True), (True, False)])
def test_cg_solves_spd_system_in_n_iterations(fletcher_reeves, standard_alpha):
    matrix = _spd(5)
    b = torch.arange(1.0, 6.0, dtype=torch.float64)
    cg = MatrixCG(matrix, fletcher_reeves=fletcher_reeves, standard_alpha=standard_alpha)
    x = cg.run_cg(5, TensorList([b]))
    assert torch.allclose(x[0], torch.linalg.solve(matrix, b), atol=1e-6)


def test_cg_debug_records_residuals_and_eps_stops_early():
    matrix = _spd(6)
    cg = MatrixCG(matrix, debug=True)
    cg.run_cg(50, TensorList([torch.ones(6, dtype=torch.float64)]), eps=1e-8)
    assert 1 <= len(cg.cg_residuals) <= 6
    assert cg.cg_residuals[-1] <= 1e-8


def test_direction_forget_factor_one_continues_cg_across_runs():
    a, y = _linear_problem(rows=8, cols=4)
    expected = torch.linalg.lstsq(a, y.unsqueeze(1)).solution[:, 0]
    warm = ConjugateGradient(LinearResiduals(a, y), TensorList([torch.zeros(4, dtype=torch.float64)]),
                             direction_forget_factor=1.0)
    warm.run(2)
    warm.run(2)
    cold = ConjugateGradient(LinearResiduals(a, y), TensorList([torch.zeros(4, dtype=torch.float64)]))
    cold.run(2)
    cold.run(2)
    assert torch.allclose(warm.x[0], expected, atol=1e-6)
    assert not torch.allclose(cold.x[0], expected, atol=1e-6)


def test_conjugate_gradient_solves_linear_least_squares_in_place():
    a, y = _linear_problem()
    variable = TensorList([torch.zeros(3, dtype=torch.float64)])
    losses = ConjugateGradient(LinearResiduals(a, y), variable).run(3)
    expected = torch.linalg.lstsq(a, y.unsqueeze(1)).solution[:, 0]
    assert torch.allclose(variable[0], expected, atol=1e-6)
    assert losses.shape == (2,)
    assert losses[0].item() == pytest.approx(0.5 * (y @ y).item())
    assert losses[1].item() == pytest.approx(0.5 * ((a @ expected - y) ** 2).sum().item())


def test_gauss_newton_one_step_reaches_lstsq_solution_of_linear_problem():
    a, y = _linear_problem()
    optimizer = GaussNewtonCG(LinearResiduals(a, y), TensorList([torch.ones(3, dtype=torch.float64)]))
    optimizer.run(num_cg_iter=3, num_gn_iter=1)
    expected = torch.linalg.lstsq(a, y.unsqueeze(1)).solution[:, 0]
    assert torch.allclose(optimizer.x[0], expected, atol=1e-6)


def test_gauss_newton_respects_weighted_output_metric():
    a, y = _linear_problem()
    w = torch.tensor([1.0, 2.0, 3.0, 4.0, 0.5, 1.0, 2.0, 1.0], dtype=torch.float64)
    optimizer = GaussNewtonCG(WeightedLinearResiduals(a, y, w), TensorList([torch.zeros(3, dtype=torch.float64)]))
    optimizer.run(num_cg_iter=3)
    sw = w.sqrt()
    expected = torch.linalg.lstsq(a * sw.unsqueeze(1), (y * sw).unsqueeze(1)).solution[:, 0]
    assert torch.allclose(optimizer.x[0], expected, atol=1e-6)


def test_gauss_newton_loss_decreases_monotonically_on_exponential_fit():
    t = torch.linspace(0, 2, 10, dtype=torch.float64)
    y = 2.0 * torch.exp(-0.5 * t)
    variable = TensorList([torch.tensor(1.0, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64)])
    losses = GaussNewtonCG(ExpFit(t, y), variable).run(num_cg_iter=2, num_gn_iter=6)
    assert losses.shape == (7,)
    assert (losses[1:] < losses[:-1]).all()
    assert variable[0].item() == pytest.approx(2.0, abs=1e-4)
    assert variable[1].item() == pytest.approx(-0.5, abs=1e-4)


def test_gauss_newton_step_on_filter_and_projection_matches_explicit_jacobian():
    g = torch.Generator().manual_seed(3)
    samples = torch.randn(20, 6, generator=g, dtype=torch.float64)
    labels = torch.randn(20, generator=g, dtype=torch.float64)
    f0 = torch.randn(3, generator=g, dtype=torch.float64)
    p0 = torch.randn(6, 3, generator=g, dtype=torch.float64)
    problem = FactorizedFilter(samples, labels)

    def flat_residuals(v: torch.Tensor) -> torch.Tensor:
        return torch.cat([r.reshape(-1) for r in problem(TensorList([v[:3], v[3:].reshape(6, 3)]))])

    v0 = torch.cat([f0, p0.reshape(-1)])
    jac = torch.autograd.functional.jacobian(flat_residuals, v0)
    step = torch.linalg.solve(jac.T @ jac, -jac.T @ flat_residuals(v0))

    variable = TensorList([f0.clone(), p0.clone()])
    losses = GaussNewtonCG(problem, variable).run(num_cg_iter=21, num_gn_iter=1)
    assert torch.allclose(variable[0], f0 + step[:3], atol=1e-6)
    assert torch.allclose(variable[1], p0 + step[3:].reshape(6, 3), atol=1e-6)
    assert losses[1] < losses[0]


def test_gradient_descent_l2_decreases_loss():
    a, y = _linear_problem()
    optimizer = GradientDescentL2(LinearResiduals(a, y), TensorList([torch.zeros(3, dtype=torch.float64)]),
                                  step_length=0.02, momentum=0.5)
    losses = optimizer.run(20)
    assert losses.shape == (21,)
    assert losses[-1] < losses[0]


def test_gradient_descent_minimises_a_scalar_objective():
    class Quadratic(MinimizationProblem):
        def __call__(self, x: TensorList) -> torch.Tensor:
            return ((x[0] - 3.0) ** 2).sum()

    variable = TensorList([torch.zeros(2)])
    GradientDescent(Quadratic(), variable, step_length=0.25).run(30)
    assert torch.allclose(variable[0], torch.full((2,), 3.0), atol=1e-4)
