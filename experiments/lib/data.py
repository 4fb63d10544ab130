"""Seeded inputs, and the data pipeline's transforms: Normalize, Resize (bilinear) and RandomCrop.

Inputs are drawn on the CPU from their own generator and then moved, so the CPU and the GPU
see the same numbers for the same seed. Images are `torch.rand` through ImageNet Normalize
(about -2.1 ... 2.6). Masks are 1 = valid, 0 = hole, replicated to 3 channels like the image.
The training code made its masks soft without meaning to: a binary mask file resized
bilinearly to 512 and cropped to 256 has fractional values along every edge; `pipeline_mask`
does the same to a seeded binary mask.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .variants import Norm

IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
HALF = ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))


def _stats(how: Norm, like: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    mean, std = IMAGENET if how == "imagenet" else HALF
    view = lambda v: torch.tensor(v, dtype=like.dtype, device=like.device).view(1, 3, 1, 1)  # noqa: E731
    return view(mean), view(std)


def normalize(x: torch.Tensor, how: Norm = "imagenet") -> torch.Tensor:
    """torchvision's Normalize on a (B, 3, H, W) tensor in [0, 1]."""
    mean, std = _stats(how, x)
    return (x - mean) / std


def denormalize(x: torch.Tensor, how: Norm = "imagenet") -> torch.Tensor:
    """x * std + mean: what the VGG loss does before its network."""
    mean, std = _stats(how, x)
    return x * std + mean


def raw_images(batch: int, size: int, seed: int, salt: int = 0) -> torch.Tensor:
    """Random images in [0, 1] on the CPU; `salt` tells several draws of one run apart."""
    gen = torch.Generator().manual_seed(seed * 1000 + salt)
    return torch.rand(batch, 3, size, size, generator=gen)


def images(batch: int, size: int, seed: int, device: torch.device, salt: int = 0, how: Norm = "imagenet") -> torch.Tensor:
    """Random images through Normalize."""
    return normalize(raw_images(batch, size, seed, salt), how).to(device)


def disk_mask(batch: int, size: int, device: torch.device, radius: float = 0.25) -> torch.Tensor:
    """1 = valid, 0 = a disk-shaped hole in the middle; 3 channels like the image."""
    r = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    hole = (r[:, None] ** 2 + r[None, :] ** 2) <= (radius * size) ** 2
    return (~hole).float().expand(batch, 3, size, size).contiguous().to(device)


def rect_mask(batch: int, size: int, device: torch.device) -> torch.Tensor:
    """1 = valid, 0 = two rectangular holes; 3 channels."""
    m = torch.ones(batch, 3, size, size)
    q = size // 8
    m[..., 2 * q : 4 * q, q : 5 * q] = 0
    m[..., 5 * q : 7 * q, 4 * q : 7 * q] = 0
    return m.to(device)


def blob_mask(batch: int, size: int, seed: int, salt: int = 0) -> torch.Tensor:
    """A seeded figure-like mask per sample (a few overlapping ellipses = 1) on the CPU.

    The repository's masks mark a figure on a plain ground; what matters for the crop
    experiment is a region of a few tens of percent with long edges, which this has.
    """
    gen = torch.Generator().manual_seed(seed * 1000 + 500 + salt)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    out = torch.zeros(batch, 1, size, size)
    for b in range(batch):
        for _ in range(3):
            cy, cx, ry, rx = (torch.rand(4, generator=gen) * torch.tensor([0.6, 0.6, 0.25, 0.25]) + torch.tensor([0.2, 0.2, 0.1, 0.1])).tolist()
            out[b, 0] = torch.maximum(out[b, 0], ((((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2) <= 1).float())
    return out.expand(batch, 3, size, size).contiguous()


def resize(x: torch.Tensor, size: int) -> torch.Tensor:
    """Resize(size) as the pipeline did it: bilinear (upsampling, so antialiasing plays no part)."""
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)


def crop_offsets(n: int, load: int, crop: int, gen: torch.Generator) -> list[tuple[int, int]]:
    """RandomCrop's top-left corners: uniform over every position that fits."""
    return [tuple(torch.randint(0, load - crop + 1, (2,), generator=gen).tolist()) for _ in range(n)]  # type: ignore[misc]


def crop(x: torch.Tensor, offsets: list[tuple[int, int]], size: int) -> torch.Tensor:
    return torch.stack([x[b, :, i : i + size, j : j + size] for b, (i, j) in enumerate(offsets)])


def quantise(x: torch.Tensor) -> torch.Tensor:
    """8 bits per channel, as a PIL image stores what Resize made."""
    return torch.round(x * 255.0) / 255.0


def pipeline_mask(mask: torch.Tensor, seed: int, crop_size: int | None = None) -> torch.Tensor:
    """A mask through Resize(2 x size, bilinear, 8-bit) and RandomCrop(size): soft along its edges."""
    size = crop_size or mask.shape[-1]
    gen = torch.Generator().manual_seed(seed * 1000 + 900)
    big = quantise(resize(mask, 2 * size))
    return crop(big, crop_offsets(mask.shape[0], 2 * size, size, gen), size)


def soften(mask: torch.Tensor, k: int = 5) -> torch.Tensor:
    """A blurred copy of a mask: values between 0 and 1 near the hole's edge."""
    return F.avg_pool2d(F.pad(mask, (k // 2,) * 4, mode="replicate"), k, stride=1)


def binarise(mask: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Every value becomes 0 or 1."""
    return (mask > threshold).to(mask.dtype)
