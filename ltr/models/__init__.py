"""Networks: backbones, tracking heads, losses."""
