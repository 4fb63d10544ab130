"""Real style / mask pairs from a folder, for `--images DIR` (never required).

The folder holds `styles/` and `masks/`, paired in sorted order as the training code paired
them; a checkout of the researcher's repository works as it is (`input/styles/dunhuang` with
`input/masks/main`). PNG files are read with the standard library; JPEG and other formats
need Pillow (`pip install pillow`), and without it they are reported, not guessed at.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import torch

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
LAYOUTS = (("styles", "masks"), ("input/styles/dunhuang", "input/masks/main"))


class ImageError(ValueError):
    """A folder or file that cannot be used; the message names it."""


@dataclass(frozen=True)
class Pair:
    style: Path
    mask: Path


def find_pairs(folder: Path) -> list[Pair]:
    for styles, masks in LAYOUTS:
        s, m = folder / styles, folder / masks
        if s.is_dir() and m.is_dir():
            style_files, mask_files = _images(s), _images(m)
            if not style_files:
                raise ImageError(f"{s}: no images ({', '.join(SUFFIXES)})")
            if len(style_files) != len(mask_files):
                raise ImageError(f"{folder}: {len(style_files)} styles in {styles}/ but {len(mask_files)} masks in {masks}/")
            return [Pair(a, b) for a, b in zip(style_files, mask_files)]
    raise ImageError(f"{folder}: expected styles/ and masks/ folders (or a checkout of the researcher's repository)")


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())


def load(path: Path) -> torch.Tensor:
    """An image as a (3, H, W) float tensor in [0, 1] (grey replicated; alpha dropped)."""
    if path.suffix.lower() == ".png":
        try:
            return _png(path.read_bytes())
        except ImageError as exc:
            if "Pillow" not in str(exc):
                raise ImageError(f"{path}: {exc}") from None
    return _with_pillow(path)


def _with_pillow(path: Path) -> torch.Tensor:
    try:
        from PIL import Image
    except ImportError:
        raise ImageError(f"{path}: reading {path.suffix} files needs Pillow (pip install pillow)") from None
    try:
        with Image.open(path) as im:
            rgb = im.convert("RGB")
            w, h = rgb.size
            data = rgb.tobytes()
    except OSError as exc:
        raise ImageError(f"{path}: {exc}") from None
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(h, w, 3).permute(2, 0, 1).float() / 255.0


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def _png(data: bytes) -> torch.Tensor:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ImageError("not a PNG file")
    pos, idat, header = 8, bytearray(), None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ImageError("PNG without a header")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise ImageError("only 8-bit, non-interlaced grey / RGB / RGBA PNGs are read without Pillow")
    ch = _CHANNELS[colour]
    raw = zlib.decompress(bytes(idat))
    stride = width * ch
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        _unfilter(kind, line, prev, ch)
        rows.append(bytes(line))
        prev = line
    pixels = torch.frombuffer(bytearray(b"".join(rows)), dtype=torch.uint8).reshape(height, width, ch).float() / 255.0
    rgb = pixels[..., :1].expand(height, width, 3) if ch <= 2 else pixels[..., :3]
    return rgb.permute(2, 0, 1).contiguous()


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    if kind == 0:
        return
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        if kind == 1:
            line[i] = (line[i] + a) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + b) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 0xFF
        elif kind == 4:
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            raise ImageError(f"unknown PNG filter {kind}")


def write_png(path: Path, image: torch.Tensor) -> None:
    """A (3, H, W) tensor in [0, 1] as an 8-bit RGB PNG (for tests and for saving masks)."""
    rgb = (image.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous()
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + bytes(rgb[y].flatten().tolist()) for y in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def load_pairs(folder: Path) -> tuple[list[torch.Tensor], list[torch.Tensor], list[Pair]]:
    """Every pair's style and mask as (3, H, W) tensors in [0, 1], masks as stored (soft)."""
    pairs = find_pairs(folder)
    return [load(p.style) for p in pairs], [load(p.mask) for p in pairs], pairs


def pipeline_pairs(folder: Path, n: int, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The first `n` pairs as the data pipeline made them, at `size`: (styles, masks), (n, 3, size, size).

    Each file is resized bilinearly to 2 x size (the pipeline's Resize(512) before its
    RandomCrop(256)) and the centre cropped, the same window for the style and its mask so the
    figures do not depend on crop draws; masks are kept soft at 8 bits, as a PIL image stores
    them. Styles are in [0, 1] (not yet normalised). Fewer than `n` pairs: an ImageError.
    """
    import torch.nn.functional as F

    styles, masks, pairs = load_pairs(folder)
    if len(pairs) < n:
        raise ImageError(f"{folder}: {len(pairs)} style / mask pairs, the batch needs {n}")
    lo = size // 2

    def big(t: torch.Tensor) -> torch.Tensor:
        return F.interpolate(t[None], size=(2 * size, 2 * size), mode="bilinear", align_corners=False)[0, :, lo : lo + size, lo : lo + size]

    return torch.stack([big(t) for t in styles[:n]]), torch.stack([torch.round(big(t) * 255) / 255 for t in masks[:n]])
