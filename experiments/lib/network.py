"""The whole model (netE, netS, netG) for one `State`, its objective, and a training step.

The forward pass runs in the training code's order: netE(content), netS(style, mask),
netG, then netE and netS of the output (netS with an all-ones mask) for the contrastive
loss. Order matters twice: the tracer reports modules in the order they finish, and a
re-aliased kernel changes from a layer's second call on, which is netS's pass over the output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from .data import images, normalize, rect_mask
from .decoder import Decoder
from .encoder import Encoded, content_encoder, style_encoder
from .losses import ContrastiveLoss, Losses, PerceptualLoss
from .variants import State
from .vgg import VGGStandIn


@dataclass
class Batch:
    content: torch.Tensor
    style: torch.Tensor
    style_mask: torch.Tensor


def make_batch(state: State, batch: int, size: int, seed: int, device: torch.device, mask: torch.Tensor | None = None,
               style: torch.Tensor | None = None) -> Batch:
    """Seeded content and style images normalised as `state`'s pipeline did, and the style's mask.

    The mask (two rectangular holes unless given) goes through the image Normalize when the
    state did that (A, B, C). `style`: images in [0, 1] instead of the seeded style (real
    pairs, `--images`), normalised like the seeded ones.
    """
    m = rect_mask(batch, size, torch.device("cpu")) if mask is None else mask.cpu()
    if state.normalise_masks:
        m = normalize(m, state.image_norm)
    content = images(batch, size, seed, device, 1, state.image_norm)
    style_images = images(batch, size, seed, device, 2, state.image_norm) if style is None else normalize(style.cpu(), state.image_norm).to(device)
    return Batch(content, style_images, m.to(device))


@dataclass
class Generated:
    image: torch.Tensor  # trs_AtoB
    high: torch.Tensor
    low: torch.Tensor
    style: Encoded  # netS(style, mask)
    out_content: Encoded  # netE(trs_AtoB)
    out_style: Encoded  # netS(trs_AtoB, ones)


class PartialOct(nn.Module):
    def __init__(self, state: State, nf: int = 64) -> None:
        super().__init__()
        self.state = state
        self.netE = content_encoder(nf, state.stages)
        self.netS = style_encoder(nf, state.stages, state.rule, state.octave_masks, state.same_stride)
        self.netG = Decoder(nf, state.stages)

    def forward(self, b: Batch) -> Generated:
        content = self.netE(b.content)
        style = self.netS(b.style, b.style_mask)
        image, high, low = self.netG(content.content, style.style)
        out_content = self.netE(image)
        out_style = self.netS(image, torch.ones_like(image))
        return Generated(image, high, low, style, out_content, out_style)


class Objective(nn.Module):
    """G_loss = G_percept + G_contrast with the training code's weights (1, 1, 10; 5)."""

    def __init__(self, state: State, seed: int, vgg_width: float = 1.0) -> None:
        super().__init__()
        strict = state.name.startswith("fixed")  # the fixed loss refuses features of different sizes
        self.percept = PerceptualLoss(VGGStandIn(seed, vgg_width), state.vgg_denorm)
        self.contrast = ContrastiveLoss(strict=strict)

    def forward(self, b: Batch, g: Generated) -> Losses:
        percept, negatives = self.percept(b.content, b.style, g.image)
        contrast = self.contrast(g.style.features, g.style.style, g.out_content.features, g.out_style.features, g.out_style.style, negatives)
        return Losses(percept, contrast)


def make_optimizer(model: nn.Module, lr: float = 1e-4) -> torch.optim.Adam:
    # Adam is per parameter, so one optimizer over netE, netS and netG equals the code's three.
    # foreach=False: the same per-parameter arithmetic on every device.
    return torch.optim.Adam(model.parameters(), lr=lr, betas=(0.0, 0.99), foreach=False)


@dataclass
class Step:
    iteration: int
    losses: dict[str, float]
    output_nan: bool
    stepped: bool  # False when the guard skipped optimizer.step()
    params_nan_fraction: float  # after this iteration's update
    nan_params: dict[str, float] = field(default_factory=dict)  # per network, after the update


def train_step(model: PartialOct, objective: Objective, opt: torch.optim.Optimizer, b: Batch, iteration: int, guard: bool = False) -> Step:
    opt.zero_grad(set_to_none=True)
    g = model(b)
    losses = objective(b, g)
    total = losses.total
    stepped = not (guard and not torch.isfinite(total))
    if stepped:
        total.backward()
        opt.step()
    return Step(iteration, losses.as_floats(), bool(torch.isnan(g.image).any()), stepped, nan_fraction(model), nan_by_network(model))


@torch.no_grad()
def nan_fraction(model: nn.Module) -> float:
    """The share of parameter values (elements) that are NaN."""
    total = nan = 0
    for p in model.parameters():
        total += p.numel()
        nan += int(torch.isnan(p).sum())
    return nan / total if total else math.nan


@torch.no_grad()
def nan_by_network(model: PartialOct) -> dict[str, float]:
    return {name: nan_fraction(getattr(model, name)) for name in ("netE", "netS", "netG")}


@torch.no_grad()
def nan_parameter_names(model: nn.Module) -> list[str]:
    return [name for name, p in model.named_parameters() if bool(torch.isnan(p).any())]
