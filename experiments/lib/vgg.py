"""A frozen, seeded stand-in for VGG19 up to relu4_1.

The pretrained weights cannot be downloaded here. He-initialised random weights keep the
activations' magnitudes roughly those of the input (what matters for overflow and NaN), not
the stylisation quality.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

# (in, out) per conv; "M" is a 2x2 max pool. relu1_1, relu2_1, relu3_1, relu4_1 are taken.
_LAYERS = [(3, 64), (64, 64), "M", (64, 128), (128, 128), "M", (128, 256), (256, 256), (256, 256), (256, 256), "M", (256, 512)]
_TAPS = {0: "relu1_1", 3: "relu2_1", 6: "relu3_1", 11: "relu4_1"}


class VGGStandIn(nn.Module):
    """`width` scales every layer's channels but the input's: 1.0 is VGG19; --quick narrows it."""

    def __init__(self, seed: int, width: float = 1.0) -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.convs = nn.ModuleList()
        for spec in _LAYERS:
            if spec == "M":
                self.convs.append(nn.Identity())
                continue
            spec = tuple(c if c == 3 else max(1, int(c * width)) for c in spec)
            conv = nn.Conv2d(*spec, 3, padding=1)
            with torch.no_grad():
                std = (2.0 / (spec[0] * 9)) ** 0.5
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) * std)
                conv.bias.zero_()
            self.convs.append(conv)
        self.requires_grad_(False)
        self.eval()

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """[relu1_1, relu2_1, relu3_1, relu4_1] of x."""
        taps = []
        for i, layer in enumerate(self.convs):
            x = F.max_pool2d(x, 2) if isinstance(layer, nn.Identity) else F.relu(layer(x))
            if i in _TAPS:
                taps.append(x)
        return taps
