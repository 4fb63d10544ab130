"""EFDM and the two generator losses, as the training code computed them.

EFDM(style, trans) = MSE(trans, style's sorted values gathered at trans's ranks). When
`trans` has fewer values than `style` the gather silently uses only style's smallest ranks
(0 ... N_trans - 1): that is what happens to the 3-stage contrastive loss, whose netS and
netE features differ in size. Sorting both and pairing position by position gives the same
sum with deterministic gradients on CUDA, so that is how it is computed here; the squares
are summed in float32 because their overflow is where the first inf is born.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .data import denormalize
from .variants import Norm
from .vgg import VGGStandIn


class SizeMismatch(ValueError):
    """EFDM was asked to compare features of different sizes (the fixed loss refuses)."""


def efdm(style: torch.Tensor, trans: torch.Tensor, strict: bool = False) -> torch.Tensor:
    """MSE between `trans` and `style`'s values at trans's ranks, over every element: a scalar."""
    ss = style.flatten(2).sort(dim=-1).values
    st = trans.flatten(2).sort(dim=-1).values
    n_style, n_trans = ss.shape[-1], st.shape[-1]
    if n_trans > n_style or (strict and n_trans != n_style):
        raise SizeMismatch(f"EFDM of {tuple(style.shape)} against {tuple(trans.shape)}")
    return (st - ss[..., :n_trans]).pow(2).sum() / st.numel()


class EFDM(nn.Module):
    """EFDM as a module, so that the tracer records each call like a layer's output."""

    def __init__(self, strict: bool = False) -> None:
        super().__init__()
        self.strict = strict
        self.sizes: list[tuple[int, int]] = []  # (values of style, values used) per call

    def forward(self, style: torch.Tensor, trans: torch.Tensor) -> torch.Tensor:
        self.sizes.append((style[0, 0].numel(), trans[0, 0].numel()))
        return efdm(style, trans, self.strict)


class PerceptualLoss(nn.Module):
    """lp * [lc * MSE(relu3_1(out), relu3_1(content)) + ls * sum_l EFDM(phi_l(out), phi_l(style))].

    Images are de-normalised (with `denorm`'s statistics) before the VGG. Also returns each
    sample's hardest negative: the other style whose VGG statistics are closest to its output.
    """

    def __init__(self, vgg: VGGStandIn, denorm: Norm = "imagenet", lp: float = 1.0, lc: float = 1.0, ls: float = 10.0) -> None:
        super().__init__()
        self.vgg, self.efdm, self.denorm = vgg, EFDM(), denorm
        self.lp, self.lc, self.ls = lp, lc, ls

    def forward(self, content: torch.Tensor, style: torch.Tensor, out: torch.Tensor) -> tuple[torch.Tensor, list[int]]:
        fc = self.vgg(denormalize(content, self.denorm))[2]
        fs = self.vgg(denormalize(style, self.denorm))
        fo = self.vgg(denormalize(out, self.denorm))
        content_term = F.mse_loss(fo[2], fc)
        style_term = sum(self.efdm(o, s) for o, s in zip(fo, fs))
        negatives = []
        with torch.no_grad():
            batch = out.shape[0]
            for a in range(batch):
                dist = {b: sum(float(efdm(o[a : a + 1], s[b : b + 1])) for o, s in zip(fo, fs)) for b in range(batch) if b != a}
                negatives.append(sorted(dist, key=dist.get)[0])
        return self.lp * (self.lc * content_term + self.ls * style_term), negatives


class ContrastiveLoss(nn.Module):
    """lcs * sum_b pos_b / neg_b.

    pos_b: EFDM of netS(style_b)'s features against netE(out_b)'s, plus netS(style_b)'s
    features and style code against netS(out_b)'s; neg_b: the same against the hardest other
    style. About lcs * B at initialisation; overflowing features make it inf / inf = NaN.
    """

    def __init__(self, lcs: float = 5.0, strict: bool = False) -> None:
        super().__init__()
        self.efdm, self.lcs = EFDM(strict), lcs

    def forward(self, style_feats: list, style_code, out_content_feats: list, out_style_feats: list, out_code, negatives: list[int]) -> torch.Tensor:
        se, te = style_feats, out_content_feats
        ss, ts = style_feats + [style_code], out_style_feats + [out_code]
        total = None
        for b, nb in enumerate(negatives):
            pos = self._sum(se, te, b, b) + self._sum(ss, ts, b, b)
            neg = self._sum(se, te, nb, b) + self._sum(ss, ts, nb, b)
            total = pos / neg if total is None else total + pos / neg
        assert total is not None, "the contrastive loss needs batch >= 2"
        return self.lcs * total

    def _sum(self, styles: list, trans: list, s: int, t: int) -> torch.Tensor:
        acc = None
        for fs, ft in zip(styles, trans):
            for branch in (0, 1):
                d = self.efdm(fs[branch][s : s + 1], ft[branch][t : t + 1])
                acc = d if acc is None else acc + d
        assert acc is not None
        return acc


@dataclass
class Losses:
    percept: torch.Tensor
    contrast: torch.Tensor

    @property
    def total(self) -> torch.Tensor:
        return self.percept + self.contrast

    def as_floats(self) -> dict[str, float]:
        return {"G_percept": self.percept.item(), "G_contrast": self.contrast.item(), "G_loss": self.total.item()}
