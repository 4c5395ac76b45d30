"""TSKD / TSsKD (Liu et al.): teacher-student distillation with the target-response loss."""
