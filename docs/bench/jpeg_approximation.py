#!/usr/bin/python3
"""A differentiable approximation of baseline JPEG (Shin & Song 2017, "JPEG-resistant adversarial images";
the BPDA approximation of Athalye, Carlini, Wagner 2018), the reference for the `jpeg` defense's
`approximation` in defense-bench (JpegCompression.java, docs/adaptive-evaluation.md).

Every channel as level-shifted 8-bit values (255 x - 128), its right and bottom edges repeated up to a multiple
of 8 (as libjpeg pads), 8x8 block DCT-II (orthonormal), each coefficient divided by the quantisation table
scaled to the quality (IJG, libjpeg's jpeg_quality_scaling), rounded by the differentiable stand-in
round(c) + (c - round(c))^3, multiplied back, inverse DCT, cropped, shifted back and clamped to [0, 255],
then divided by 255. Three channels go through RGB -> YCbCr (JFIF) with the luminance table on Y and the
chrominance table on Cb and Cr, the chroma subsampled 4:2:0 as libjpeg does by default (PIL and the JDK's
ImageIO alike: 2x2 means, decoded by libjpeg's "fancy" triangle upsampling), and back. Inputs in [0, 1], shape (N, C, H, W), C 1 or 3.

Run as a script, it writes the float64 fixture that DifferentiableJpegTest checks the Java port against:

    cd /tmp && /usr/bin/python3 /path/to/checkout/docs/bench/jpeg_approximation.py \
        /path/to/checkout/defenses/src/test/resources/jpeg/approximation.txt

A developer tool (python3-torch, numpy), never a dependency of the harness.
"""
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

# ITU-T T.81 Annex K, tables K.1 (luminance) and K.2 (chrominance), row-major
LUMINANCE = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
             14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
             49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
CHROMINANCE = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
               47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32


