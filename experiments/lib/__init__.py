"""The PartialOct network as the researcher ran it, written for these experiments from the facts
gathered from the papers and from the researcher's repository (none of its code is copied).

One idea per module: `variants` (partial-conv formulas and the note's states), `pconv`
(partial convolution), `octave` (octave and partial-octave convolution), `adaoct`
(AdaOctConv), `encoder`, `decoder`, `vgg` (the frozen stand-in), `losses`, `data` (seeded
inputs and the pipeline's transforms), `images` (real pairs for --images), `network` (the
model and a training step), `training` (a traced run of a state), `tracer` (per-layer
magnitudes and where a non-finite value is born) and `cli` (the command line every
experiment shares).
"""
