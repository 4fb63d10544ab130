"""Independent crops (nobody logged it): the style image and its mask were cropped apart.

The data pipeline (December to March) ran `Resize(512) -> RandomCrop(256)` on the style image
and, in a separate call, on its mask, so each drew its own crop position: the mask the
partial convs saw belonged to another part of the image. From 2025-06 the mask was the
style image's own alpha channel, cropped with it. Measured over many draws of seeded
figure-like masks (and of real pairs with `--images DIR`): the share of mask pixels that are
wrong (the mask at its own crop against the mask at the style's crop, binarised at 0.5), its
distribution, and the fix (one crop position for both): 0.
"""

from __future__ import annotations

import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import binarise, blob_mask, crop, crop_offsets, resize
from experiments.lib.images import ImageError, load_pairs

ID = "independent_crops"
DESCRIPTION = "Independent crops: how much of the mask is wrong when style and mask are cropped apart."
PAIRS, DRAWS = 8, 20  # as the repository's input/ folder: 8 pairs, 20 draws each


def wrong_shares(masks: list[torch.Tensor], crop_size: int, draws: int, seed: int, shared: bool) -> list[float]:
    """Per draw and pair: the share of pixels where the mask's own crop disagrees with the style's."""
    gen = torch.Generator().manual_seed(seed * 1000 + 77)
    load = 2 * crop_size
    shares = []
    for m in masks:
        big = resize(m[None], load)
        for _ in range(draws):
            style_at = crop_offsets(1, load, crop_size, gen)
            mask_at = style_at if shared else crop_offsets(1, load, crop_size, gen)
            truth = binarise(crop(big, style_at, crop_size))[0, 0]
            seen = binarise(crop(big, mask_at, crop_size))[0, 0]
            shares.append(float((truth != seen).float().mean()))
    return shares


def distribution(values: list[float]) -> dict[str, float]:
    v = sorted(values)
    q = lambda p: v[min(len(v) - 1, int(p * len(v)))]  # noqa: E731
    return {"mean": sum(v) / len(v), "min": v[0], "p10": q(0.1), "median": q(0.5), "p90": q(0.9), "max": v[-1], "n": len(v)}


def measure(opts: Options) -> dict:
    crop_size = 64 if opts.quick else 256
    seeded = [m for m in blob_mask(PAIRS, crop_size, opts.seed)]
    result = {
        "seeded": {"independent": distribution(wrong_shares(seeded, crop_size, DRAWS, opts.seed, False)), "shared": distribution(wrong_shares(seeded, crop_size, DRAWS, opts.seed, True))},
        "crop": crop_size,
        "load": 2 * crop_size,
    }
    if opts.images is not None:
        try:
            _, masks, pairs = load_pairs(opts.images)
        except ImageError as exc:
            raise SystemExit(f"python -m experiments.{ID}: error: {exc}") from None
        masks = [resize(m[None], crop_size)[0] for m in masks]  # the files' own size does not matter: Resize(512) first
        result["images"] = {
            "pairs": len(pairs),
            "independent": distribution(wrong_shares(masks, crop_size, DRAWS, opts.seed, False)),
            "shared": distribution(wrong_shares(masks, crop_size, DRAWS, opts.seed, True)),
        }
    for name in ("seeded", "images"):
        if name in result:
            d = result[name]["independent"]
            say(f"{name} masks, independent crops: {100 * d['mean']:.1f}% of mask pixels wrong on average "
                f"({100 * d['min']:.1f}% ... {100 * d['max']:.1f}%, median {100 * d['median']:.1f}%, {d['n']} draws); "
                f"one crop for both: {100 * result[name]['shared']['max']:.1f}%")
    bug = result["seeded"]["independent"]["mean"] > 0.05
    fix = result["seeded"]["shared"]["max"] == 0.0 and result.get("images", {"shared": {"max": 0.0}})["shared"]["max"] == 0.0
    return {"reproduced": bug and fix, **result}


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv, takes=("images",))


if __name__ == "__main__":
    sys.exit(main())
