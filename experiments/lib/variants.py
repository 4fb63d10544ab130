"""What a model is built with: the partial-conv formula (`Rule`) and the network around it (`State`).

The researcher's partial conv changed formula several times between 2024-12-01 and 2025-06;
each `Rule` names one of those formulas switch by switch, and each `State` is one snapshot of
the whole network (the note's states A-E, the repository's later F and G, and the fix).
Every layer reads only the switches it cares about, so two models differ in exactly the
switches an experiment flips.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Kernel = Literal["own", "aliased", "realiased"]
MaskGroups = Literal["ones", "inherit"]
Count = Literal["sum", "ceil_per_channel", "round_clamp", "floor_eps"]
Window = Literal["k2", "k2_cin"]
RatioRule = Literal["nvidia", "unbounded", "clamped"]
Update = Literal["clamp", "nonzero", "soft"]
Pad = Literal["reflect", "zeros"]
OctaveMasks = Literal["sum", "h2h", "union"]
Norm = Literal["imagenet", "half"]


@dataclass(frozen=True)
class Rule:
    """How a partial conv turns its input mask into a count, a ratio and an updated mask.

    kernel:
        "own"        the mask is summed by its own all-ones kernel.
        "aliased"    `self.conv_1 = self.conv` + `constant_(conv_1.weight, 1)`: the layer's
                     own weights become ones and the mask is summed by the learned conv.
        "realiased"  the incomplete fix: its own kernel at construction, but `forward` ends
                     with `self.conv_1 = self.conv`, so from the second call on the mask is
                     summed by the learned conv.
    mask_groups:
        "ones"       the mask kernel is never grouped: it sums every input channel (NVIDIA).
        "inherit"    the mask kernel has the layer's `groups` (every commit of the repository),
                     so a grouped layer sums only its own group's channels.
    count:
        what the mask sum becomes before dividing: "sum" as is (the note's era);
        "ceil_per_channel" ceil(sum / C_in) (12-06 15:01, kept in c75d6d6); "round_clamp"
        round(sum) clamped at 0 (64dc22a); "floor_eps" clamped below at 1e-8 (SoftPartConv).
    window:
        the numerator: "k2" = k*k (the note's "window size"), "k2_cin" = C_in * k * k.
    threshold:
        binarise the incoming mask at `> threshold` (the 0.3 of 12-06 11:08), inside the
        conv, i.e. after the octave layer has pooled or upsampled it.
    clamp_mask:
        clamp the incoming mask to [0, 1] first (SoftPartConv).
    ratio:
        "nvidia"     window / (sum + 1e-8) * clamp(sum, 0, 1).
        "unbounded"  window / sum where sum > 0, else 0 (no upper bound: a fractional sum
                     near zero gives a huge ratio).
        "clamped"    window / sum clamped to [0, window] (SoftPartConv).
    update:
        "clamp"      clamp(sum, 0, 1) (NVIDIA); "nonzero" 1 wherever sum != 0, so negative
        sums count as valid; "soft" clamp(sum / window, 0, 1) where sum > 1e-8.
    mask_pad:
        how the mask is padded before it is summed: "reflect" like the features (the
        repository's conv_1 has padding_mode="reflect"), or "zeros" (NVIDIA's own layer).
    clamp_out:
        clamp the output to [-clamp_out, clamp_out] (SoftPartConv's 1.0), or None.
    """

    kernel: Kernel = "own"
    mask_groups: MaskGroups = "ones"
    count: Count = "sum"
    window: Window = "k2_cin"
    threshold: float | None = None
    clamp_mask: bool = False
    ratio: RatioRule = "nvidia"
    update: Update = "clamp"
    mask_pad: Pad = "reflect"
    clamp_out: float | None = None

    def but(self, **changes: object) -> "Rule":
        """A copy with some switches flipped: `NVIDIA.but(mask_groups="inherit")`."""
        return replace(self, **changes)  # type: ignore[arg-type]


# The correct layer (Liu et al. 2018), with the mask padded like the features: with an
# all-ones mask it equals nn.Conv2d everywhere.
NVIDIA = Rule()
# 12-01 ... 12-05 17:36: the aliased kernel, k*k over a sum across all channels, no bound.
NOTE_ALIASED = Rule(kernel="aliased", mask_groups="inherit", count="sum", window="k2", ratio="unbounded", update="nonzero")
# 12-05 17:36 ... 12-06: own kernel, re-aliased at the end of forward; otherwise as above.
NOTE_REALIASED = NOTE_ALIASED.but(kernel="realiased")
# c75d6d6, the note's end: the 0.3 threshold and ceil(sum / C_in), still re-aliased.
C75D6D6 = NOTE_REALIASED.but(count="ceil_per_channel", threshold=0.3)
# 64dc22a, 2025-03: the re-alias removed, window C_in * k * k, round and clamp >= 0.
R64DC22A = C75D6D6.but(kernel="own", count="round_clamp", window="k2_cin")
# SoftPartConv, 2025-06: soft masks, a bounded ratio and a clamped output.
SOFTPARTCONV = Rule(
    kernel="own", mask_groups="inherit", count="floor_eps", window="k2_cin", clamp_mask=True,
    ratio="clamped", update="soft", clamp_out=1.0,
)


@dataclass(frozen=True)
class State:
    """One snapshot of the whole network and its data, as the researcher ran it.

    rule:            the style encoder's partial conv (netE and the decoder are plain).
    octave_masks:    how a PartialOctConv merges its two branches' masks: "sum" (1 -> 2),
                     "h2h" (keep the high-to-high / low-to-low mask), "union" clamp(a + b, 0, 1).
    normalise_masks: the masks went through the image Normalize.
    stages:          encoder depth; 3 = the repository's third stage (netS stride 1, netE
                     stride 2, 8nf wide, groups 128).
    same_stride:     netS's third stage has netE's stride 2 (the fix of the EFDM size mismatch).
    image_norm:      how images are normalised: "imagenet" or "half" ((0.5, 0.5), 2025-06).
    vgg_denorm:      how the VGG loss undoes it (always "imagenet" in the repository).
    shared_crop:     style and mask are cropped together (False: two independent RandomCrops).
    """

    name: str
    title: str
    rule: Rule
    octave_masks: OctaveMasks = "union"
    normalise_masks: bool = False
    stages: int = 2
    same_stride: bool = False
    image_norm: Norm = "imagenet"
    vgg_denorm: Norm = "imagenet"
    shared_crop: bool = True

    def but(self, **changes: object) -> "State":
        return replace(self, **changes)  # type: ignore[arg-type]


A = State("A", "12-01: aliased kernel, summed masks, 2 stages, normalised masks", NOTE_ALIASED, "sum", True, 2, shared_crop=False)
B = A.but(name="B", title="12-03 22:05: as A, style and content encoders 3 stages deep", stages=3)
C = B.but(name="C", title="12-05 21:35: own mask kernel, re-aliased at the end of forward", rule=NOTE_REALIASED)
D = C.but(name="D", title="12-05 23:57: C with the H2H mask kept and masks not normalised", octave_masks="h2h", normalise_masks=False)
E = D.but(name="E", title="c75d6d6, the note's end: 0.3 threshold, ceil(sum / C_in), where(sum != 0)", rule=C75D6D6)
F = E.but(name="F", title="64dc22a, 2025-03: re-alias removed, window C_in*k*k, round and clamp", rule=R64DC22A)
G = F.but(name="G", title="SoftPartConv, 2025-06: soft masks, clamped ratio and output, (0.5, 0.5) images", rule=SOFTPARTCONV, image_norm="half", shared_crop=True)
FIXED = State("fixed", "the fix: NVIDIA's layer, union of octave masks, raw binary masks, shared crops", NVIDIA, "union", False, 2)
FIXED3 = FIXED.but(name="fixed3", title="the fix at 3 stages, netS's third stage at netE's stride 2", stages=3, same_stride=True)

STATES: dict[str, State] = {s.name: s for s in (A, B, C, D, E, F, G, FIXED, FIXED3)}
NOTE_STATES = ("A", "B", "C", "D", "E")
