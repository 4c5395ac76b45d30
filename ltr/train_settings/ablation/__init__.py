"""CFKD's loss ablation: each file adds one term (GT only, TS, TS+AH, +Fidelity) or trains in two phases (sep)."""
