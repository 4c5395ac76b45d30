"""Trainers: the training loop (epochs, optimisation, logging, checkpoints)."""
from ltr.trainers.ltr_trainer import LTRTrainer

__all__ = ["LTRTrainer"]
