"""The whole generator (netE, netS, decoder), its objective, and a guarded training step."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from .data import disk_mask, images, normalize, rect_mask
from .decoder import Decoder
from .encoder import Encoded, Encoder
from .losses import ContrastiveLoss, Losses, PerceptualLoss
from .variants import Bugs, content_variant
from .vgg import VGGStandIn


@dataclass
class Batch:
    content: torch.Tensor
    style: torch.Tensor
    content_mask: torch.Tensor
    style_mask: torch.Tensor


def make_batch(batch: int, size: int, seed: int, device: torch.device, bugs: Bugs) -> Batch:
    cm, sm = disk_mask(batch, size, device), rect_mask(batch, size, device)
    if bugs.normalise_masks:  # the masks went through the image transform too
        cm, sm = normalize(cm), normalize(sm)
    return Batch(images(batch, size, seed, device, 1), images(batch, size, seed, device, 2), cm, sm)


@dataclass
class Generated:
    image: torch.Tensor  # trs_AtoB
    high: torch.Tensor
    low: torch.Tensor
    content: Encoded
    style: Encoded


class PartialOct(nn.Module):
    """netE encodes content, netS style (and the output, for the contrastive loss)."""

    def __init__(self, bugs: Bugs, nf: int = 64, style_stages: int = 2, content_bugs: Bugs | None = None) -> None:
        super().__init__()
        self.netE = Encoder(nf, 2, content_variant(bugs) if content_bugs is None else content_bugs)
        self.netS = Encoder(nf, style_stages, bugs)
        self.dec = Decoder(nf)

    def forward(self, b: Batch) -> Generated:
        c = self.netE(b.content, b.content_mask)
        s = self.netS(b.style, b.style_mask)
        image, high, low = self.dec(c.content, s.style)
        return Generated(image, high, low, c, s)


class Objective(nn.Module):
    """G_loss = G_percept + G_contrast, with the note's weights."""

    def __init__(self, seed: int, vgg_width: float = 1.0) -> None:
        super().__init__()
        self.percept = PerceptualLoss(VGGStandIn(seed, vgg_width))
        self.contrast = ContrastiveLoss()

    def forward(self, model: PartialOct, b: Batch, g: Generated) -> Losses:
        percept = self.percept(g.image, b.content, b.style)
        # The output has no holes: encode it with an all-ones mask.
        out_features = model.netS(g.image, torch.ones_like(g.image)).features
        return Losses(percept, self.contrast(out_features, g.style.features))


def make_optimizer(model: nn.Module, lr: float = 1e-4) -> torch.optim.Adam:
    # foreach=False: the same per-parameter arithmetic on every device.
    return torch.optim.Adam(model.parameters(), lr=lr, betas=(0.0, 0.99), foreach=False)


@dataclass
class Step:
    iteration: int
    losses: dict[str, float]
    output_nan: bool
    stepped: bool  # False when the guard skipped optimizer.step()
    params_nan_fraction: float  # after this iteration's update


def train_step(model: PartialOct, objective: Objective, opt: torch.optim.Optimizer, b: Batch, iteration: int, guard: bool) -> Step:
    opt.zero_grad(set_to_none=True)
    g = model(b)
    losses = objective(model, b, g)
    total = losses.total
    stepped = not (guard and not torch.isfinite(total))
    if stepped:
        total.backward()
        opt.step()
    return Step(iteration, losses.as_floats(), bool(torch.isnan(g.image).any()), stepped, nan_fraction(model))


@torch.no_grad()
def nan_fraction(model: nn.Module) -> float:
    """The share of parameter values (elements) that are NaN."""
    total = nan = 0
    for p in model.parameters():
        total += p.numel()
        nan += int(torch.isnan(p).sum())
    return nan / total if total else math.nan
