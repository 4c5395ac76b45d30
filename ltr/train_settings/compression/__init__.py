"""Joint compression (Wang et al.): fidelity through learnable projections plus the DCF tracking loss."""
