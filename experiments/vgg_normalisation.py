"""VGG normalisation mismatch (nobody logged it): images normalised with 0.5, de-normalised with ImageNet's statistics.

From 2025-06 the data pipeline normalised images with mean 0.5, std 0.5, while the
perceptual loss still undid ImageNet's Normalize (x * std + mean) before its VGG. The VGG
then sees every image squeezed into mean +- std (about 0.26 ... 0.71 for red) instead of
0 ... 1. Measured on seeded images and the VGG stand-in: the range the VGG receives, the
relative error of each tapped feature map, and of the perceptual loss between two images;
the fix (de-normalise with the statistics used) recovers the images exactly.
"""

from __future__ import annotations

import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import denormalize, normalize, raw_images
from experiments.lib.losses import PerceptualLoss
from experiments.lib.scale import scale_of
from experiments.lib.vgg import VGGStandIn

ID = "vgg_normalisation"
DESCRIPTION = "VGG loss de-normalising (0.5, 0.5) images with ImageNet statistics: what the VGG sees, and the fix."


def measure(opts: Options) -> dict:
    s = scale_of(opts)
    raw = raw_images(s.batch, s.size, opts.seed, 1).to(opts.device)
    other = raw_images(s.batch, s.size, opts.seed, 2).to(opts.device)
    data = normalize(raw, "half")  # what the 2025-06 pipeline fed the network
    seen = {"imagenet": denormalize(data, "imagenet"), "half": denormalize(data, "half")}
    vgg = VGGStandIn(opts.seed, s.vgg_width).to(opts.device)
    with torch.no_grad():
        truth = vgg(raw)
        feats = {k: vgg(v) for k, v in seen.items()}
        errors = {k: [float((a - b).norm() / b.norm()) for a, b in zip(f, truth)] for k, f in feats.items()}
        loss = {}
        for how in ("imagenet", "half"):
            value, _ = PerceptualLoss(vgg, how)(normalize(other, "half"), data, data)
            loss[how] = float(value)
        correct, _ = PerceptualLoss(vgg, "imagenet")(normalize(other), normalize(raw), normalize(raw))
    ranges = {k: [[float(v[:, c].min()), float(v[:, c].max())] for c in range(3)] for k, v in seen.items()}
    recovered = float((seen["half"] - raw).abs().max())
    say(
        "what the VGG receives, per channel (min, max): ImageNet de-normalisation " + ", ".join(f"({lo:.2f}, {hi:.2f})" for lo, hi in ranges["imagenet"])
        + f"; matching de-normalisation: back to the images (max error {recovered:.2g})",
        "relative error of relu1_1 ... relu4_1: mismatched " + ", ".join(f"{e:.2f}" for e in errors["imagenet"]) + "; matched " + ", ".join(f"{e:.2g}" for e in errors["half"]),
        f"perceptual loss of the same pair: mismatched {loss['imagenet']:.4g}, matched {loss['half']:.4g} (ImageNet-normalised data, matched: {float(correct):.4g})",
    )
    return {
        "reproduced": min(errors["imagenet"]) > 0.1 and max(errors["half"]) < 1e-4 and recovered < 1e-5,
        "vgg_input_range": ranges,
        "feature_relative_error": errors,
        "perceptual_loss": {**loss, "imagenet_data_matched": float(correct)},
        "size": s.size,
        "batch": s.batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
