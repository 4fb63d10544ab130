"""The bug switches: one frozen record says which of the note's mistakes a model carries.

Every layer reads the switches it cares about, so "buggy" and "fixed" models differ in
exactly the switches an experiment flips and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Kernel = Literal["own", "aliased", "realiased"]
Window = Literal["layer", "channel"]
MaskKernel = Literal["ones", "grouped", "grouped_clamped"]
OctaveMasks = Literal["union", "sum", "h2h"]


@dataclass(frozen=True)
class Bugs:
    """Which variant of each part a model is built with; the defaults are the fixes.

    kernel:
        "own"        a separate all-ones mask kernel (a buffer): correct.
        "aliased"    `self.conv_1 = self.conv` + `constant_(conv_1.weight, 1)`: the real
                     conv's weights become ones and the mask is summed by the learned conv.
        "realiased"  the incomplete fix: its own kernel at construction, but `forward` ends
                     with `self.conv_1 = self.conv`, so from the second call on the mask is
                     summed by the learned conv.
    window:
        "layer"      slide_winsize = C_in * k * k, NVIDIA's value for a multi-channel mask.
        "channel"    slide_winsize = k * k, the note's "window size" while the mask kernel
                     still sums all C_in channels (12-06 15:01: "sum_mask is a multiple of
                     in_mask.shape[1]"), so the ratio is 1 / C_in inside.
    mask_kernel:
        "ones"             never grouped: correct.
        "grouped"          inherits the layer's `groups`; the window stays C_in * k * k, so a
                           depthwise layer's ratio is C_in times too large (64 inside, 192 at
                           a border with 3 of 9 pixels valid).
        "grouped_clamped"  inherits `groups` and divides k * k by the count already clamped
                           to [0, 1]: 9 at every valid pixel of a 3x3 layer.
    octave_masks:
        how PartialOctConv merges the two branches' masks: "sum" (the note's bug, 1.0 -> 2.0),
        "h2h" (the note's fix: keep the high-to-high mask), "union" (clamp(a + b, 0, 1)).
    normalise_masks:
        the masks went through the image Normalize with the images.
    """

    kernel: Kernel = "own"
    window: Window = "layer"
    mask_kernel: MaskKernel = "ones"
    octave_masks: OctaveMasks = "union"
    normalise_masks: bool = False

    def but(self, **changes: object) -> "Bugs":
        """A copy with some switches flipped: `FIXED.but(kernel="aliased")`."""
        return replace(self, **changes)  # type: ignore[arg-type]


FIXED = Bugs()
# The style encoder when the note started: the aliased kernel divided by the per-channel
# window, and summed octave masks.
NOTE_ORIGINAL = Bugs(kernel="aliased", window="channel", octave_masks="sum")
# The content encoder at the same time had its own mask kernel: the author's training log
# shows the style encoder with 64 fewer parameters, i.e. no separate kernel. Its per-channel
# window makes its features shrink instead (the note's 0.14, 0.027 on 12-05 16:56).
NOTE_CONTENT = NOTE_ORIGINAL.but(kernel="own")


def content_variant(style: Bugs) -> Bugs:
    """The content encoder that went with a style encoder: the note's, or the same fixes."""
    return NOTE_CONTENT if style == NOTE_ORIGINAL else style
