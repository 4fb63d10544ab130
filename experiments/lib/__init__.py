"""The PartialOct network, written for these experiments from the facts in the AesFA and partial-convolution papers.

One idea per module: `variants` (the bug switches), `pconv` (partial convolution), `octave`
(octave and partial-octave convolution), `adaoct` (AdaOctConv), `encoder`, `decoder`,
`vgg` (the frozen stand-in), `losses`, `data` (seeded inputs), `network` (the generator and
a training step), `tracer` (per-layer magnitudes and the first non-finite module) and `cli`
(the command line every experiment shares).
"""