def table(base, quality):
    """libjpeg's jpeg_quality_scaling and jpeg_add_quant_table (baseline: entries clamped to 1..255)."""
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return [min(255, max(1, (t * scale + 50) // 100)) for t in base]


def jdk_table(base, quality):
    """The JDK's JPEG writer's table (ImageIO, what defense-bench's `jpeg` encodes with): IJG's linear quality
    computed in float32, 0.5 / f below f = 0.5 and 2 - 2 f above, each entry (int)(t * scale + 0.5f). It differs
    from libjpeg's integer scaling at some qualities (e.g. 30, 85)."""
    f = np.float32(quality) / np.float32(100)
    scale = np.float32(0.5) / f if f < 0.5 else np.float32(2) - f * np.float32(2)
    return [min(255, max(1, int(np.float32(t) * scale + np.float32(0.5)))) for t in base]


def dct_matrix(dtype):
    """The orthonormal 8-point DCT-II: row k, column n = a(k) cos(pi (2n + 1) k / 16)."""
    c = [[(math.sqrt(1 / 8) if k == 0 else math.sqrt(2 / 8)) * math.cos(math.pi * (2 * n + 1) * k / 16)
          for n in range(8)] for k in range(8)]
    return torch.tensor(c, dtype=dtype)


def soft_round(c):
    """round(c) + (c - round(c))^3: the value of round almost, with a derivative 3 (c - round(c))^2."""
    r = torch.round(c).detach()
    return r + (c - r) ** 3


def compress_plane(plane, q):
    """One channel (N, H, W) of level-shifted values through the block DCT, quantisation and back."""
    n, h, w = plane.shape
    ph, pw = -h % 8, -w % 8
    padded = F.pad(plane[:, None], (0, pw, 0, ph), mode='replicate')[:, 0]
    blocks = padded.reshape(n, (h + ph) // 8, 8, (w + pw) // 8, 8).permute(0, 1, 3, 2, 4)
    d = dct_matrix(plane.dtype)
    q = torch.tensor(q, dtype=plane.dtype).reshape(8, 8)
    coefficients = d @ blocks @ d.T
    restored = d.T @ (soft_round(coefficients / q) * q) @ d
    return restored.permute(0, 1, 3, 2, 4).reshape(n, h + ph, w + pw)[:, :h, :w]


def downsample(plane):
    """4:2:0 as libjpeg's encoder subsamples chroma: edges repeated up to a multiple of 16, 2x2 means."""
    n, h, w = plane.shape
    padded = F.pad(plane[:, None], (0, -w % 16, 0, -h % 16), mode='replicate')[:, 0]
    return F.avg_pool2d(padded[:, None], 2)[:, 0]


def upsample(plane, h, w):
    """libjpeg's decoder's 'fancy' h2v2 upsampling of the first ceil(h/2) x ceil(w/2) samples: each output
    sample 3/4 of its nearest input and 1/4 of the next nearest, along each axis, edges repeated."""
    plane = plane[:, :(h + 1) // 2, :(w + 1) // 2]
    for axis in (1, 2):
        before = torch.cat([plane.narrow(axis, 0, 1), plane.narrow(axis, 0, plane.shape[axis] - 1)], axis)
        after = torch.cat([plane.narrow(axis, 1, plane.shape[axis] - 1), plane.narrow(axis, plane.shape[axis] - 1, 1)], axis)
        pair = torch.stack([0.75 * plane + 0.25 * before, 0.75 * plane + 0.25 * after], axis + 1)
        shape = list(plane.shape)
        shape[axis] *= 2
        plane = pair.reshape(shape)
    return plane[:, :h, :w]


def approximate(x, quality, scaling=table):
    """The approximation of x (N, C, H, W) in [0, 1], C 1 or 3, differentiable; the tables are libjpeg's (PIL)
    or with scaling=jdk_table the JDK's."""
    v = x * 255
    if x.shape[1] == 1:
        return torch.clamp(compress_plane(v[:, 0] - 128, scaling(LUMINANCE, quality)) + 128, 0, 255)[:, None] / 255
    r, g, b = v[:, 0], v[:, 1], v[:, 2]
    h, w = r.shape[1:]
    y = compress_plane(0.299 * r + 0.587 * g + 0.114 * b - 128, scaling(LUMINANCE, quality)) + 128
    cb, cr = [upsample(compress_plane(downsample(p), scaling(CHROMINANCE, quality)), h, w)
              for p in (-0.168735892 * r - 0.331264108 * g + 0.5 * b, 0.5 * r - 0.418687589 * g - 0.081312411 * b)]
    out = torch.stack([y + 1.402 * cr, y - 0.344136286 * cb - 0.714136286 * cr, y + 1.772 * cb], 1)
    return torch.clamp(out, 0, 255) / 255


def fixture(path):
    """Seeded inputs (1 and 3 channels, 10x12: edges padded both ways; a smooth wave reaching beyond [0, 1]
    to be clamped, and uniform noise) and
    their approximations with the JDK's tables at qualities 10, 30 and 75, in float64, one line per array."""
    g = torch.Generator().manual_seed(22)
    with open(path, 'w') as f:
        f.write('# docs/bench/jpeg_approximation.py: quality channels, then the input and the output, '
                'shape (2, C, 10, 12), row-major\n')
        for quality in (10, 30, 75):
            for channels in (1, 3):
                i, j, c = torch.meshgrid(torch.arange(10.), torch.arange(12.), torch.arange(channels + 0.), indexing='ij')
                smooth = (0.5 + 0.6 * torch.sin(0.3 * i + 0.2 * j + c)).permute(2, 0, 1)[None].double()
                noise = torch.rand(1, channels, 10, 12, generator=g, dtype=torch.float64)
                x = torch.cat([smooth, noise])
                y = approximate(x, quality, jdk_table)
                f.write('%d %d\n' % (quality, channels))
                for a in (x, y):
                    f.write(' '.join('%.12g' % float(v) for v in a.flatten()) + '\n')


if __name__ == '__main__':
    fixture(sys.argv[1])
