"""EFDM and the two generator losses: perceptual (through the VGG stand-in) and contrastive.

EFDM(a, b) is the MSE between b and a's values placed at b's ranks. Sorting both and
comparing position by position pairs the same values, so that is how it is computed: no
gather, hence deterministic gradients on CUDA. The sum of squares is taken explicitly, in
float32, because its overflow is the NaN's birthplace.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .vgg import VGGStandIn


def efdm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-sample EFDM between two (B, C, H, W) tensors of the same shape: shape (B,)."""
    sa = a.flatten(2).sort(dim=-1).values
    sb = b.flatten(2).sort(dim=-1).values
    return (sa - sb).pow(2).sum(dim=(1, 2)) / sa[0].numel()


def efdm_pairwise(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """EFDM between every a_i and every b_j: shape (B, B)."""
    sa = a.flatten(2).sort(dim=-1).values
    sb = b.flatten(2).sort(dim=-1).values
    return (sa[:, None] - sb[None, :]).pow(2).sum(dim=(2, 3)) / sa[0].numel()


class EFDM(nn.Module):
    """EFDM as a module, so that the tracer records its output like any layer's."""

    def forward(self, a: torch.Tensor, b: torch.Tensor, pairwise: bool = False) -> torch.Tensor:
        return efdm_pairwise(a, b) if pairwise else efdm(a, b)


class PerceptualLoss(nn.Module):
    """lp * [lc * MSE(phi3(out), phi3(content)) + ls * sum_l EFDM(phi_l(out), phi_l(style))]."""

    def __init__(self, vgg: VGGStandIn, lp: float = 1.0, lc: float = 1.0, ls: float = 10.0) -> None:
        super().__init__()
        self.vgg, self.efdm = vgg, EFDM()
        self.lp, self.lc, self.ls = lp, lc, ls

    def forward(self, out: torch.Tensor, content: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        fo, fc, fs = self.vgg(out), self.vgg(content), self.vgg(style)
        content_term = F.mse_loss(fo[2], fc[2])
        style_term = sum(self.efdm(o, s).mean() for o, s in zip(fo, fs))
        return self.lp * (self.lc * content_term + self.ls * style_term)


class ContrastiveLoss(nn.Module):
    """lcs * sum_b pos_b / neg_b over style-encoder features.

    pos_b: EFDM between the output's features and its own style's; neg_b: the same against
    the hardest (closest) other style in the batch, hence batch >= 2. Overflowing features
    make both inf, and inf / inf = NaN.
    """

    def __init__(self, lcs: float = 5.0) -> None:
        super().__init__()
        self.efdm, self.lcs = EFDM(), lcs

    def forward(self, out_features: list, style_features: list) -> torch.Tensor:
        dist = None
        for fo, fs in zip(out_features, style_features):
            for o, s in zip(fo, fs):
                d = self.efdm(o, s.detach(), pairwise=True)
                dist = d if dist is None else dist + d
        assert dist is not None and dist.shape[0] >= 2, "the contrastive loss needs batch >= 2"
        pos = dist.diagonal()
        eye = torch.eye(dist.shape[0], dtype=torch.bool, device=dist.device)
        neg = dist.masked_fill(eye, float("inf")).amin(dim=1)
        return self.lcs * (pos / neg).sum()


@dataclass
class Losses:
    percept: torch.Tensor
    contrast: torch.Tensor

    @property
    def total(self) -> torch.Tensor:
        return self.percept + self.contrast

    def as_floats(self) -> dict[str, float]:
        return {"G_percept": self.percept.item(), "G_contrast": self.contrast.item(), "G_loss": self.total.item()}
