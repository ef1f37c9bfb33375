"""Does javax.imageio decode JPEG files to the same pixels as Pillow (torchvision's loader)?

Writes three 375x500 JPEGs with Pillow (quality 90 and 75 with 4:2:0 chroma subsampling, 95 with 4:4:4), decodes
each with ImageIO (Decode.java, run by `java Decode.java`) and with Pillow, and prints the largest and mean absolute
difference. Run from an empty directory with Debian's python3-pil and a JDK 17 on the PATH:

    /usr/bin/python3 /path/to/docs/bench/jpeg-decoding/compare.py /path/to/docs/bench/jpeg-decoding/Decode.java
"""
import subprocess
import sys

import numpy as np
from PIL import Image

rng = np.random.default_rng(3)
h, w = 375, 500
y, x = np.mgrid[0:h, 0:w]
pixels = np.stack([128 + 100 * np.sin(x / 40.0 + c) * np.cos(y / 55.0 - c) for c in range(3)], -1)
pixels = np.clip(pixels + rng.normal(0, 12, (h, w, 3)), 0, 255).astype(np.uint8)
for quality, subsampling in [(90, 2), (75, 2), (95, 0)]:
    name = "q%ds%d" % (quality, subsampling)
    Image.fromarray(pixels).save(name + ".jpg", quality=quality, subsampling=subsampling)
    subprocess.run(["java", sys.argv[1], name + ".jpg", name + ".raw"], check=True)
    pil = np.asarray(Image.open(name + ".jpg").convert("RGB")).astype(int)
    imageio = np.fromfile(name + ".raw", dtype=np.uint8).reshape(pil.shape).astype(int)
    d = np.abs(pil - imageio)
    print("%s: max |difference| %d, mean %.4f, share of values differing %.4f (Pillow %s)"
          % (name, d.max(), d.mean(), (d > 0).mean(), Image.__version__))
