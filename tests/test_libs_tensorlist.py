"""TensorList: elementwise arithmetic over a list of tensors."""
import pytest
import torch

from pytracking.libs.tensorlist import TensorList


def _pair() -> TensorList:
    return TensorList([torch.tensor([1.0, 2.0]), torch.tensor([[3.0]])])


def test_add_tensorlists_pairs_elements():
    result = _pair() + _pair()
    assert isinstance(result, TensorList)
    assert torch.equal(result[0], torch.tensor([2.0, 4.0])) and torch.equal(result[1], torch.tensor([[6.0]]))


def test_scalar_operands_apply_to_every_element_on_either_side():
    a = _pair()
    assert torch.equal((a * 2)[0], torch.tensor([2.0, 4.0]))
    assert torch.equal((2 * a)[1], torch.tensor([[6.0]]))
    assert torch.equal((1 - a)[0], torch.tensor([0.0, -1.0]))
    assert torch.equal((6 / a)[0], torch.tensor([6.0, 3.0]))
    assert torch.equal((a / 2 - 1)[1], torch.tensor([[0.5]]))
    assert torch.equal((-a)[0], torch.tensor([-1.0, -2.0]))


def test_zero_dim_tensor_on_the_left_multiplies_every_element():
    result = torch.tensor(3.0) * _pair()
    assert isinstance(result, TensorList)
    assert torch.equal(result[0], torch.tensor([3.0, 6.0]))


def test_length_mismatch_raises():
    with pytest.raises(ValueError, match="length mismatch"):
        _pair() + TensorList([torch.ones(2)])


def test_inplace_add_updates_the_tensors_not_the_list():
    a = _pair()
    first = a[0]
    a += _pair()
    assert len(a) == 2
    assert first is a[0] and torch.equal(first, torch.tensor([2.0, 4.0]))
    a *= 0.5
    a -= 1
    assert torch.equal(a[1], torch.tensor([[2.0]]))


def test_dot_is_the_sum_of_elementwise_products():
    assert _pair().dot(_pair()).item() == 1 + 4 + 9


def test_sum_adds_all_elements_and_rejects_empty():
    assert _pair().sum().item() == 6
    with pytest.raises(ValueError, match="empty"):
        TensorList().sum()


def test_clone_detach_and_requires_grad():
    a = _pair().requires_grad_()
    assert all(t.requires_grad for t in a)
    c = a.clone()
    assert c[0] is not a[0] and c[0].requires_grad
    d = a.detach()
    assert not any(t.requires_grad for t in d)


def test_view_reshape_apply_and_to():
    a = _pair()
    assert [t.shape for t in a.view(-1)] == [torch.Size([2]), torch.Size([1])]
    assert [t.shape for t in a.reshape(1, -1)] == [torch.Size([1, 2]), torch.Size([1, 1])]
    assert torch.equal(a.apply(torch.zeros_like)[0], torch.zeros(2))
    assert all(t.dtype == torch.float64 for t in a.to(torch.float64))


def test_concat_and_slice_return_tensorlists():
    a = _pair().concat([torch.ones(1)])
    assert isinstance(a, TensorList) and len(a) == 3
    assert isinstance(a[1:], TensorList) and len(a[1:]) == 2
