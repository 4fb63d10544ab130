"""A frozen, seeded stand-in for the normalised VGG19 of the perceptual loss, up to relu4_1.

The pretrained weights cannot be downloaded here. The stand-in keeps the real network's
shape (a 1x1 colour conv, reflect-padded 3x3 convs, 2x2 max pools) and its first layer's
fixed pre-processing (RGB in [0, 1] -> BGR x 255 minus the Caffe means); every 3x3 conv is
drawn at random and then scaled so that its ReLU's mean output on a seeded probe image is 1.
Magnitudes (what matters for overflow and NaN) are therefore those of a real VGG to within
an order; stylisation quality is not the point.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .pconv import reflect_pad

# (in, out) per 3x3 conv; "M" is a 2x2 max pool. relu1_1, relu2_1, relu3_1, relu4_1 are taken.
_LAYERS = [(3, 64), (64, 64), "M", (64, 128), (128, 128), "M", (128, 256), (256, 256), (256, 256), (256, 256), "M", (256, 512)]
_TAPS = {0: "relu1_1", 3: "relu2_1", 6: "relu3_1", 11: "relu4_1"}
_CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)


class VGGStandIn(nn.Module):
    """`width` scales every layer's channels but the input's: 1.0 is VGG19; --quick narrows it."""

    def __init__(self, seed: int, width: float = 1.0, probe_size: int = 32) -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.colour = nn.Conv2d(3, 3, 1)
        with torch.no_grad():
            self.colour.weight.zero_()
            for out_c, in_c in enumerate((2, 1, 0)):  # RGB -> BGR
                self.colour.weight[out_c, in_c] = 255.0
            self.colour.bias.copy_(-torch.tensor(_CAFFE_BGR_MEAN))
        self.convs = nn.ModuleList()
        x = self.colour(torch.rand(2, 3, probe_size, probe_size, generator=gen))
        for spec in _LAYERS:
            if spec == "M":
                self.convs.append(nn.Identity())
                x = F.max_pool2d(x, 2, ceil_mode=True)
                continue
            i, o = (c if c == 3 else max(1, int(c * width)) for c in spec)
            conv = nn.Conv2d(i, o, 3)
            with torch.no_grad():
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) * (2.0 / (i * 9)) ** 0.5)
                conv.bias.zero_()
                mean = F.relu(conv(reflect_pad(x, 1))).mean()
                conv.weight.div_(mean)
                x = F.relu(conv(reflect_pad(x, 1)))
            self.convs.append(conv)
        self.requires_grad_(False)
        self.eval()

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """[relu1_1, relu2_1, relu3_1, relu4_1] of x (RGB, about 0 ... 1)."""
        taps = []
        x = self.colour(x)
        for i, layer in enumerate(self.convs):
            x = F.max_pool2d(x, 2, ceil_mode=True) if isinstance(layer, nn.Identity) else F.relu(layer(reflect_pad(x, 1)))
            if i in _TAPS:
                taps.append(x)
        return taps
