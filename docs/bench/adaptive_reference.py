#!/usr/bin/python3
"""An independent reference for docs/adaptive-evaluation.md: the original AutoAttack's APGD (fra31/auto-attack,
autoattack/autopgd_base.py) against the quick start's vanilla MLP with the JPEG transform under BPDA (PIL's JPEG
encoder at quality 75 in the forward pass; in the backward pass the identity, or with --backward dct the
differentiable JPEG of jpeg_approximation.py, Shin & Song 2017; --backward surrogate attacks that differentiable
JPEG in both passes, white-box, and also checks its points on the real JPEG) or the Gaussian-noise transform under
EOT (AutoAttack's `rand` version: eot_iter=20), on the same weights as defense-bench and the first N MNIST test images.

    ./defense-bench export --onnx=/tmp/vanilla_mlp.onnx OUT/models/vanilla-mlp-s0-<hash>
    cd /tmp && /usr/bin/python3 /path/to/checkout/docs/bench/adaptive_reference.py \
        --onnx /tmp/vanilla_mlp.onnx --autoattack /path/to/auto-attack --mnist ~/.defense-bench/data/mnist \
        --transform jpeg|noise [--backward identity|dct|surrogate] [--n 500] [--steps 20]

Prints the robust accuracy at Linf 0.1 after APGD-CE, APGD-DLR and APGD-T (9 targets), each verified with one
forward, and their per-point worst case, for the undefended model (jpeg mode) and the defended one. A developer tool
(python3-torch, python3-pil, numpy, onnx), never a dependency of the harness.
"""
import argparse, io, os, sys
import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument('--onnx', required=True)
p.add_argument('--autoattack', required=True, help='a checkout of fra31/auto-attack')
p.add_argument('--mnist', required=True, help='the folder holding t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte')
p.add_argument('--transform', choices=['jpeg', 'noise'], required=True)
p.add_argument('--n', type=int, default=500)
p.add_argument('--steps', type=int, default=20)
p.add_argument('--quality', type=int, default=75)
p.add_argument('--backward', choices=['identity', 'dct', 'surrogate'], default='identity', help="jpeg's BPDA approximation")
p.add_argument('--sigma', type=float, default=0.3)
args = p.parse_args()
sys.path.insert(0, args.autoattack)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from PIL import Image
from reference_speed import mnist, sequential
from jpeg_approximation import approximate
from autoattack.autopgd_base import APGDAttack, APGDAttack_targeted

torch.manual_seed(0)
x, y = mnist(args.mnist, 'test', args.n)
x = x / 255.
mlp = sequential(args.onnx)


def jpeg(batch):
    out = []
    for image in batch:
        pixels = np.round(np.clip(image[0].numpy(), 0, 1) * 255).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels, 'L').save(buffer, 'JPEG', quality=args.quality)
        buffer.seek(0)
        out.append(torch.from_numpy(np.asarray(Image.open(buffer), dtype=np.float32) / 255.)[None])
    return torch.stack(out)


class Bpda(torch.autograd.Function):
    """JPEG forward, identity backward (Athalye et al. 2018)."""
    @staticmethod
    def forward(ctx, z):
        return jpeg(z.detach())

    @staticmethod
    def backward(ctx, g):
        return g


class Jpeg(nn.Module):
    def forward(self, z):
        if args.backward == 'identity':
            return mlp(Bpda.apply(z))
        if args.backward == 'surrogate':
            return mlp(approximate(z, args.quality))
        g = approximate(z, args.quality)  # BPDA: g(z) + stop(jpeg(z) - g(z)), the approximation's derivative
        return mlp(g + (jpeg(z.detach()) - g).detach())


class Noise(nn.Module):
    def forward(self, z):
        return mlp(torch.clamp(z + args.sigma * torch.randn_like(z), 0, 1))


class Plain(nn.Module):
    def forward(self, z):
        return mlp(z)


models = [('vanilla', Plain(), 1), ('jpeg', Jpeg(), 1)] if args.transform == 'jpeg' else [('noise', Noise(), 20)]
eps = 0.1
for name, model, eot in models:
    with torch.no_grad():
        robust = model(x).argmax(1) == y
    print(name, 'clean %.1f%%' % (100 * robust.float().mean().item()))
    robust_real = robust.clone()
    kw = dict(n_iter=args.steps, norm='Linf', eps=eps, seed=0, device='cpu', eot_iter=eot)
    for label, attack in (('APGD-CE', APGDAttack(model, loss='ce', **kw)),
                          ('APGD-DLR', APGDAttack(model, loss='dlr', **kw)),
                          ('APGD-T', APGDAttack_targeted(model, n_target_classes=9, **kw))):
        adversarial = attack.perturb(x, y)
        with torch.no_grad():
            held = model(adversarial).argmax(1) == y
        print(name, label, '%.1f%%' % (100 * held.float().mean().item()))
        if name == 'jpeg' and args.backward == 'surrogate':
            with torch.no_grad():
                real = mlp(jpeg(adversarial)).argmax(1) == y
            print(name, label, 'the same points on the real JPEG %.1f%%' % (100 * real.float().mean().item()))
            robust_real &= real
        robust &= held
    print(name, 'worst case %.1f%%' % (100 * robust.float().mean().item()))
    if name == 'jpeg' and args.backward == 'surrogate':
        print(name, 'worst case of the same points on the real JPEG %.1f%%' % (100 * robust_real.float().mean().item()))
