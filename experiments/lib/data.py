"""Seeded inputs: images through ImageNet Normalize (about -2.1 ... 2.6) and binary masks.

Inputs are drawn on the CPU from their own generator and then moved, so the CPU and the GPU
see the same numbers for the same seed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def normalize(x: torch.Tensor) -> torch.Tensor:
    """ImageNet Normalize on a (B, 3, H, W) tensor in [0, 1]."""
    mean = torch.tensor(MEAN, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def images(batch: int, size: int, seed: int, device: torch.device, salt: int = 0) -> torch.Tensor:
    """Random images in [0, 1] through Normalize; `salt` tells several draws of one run apart."""
    gen = torch.Generator().manual_seed(seed * 1000 + salt)
    return normalize(torch.rand(batch, 3, size, size, generator=gen)).to(device)


def disk_mask(batch: int, size: int, device: torch.device, radius: float = 0.25) -> torch.Tensor:
    """1 = valid, 0 = a disk-shaped hole in the middle; 3 channels like the image."""
    r = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    hole = (r[:, None] ** 2 + r[None, :] ** 2) <= (radius * size) ** 2
    return (~hole).float().expand(batch, 3, size, size).contiguous().to(device)


def rect_mask(batch: int, size: int, device: torch.device) -> torch.Tensor:
    """1 = valid, 0 = two rectangular holes, one per sample position; 3 channels."""
    m = torch.ones(batch, 3, size, size)
    q = size // 8
    m[..., 2 * q : 4 * q, q : 5 * q] = 0
    m[..., 5 * q : 7 * q, 4 * q : 7 * q] = 0
    return m.to(device)


def soften(mask: torch.Tensor, k: int = 5) -> torch.Tensor:
    """A blurred copy of a mask: values between 0 and 1 near the hole's edge."""
    return F.avg_pool2d(F.pad(mask, (k // 2,) * 4, mode="replicate"), k, stride=1)


def binarise(mask: torch.Tensor) -> torch.Tensor:
    """The fix for soft masks: every value becomes 0 or 1."""
    return (mask > 0.5).to(mask.dtype)
