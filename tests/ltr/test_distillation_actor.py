"""Distillation actors: teacher frozen in eval mode, identical crops, targets, checkpointed student."""
import pytest
import torch
from torch import nn

from ltr.actors.distillation import DistillationActor, StudentPair, TSsKDActor, regression_targets
from ltr.models.bbreg.atom import atom_resnet18tiny

BOX = [16.0, 20.0, 24.0, 16.0]


def batch(num_sequences=2, size=64, num_proposals=3, num_frames=1):
    torch.manual_seed(0)
    boxes = torch.tensor([BOX] * num_sequences).expand(num_frames, -1, -1)
    return {"train_images": torch.randn(num_frames, num_sequences, 3, size, size),
            "test_images": torch.randn(1, num_sequences, 3, size, size),
            "train_anno": boxes.clone(), "test_anno": boxes[:1].clone(),
            "test_proposals": boxes[:1, :, None].repeat(1, 1, num_proposals, 1),
            "proposal_iou": torch.ones(1, num_sequences, num_proposals)}


class Recorder(nn.Module):
    """Objective that keeps its inputs and returns the student's summed predictions."""

    def forward(self, *outputs):
        self.seen = outputs
        loss = sum(out.student_pred.sum() for out in outputs)
        return loss, {"Loss/total": loss.item()}


@pytest.fixture()
def actor():
    torch.manual_seed(0)
    return DistillationActor(atom_resnet18tiny(), Recorder(), teacher=atom_resnet18tiny())


def test_teacher_runs_in_eval_mode_and_gets_no_gradient(actor):
    actor.train(True)
    loss, _ = actor(batch())
    loss.backward()
    assert actor.net.training and not actor.teacher.training
    assert all(p.grad is None for p in actor.teacher.parameters())
    assert not actor.objective.seen[0].teacher_pred.requires_grad
    assert any(p.grad is not None for p in actor.net.parameters())


def test_student_and_teacher_features_come_from_the_same_crops(actor):
    data = batch()
    actor.train(True)
    actor(data)
    out = actor.objective.seen[0]
    expected = actor.teacher.extract_features(data["test_images"][0], ["layer1"])["layer1"]
    assert torch.allclose(out.teacher_test["layer1"], expected)
    assert set(out.student_ref) == set(out.teacher_ref) == {"conv1", "layer1", "layer2", "layer3"}
    assert out.student_test["layer3"].shape == out.teacher_test["layer3"].shape


def test_outputs_carry_boxes_image_size_labels_and_epoch(actor):
    data = batch()
    actor.set_epoch(3)
    actor(data)
    out = actor.objective.seen[0]
    assert out.ref_box.tolist() == out.test_box.tolist() == [BOX, BOX]
    assert out.image_size == 64.0 and out.epoch == 3
    assert torch.equal(out.gt, data["proposal_iou"])


def test_offset_targets_are_zero_for_proposals_on_the_test_box():
    data = batch()
    assert torch.equal(regression_targets(data, "offsets"), torch.zeros(1, 2, 3, 4))


def test_offset_targets_hand_case():
    data = batch(num_sequences=1, num_proposals=1)
    data["test_proposals"] = torch.tensor([[[[18.0, 20.0, 12.0, 16.0]]]])  # centre (24, 28), size 12x16
    # test box centre (28, 28), size 24x16
    assert regression_targets(data, "offsets")[0, 0, 0].tolist() == pytest.approx([4 / 12, 0.0, 0.6931472, 0.0])


def test_unknown_target_is_rejected():
    with pytest.raises(ValueError, match="target must be one of"):
        DistillationActor(atom_resnet18tiny(), Recorder(), target="boxes")


def test_more_than_one_reference_frame_is_rejected(actor):
    with pytest.raises(ValueError, match="one train frame"):
        actor(batch(num_frames=2))


def test_frozen_student_backbone_stays_in_eval_mode(actor):
    actor.net.feature_extractor.requires_grad_(False)
    actor.train(True)
    assert not actor.net.feature_extractor.training and actor.net.bb_regressor.training


def test_tsskd_actor_passes_both_students_and_checkpoints_the_intelligent_one():
    torch.manual_seed(0)
    pair = StudentPair(atom_resnet18tiny(), atom_resnet18tiny())
    actor = TSsKDActor(pair, Recorder(), teacher=atom_resnet18tiny())
    actor(batch())
    dull, intelligent = actor.objective.seen
    assert not torch.equal(dull.student_pred, intelligent.student_pred)
    assert dull.teacher_pred is intelligent.teacher_pred
    assert actor.checkpoint_net() is pair.intelligent
    state = actor.extra_state()
    assert state["dull_student"].keys() == pair.dull.state_dict().keys()


def test_tsskd_extra_state_restores_the_dull_student():
    torch.manual_seed(0)
    source = TSsKDActor(StudentPair(atom_resnet18tiny(), atom_resnet18tiny()), Recorder())
    target = TSsKDActor(StudentPair(atom_resnet18tiny(), atom_resnet18tiny()), Recorder())
    target.load_extra_state(source.extra_state())
    for a, b in zip(source.net.dull.parameters(), target.net.dull.parameters()):
        assert torch.equal(a, b)


def test_learnable_objective_state_round_trips_through_extra_state():
    torch.manual_seed(0)
    source = DistillationActor(atom_resnet18tiny(), nn.Linear(2, 2))
    target = DistillationActor(atom_resnet18tiny(), nn.Linear(2, 2))
    target.load_extra_state(source.extra_state())
    assert torch.equal(target.objective.weight, source.objective.weight)


def test_objective_without_state_adds_nothing_to_the_checkpoint(actor):
    assert actor.extra_state() == {}
