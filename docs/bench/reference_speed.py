#!/usr/bin/env python3
r"""Times the original Python implementations on the very weights `defense-bench bench` times.

A developer script for the README's "Attack speed" table (never a dependency of defense-bench). Run it
with Debian's python3-torch 1.13 (/usr/bin/python3) right after the matching bench command, on the ONNX
files that `bench --save-onnx DIR` wrote; the original code is fetched into a scratch folder, never
copied into this repository:

  git clone https://github.com/fra31/auto-attack /tmp/auto-attack
  git clone https://github.com/ZiangYan/deepdefense.pytorch /tmp/deepdefense
  ./defense-bench bench --mode attacks --arch mlp,lenet --save-onnx /tmp/bench-onnx
  # Debian's python3-torch links the reference BLAS; OpenBLAS without touching the system:
  apt-get download libopenblas0-openmp && dpkg -x libopenblas0-openmp_*.deb /tmp/openblas
  export LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-openmp
  /usr/bin/python3 docs/bench/reference_speed.py ensemble --onnx /tmp/bench-onnx/robust-mlp.onnx \
      --autoattack /tmp/auto-attack
  /usr/bin/python3 docs/bench/reference_speed.py deepfool --onnx /tmp/bench-onnx/mlp.onnx \
      --deepdefense /tmp/deepdefense --images 10000 --threads 1
  /usr/bin/python3 docs/bench/reference_speed.py pgd --onnx /tmp/bench-onnx/mlp.onnx

Modes:
  ensemble  the original AutoAttack, version 'custom' with --stages (default APGD-CE with 1 restart,
            APGD-T with 9 targets and Square with 5000 queries; FAB-T with 9 targets when listed), --norm
            (Linf) at --eps (0.1), on the first --images test images in one batch (as the bench);
            prints its own per-stage log and the total seconds (wall and CPU).
  deepfool  the Deep Defense authors' DeepFool (their `test()` path: forward_correct on the predicted
            label, 50 iterations, overshoot 0.02, no clipping) on the first --images test images in batches
            of 100; prints rho2 and seconds. Compare with `bench --attacks deepfool --images 10000
            --attack-param clip=false` (defense-bench's default keeps every iterate in the box).
  pgd       PGD-40 l-inf 0.1 (step 2.5 eps / 40, random start, cross-entropy), the textbook loop, on the first
            --batch test images; images/s, as `bench --mode attacks --attacks pgd`.
  step      one Deep Defense training step of the authors' code (their `train()` body: CE backward, DeepFool
            with graph on the correct and on the wrong samples, the exp regularizer, SGD) on batches of 100
            'paper'-preprocessed training images (raw pixels minus the mean image), 5 DeepFool iterations;
            ms per step, as `bench --arch mlp|lenet` (step mode, --save-onnx writes ARCH-step.onnx).
  scale     the rows of `bench --mode scale` (see docs/benchmarks.md, "Real-scale rows") on its ONNX files
            (--onnx, comma-separated; the networks it wrote before their first step): plain, PGD-AT (10 steps
            Linf 8/255, step 2/255) and TRADES (beta 6, 10 steps on the KL term) training steps and PGD-10, at
            --batch on seeded synthetic 3x32x32 inputs, through a node-by-node torch interpreter of the exported
            graph (OnnxNet), with the FLOPs counted from the graph and the fraction of --peak-gflops; notes the
            BLAS actually loaded; then, as in `bench --mode scale`, the Deep Defense step (the paper's regularizer
            with DeepFool unrolled through torch.autograd for any network: `deep_defense_step`; the authors' own
            code unrolls DeepFool for their MNIST MLP and LeNet only) and the original AutoAttack (standard
            version, Linf 8/255, on the first --autoattack-images inputs labelled with the network's own
            predictions). --rows picks rows (default: all six).

Pixels: [0, 1] ('unit', as `bench --mode attacks`) except in `step` ('paper'). MNIST is read from
--data (default ~/.defense-bench/data/mnist, where defense-bench caches it).
"""
import argparse
import os
import resource
import sys
import time
import types

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist(folder, split, n):
    prefix = 't10k' if split == 'test' else 'train'
    x = idx(os.path.join(folder, prefix + '-images-idx3-ubyte'))[:n].astype(np.float32)
    y = idx(os.path.join(folder, prefix + '-labels-idx1-ubyte'))[:n].astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def layers(path):
    """The (kind, weight, bias) of every Linear and Conv of an ONNX file written by OnnxExporter, in order."""
    graph = onnx.load(path).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    out = []
    for node in graph.node:
        if node.op_type == 'MatMul':
            out.append(['linear', init[node.input[1]].T.copy(), None])
        elif node.op_type == 'Gemm':
            out.append(['linear', init[node.input[1]].copy(), init[node.input[2]]])
        elif node.op_type == 'Conv':
            out.append(['conv', init[node.input[1]], init[node.input[2]] if len(node.input) > 2 else None])
        elif node.op_type == 'Add' and node.input[1] in init and out and out[-1][2] is None:
            out[-1][2] = init[node.input[1]].reshape(-1)
    return out, [n.op_type for n in graph.node]


def fill(modules, path):
    """Copies the ONNX file's layers into `modules` (torch Linear/Conv2d, in the network's order)."""
    found, ops = layers(path)
    if len(found) != len(modules):
        sys.exit('%s has %d linear/conv layers (%s), expected %d' % (path, len(found), ops, len(modules)))
    for module, (kind, w, b) in zip(modules, found):
        if tuple(module.weight.shape) != w.shape:
            sys.exit('%s: weight of shape %s, expected %s' % (path, w.shape, tuple(module.weight.shape)))
        module.weight.data.copy_(torch.from_numpy(np.ascontiguousarray(w)))
        module.bias.data.copy_(torch.from_numpy(b))


def sequential(path):
    """The network of the ONNX file as a plain torch model: the MLP 784-500-150-10 or LeNet (no ReLU after the convs)."""
    found, _ = layers(path)
    if found[0][0] == 'linear':
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 500), nn.ReLU(), nn.Linear(500, 150), nn.ReLU(),
                              nn.Linear(150, 10))
    else:
        model = nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
    fill([m for m in model if isinstance(m, (nn.Linear, nn.Conv2d))], path)
    return model.eval()


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def report(what, wall, cpu_s, extra=''):
    print('%s: %.3f s wall, %.3f s CPU (torch %s, %d threads, load average %s)%s' % (
        what, wall, cpu_s, torch.__version__, torch.get_num_threads(), ' '.join('%.2f' % v for v in os.getloadavg()),
        extra), flush=True)


def ensemble(args):
    sys.path.insert(0, args.autoattack)
    from autoattack import AutoAttack
    model = sequential(args.onnx)
    x, y = mnist(args.data, 'test', args.images)
    x = x / 255.0
    with torch.no_grad():
        print('clean accuracy %.3f' % (model(x).argmax(1) == y).float().mean().item())
    stages = args.stages.split(',')
    adversary = AutoAttack(model, norm=args.norm, eps=args.eps, version='custom', device='cpu', seed=0,
                           attacks_to_run=stages)
    adversary.apgd.n_restarts = 1  # as version 'standard' sets it
    adversary.apgd_targeted.n_target_classes = 9
    adversary.fab.n_restarts = 1  # FAB-T as version 'standard' sets it
    adversary.fab.n_target_classes = 9
    adversary.square.n_queries = args.queries
    t0, c0 = time.time(), cpu()
    adversary.run_standard_evaluation(x, y, bs=args.images)
    report('original AutoAttack (%s; square %d queries), %s %g, %d images' % (
        ', '.join(stages), args.queries, args.norm, args.eps, args.images), time.time() - t0, cpu() - c0)


def authors(args, arch, max_iter):
    """The authors' DeepFool module (deepdefense.py) on CPU, with the weights of the ONNX file."""
    sys.path.insert(0, args.deepdefense)
    sys.modules.setdefault('glog', types.SimpleNamespace(info=lambda *a, **k: None))
    scipy = types.ModuleType('scipy')
    scipy.io = types.ModuleType('scipy.io')
    sys.modules.setdefault('scipy', scipy)
    sys.modules.setdefault('scipy.io', scipy.io)
    if not hasattr(np, 'bool'):
        np.bool = bool  # removed in numpy 1.24; the authors' code uses it
    if not hasattr(np, 'int'):
        np.int = int
    # their code calls .cuda() everywhere; on CPU a contiguous tensor stands in for the device copy (which was
    # contiguous in the PyTorch of their time: forward_wrong views a transposed label table)
    torch.Tensor.cuda = lambda self, *a, **k: self.contiguous()
    nn.Module.cuda = lambda self, *a, **k: self
    import deepdefense as dd
    from models import mnist as nets
    nets.MLP.load_weights = lambda self, source=None: None
    nets.LeNet.load_weights = lambda self, source=None: None
    dd.args = argparse.Namespace(max_iter=max_iter, dataset='mnist', arch=arch, lmbd=15.0, c=25.0, d=5.0, batch=100,
                                 train_batch=100, test_batch=100, lr=5e-4, decay=5e-4)
    dd.log = types.SimpleNamespace(info=lambda *a, **k: None)
    model = dd.DeepFool()
    names = ['fc1', 'fc2', 'fc3'] if arch == 'MLP' else ['conv1', 'conv2', 'fc1', 'fc2']
    fill([getattr(model.net, n) for n in names], args.onnx)  # the inverse net shares these parameters
    return dd, model


def deepfool(args):
    dd, model = authors(args, 'MLP', args.max_iter)
    x, y = mnist(args.data, 'test', args.images)
    x = x / 255.0
    model.eval()
    ratios = []
    t0, c0 = time.time(), cpu()
    for start in range(0, args.images, 100):
        # the body of their test(): the image requires grad, DeepFool on the predicted label
        image = x[start:start + 100].clone()
        image.requires_grad = True
        logits = model.net(image)
        pred = logits.data.numpy().argmax(axis=1)
        noise = model.forward_correct(image, label=y[start:start + 100].numpy(), pred=pred, check=False)
        norm = torch.norm(noise, dim=1).data.numpy().flatten()
        ratios.append(norm / torch.norm(image.view(image.size(0), -1), dim=1).data.numpy().flatten())
    report("the authors' DeepFool, %d iterations, %d images" % (args.max_iter, args.images), time.time() - t0,
           cpu() - c0, '; rho2 %.6f' % np.concatenate(ratios).mean())


def pgd(args):
    model = sequential(args.onnx)
    x, y = mnist(args.data, 'test', args.batch)
    x = x / 255.0
    eps, steps = args.eps, 40
    step = 2.5 * eps / steps

    def attack():
        adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
        for _ in range(steps):
            adv.requires_grad_(True)
            loss = F.cross_entropy(model(adv), y)
            grad, = torch.autograd.grad(loss, adv)
            adv = torch.min(torch.max(adv.detach() + step * grad.sign(), x - eps), x + eps).clamp(0, 1)
        return adv

    attack()
    runs, t0, c0 = 0, time.time(), cpu()
    while runs == 0 or time.time() - t0 < args.min_seconds:
        adv = attack()
        runs += 1
    wall = time.time() - t0
    with torch.no_grad():
        robust = (model(adv).argmax(1) == y).float().mean().item()
    report('PGD-40 Linf %.3g, batch %d, %d runs' % (eps, args.batch, runs), wall / runs, (cpu() - c0) / runs,
           '; %.1f images/s, robust accuracy %.3f' % (args.batch * runs / wall, robust))


def step(args):
    arch = args.arch
    dd, model = authors(args, 'MLP' if arch == 'mlp' else 'LeNet', 5)
    train, labels = mnist(args.data, 'train', 60000)
    mean = train.mean(0, keepdim=True)
    n = (args.steps + args.warmup) * 100
    x, y = (train[:n] - mean), labels[:n]
    optimizer = torch.optim.SGD(model.parameters(), lr=5e-4, weight_decay=5e-4, momentum=0.9)
    model.train()
    a = dd.args
    times, cpu_times = [], []
    for index in range(args.steps + args.warmup):
        image = x[index * 100:(index + 1) * 100].clone()
        label = y[index * 100:(index + 1) * 100]
        t0, c0 = time.time(), time.process_time()
        # the body of their train() for train_batch == batch == 100
        optimizer.zero_grad()
        image.requires_grad = True
        out = model.net(image)
        pred = out.data.numpy().argmax(axis=1)
        pos = np.where(pred == label.numpy())[0]
        neg = np.where(pred != label.numpy())[0]
        F.cross_entropy(out, label).backward(retain_graph=True)
        if pos.size > 0:
            img = image.index_select(0, torch.from_numpy(pos))
            noise = model.forward_correct(input_image=img, label=label.numpy()[pos], pred=pred[pos], check=True)
            ratio = torch.norm(noise, dim=1) / torch.norm(img.view(pos.size, -1), dim=1)
            (a.lmbd * torch.exp(-a.c * ratio)).sum().div(100).backward()
        if neg.size > 0:
            img = image.index_select(0, torch.from_numpy(neg))
            noise = model.forward_wrong(input_image=img, label=label.numpy()[neg], pred=pred[neg], check=True)
            ratio = torch.norm(noise, dim=1) / torch.norm(img.view(neg.size, -1), dim=1)
            (a.lmbd * torch.exp(a.d * ratio)).sum().div(100).backward()
        optimizer.step()
        times.append(time.time() - t0)
        cpu_times.append(time.process_time() - c0)
    timed = times[args.warmup:]
    cpu = cpu_times[args.warmup:]
    print("the authors' Deep Defense step, %s, batch 100, 5 DeepFool iterations: %.1f ms per step (process CPU time "
          "%.1f ms) over %d steps (torch %s, %d threads, load average %s)" % (arch, 1000 * sum(timed) / len(timed),
                                                                       1000 * sum(cpu) / len(cpu), len(timed), torch.__version__,
                                                      torch.get_num_threads(),
                                                      ' '.join('%.2f' % v for v in os.getloadavg())), flush=True)


class OnnxNet(nn.Module):
    """Any network OnnxExporter writes (the residual ones included), run node by node with torch's functionals:
    Conv, BatchNormalization (batch statistics and running-statistic updates in train(), the running ones in
    eval(), as nn.BatchNorm2d with momentum 0.1), Relu, Add, Mul, GlobalAveragePool, MaxPool, AveragePool,
    Reshape, MatMul, Identity. The initializers that are weights become parameters (trained by the steps), the
    running statistics buffers. Counts the convolutions' and MatMuls' multiply-adds of the last forward."""

    def __init__(self, path):
        super().__init__()
        graph = onnx.load(path).graph
        self.nodes = list(graph.node)
        self.input, self.output = graph.input[0].name, graph.output[0].name
        init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        self.constants = {}
        self.keys = {}
        params = nn.ParameterDict()
        for node in self.nodes:
            for slot, name in enumerate(node.input):
                if name not in init or name in self.keys:
                    continue
                key = name.replace('.', '_')
                self.keys[name] = key
                tensor = torch.from_numpy(np.array(init[name]))
                if node.op_type == 'Reshape':
                    self.constants[name] = tensor
                elif node.op_type == 'BatchNormalization' and slot >= 3:
                    self.register_buffer(key, tensor.clone())
                else:
                    params[key] = nn.Parameter(tensor.clone())
        self.params = params
        self.multiply_adds = 0

    def value(self, env, name):
        if name in env:
            return env[name]
        if name in self.constants:
            return self.constants[name]
        key = self.keys[name]
        return self.params[key] if key in self.params else getattr(self, key)

    def forward(self, x):
        env = {self.input: x}
        self.multiply_adds = 0
        for node in self.nodes:
            args = [self.value(env, n) for n in node.input]
            env[node.output[0]] = self.run(node, args)
        return env[self.output]

    def run(self, node, args):
        op, a = node.op_type, {at.name: onnx.helper.get_attribute_value(at) for at in node.attribute}
        if op == 'Conv':
            pads = a.get('pads', [0, 0, 0, 0])
            out = F.conv2d(args[0], args[1], args[2] if len(args) > 2 else None, stride=a.get('strides', 1),
                           padding=pads[:2], dilation=a.get('dilations', 1), groups=a.get('group', 1))
            self.multiply_adds += out[0].numel() * args[1][0].numel()
            return out
        if op == 'BatchNormalization':
            return F.batch_norm(args[0], args[3], args[4], args[1], args[2], training=self.training, momentum=0.1,
                                eps=a.get('epsilon', 1e-5))
        if op == 'MatMul':
            self.multiply_adds += args[0][0].numel() * args[1].shape[1]
            return args[0].matmul(args[1])
        if op in ('MaxPool', 'AveragePool'):
            pads = a.get('pads', [0, 0, 0, 0])
            pool = F.max_pool2d if op == 'MaxPool' else F.avg_pool2d
            return pool(args[0], a['kernel_shape'], a.get('strides'), pads[:2], ceil_mode=bool(a.get('ceil_mode', 0)))
        simple = {'Relu': F.relu, 'Identity': lambda t: t, 'Add': torch.add, 'Mul': torch.mul,
                  'GlobalAveragePool': lambda t: t.mean((2, 3), keepdim=True),
                  'Reshape': lambda t, shape: t.reshape(t.shape[0], -1) if list(shape) == [0, -1] else t.reshape(*shape)}
        if op not in simple:
            sys.exit('scale: ONNX operator %s (node %s) is not supported' % (op, node.name))
        return simple[op](*args)


def linf_pgd(model, x, objective, eps, steps, step_size, start):
    """The textbook l-inf PGD: `steps` signed-gradient ascents of objective(logits) from `start`, projected on the
    eps-ball and [0, 1]."""
    adv = start.clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        grad, = torch.autograd.grad(objective(model(adv)), adv)
        adv = torch.min(torch.max(adv.detach() + step_size * grad.sign(), x - eps), x + eps).clamp(0, 1)
    return adv.detach()


def scale(args):
    """The rows of `bench --mode scale` (plain, PGD-AT-10, TRADES with 10 steps, Deep Defense, PGD-10, AutoAttack)
    in PyTorch on the ONNX weights, batch --batch of seeded synthetic 3x32x32 inputs."""
    config = torch.__config__.show()
    kept = [w.strip(' ,') for w in config.replace('\n', ',').split(',')
            if any(k in w for k in ('BLAS_INFO', 'LAPACK_INFO', 'USE_MKLDNN', 'MKL-DNN', 'OpenMP '))]
    with open('/proc/self/maps') as maps:  # the BLAS actually loaded (LD_LIBRARY_PATH may swap in OpenBLAS)
        loaded = sorted({l.split()[-1] for l in maps if 'blas' in l.lower() and l.split()[-1].startswith('/')})
    print('torch %s, %d threads; BLAS and kernels (torch.__config__.show()): %s; BLAS loaded: %s' % (
        torch.__version__, torch.get_num_threads(), '; '.join(kept), ', '.join(loaded) or 'none found'))
    a, b = torch.rand(args.peak_size, args.peak_size), torch.rand(args.peak_size, args.peak_size)
    best = min(timed(lambda: a.matmul(b))[0] for _ in range(4))
    print('This torch\'s float32 matrix product: %.1f GFLOP/s (%dx%d, best of 4: %.3f s), load average %s' % (
        2.0 * args.peak_size ** 3 / best / 1e9, args.peak_size, args.peak_size, best,
        ' '.join('%.2f' % v for v in os.getloadavg())))
    peak = 1e9 * args.peak_gflops if args.peak_gflops else 2.0 * args.peak_size ** 3 / best
    print('%% of peak below: of %.1f GFLOP/s (%s)' % (peak / 1e9, 'given: --peak-gflops, the bench\'s measured peak'
                                                    if args.peak_gflops else 'this torch\'s product'))
    for path in args.onnx.split(','):
        scale_table(args, path, peak)


def timed(body):
    """(wall seconds, process CPU seconds, what body returned) of one call of body."""
    t0, c0 = time.time(), cpu()
    said = body()
    return time.time() - t0, cpu() - c0, said


def scale_table(args, path, peak):
    model = OnnxNet(path)
    x, y, source = scale_batch(args, path)
    with torch.no_grad():
        model.eval()(x[:1])
    macs = model.multiply_adds
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    eps, alpha, k = 8 / 255, 2 / 255, 10

    def train_on(loss_of):
        model.train()
        optimizer.zero_grad()
        loss_of().backward()
        optimizer.step()

    def pgd_at():
        model.eval()
        adv = linf_pgd(model, x, lambda z: F.cross_entropy(z, y, reduction='sum'), eps, k, alpha,
                       x + torch.empty_like(x).uniform_(-eps, eps))
        train_on(lambda: F.cross_entropy(model(adv), y))

    def trades():
        model.eval()
        with torch.no_grad():
            clean = F.softmax(model(x), 1)
        kl = lambda z: F.kl_div(F.log_softmax(z, 1), clean, reduction='sum')
        adv = linf_pgd(model, x, kl, eps, k, alpha, x + torch.empty_like(x).uniform_(-eps, eps))
        model.train()
        train_on(lambda: trades_objective(model, x, adv, y))

    def pgd():
        model.eval()
        linf_pgd(model, x, lambda z: F.cross_entropy(z, y, reduction='sum'), eps, k, alpha,
                 x + torch.empty_like(x).uniform_(-eps, eps))

    def deep_defense():
        model.train()
        optimizer.zero_grad()
        total, terms = deep_defense_objective(model, x, y)
        total.backward()
        optimizer.step()
        return 'last step\'s loss terms: total %.6g, ce %.6g, reg %.6g, rho %.6g' % (total.item(), *terms)

    def autoattack():
        model.eval()
        return original_autoattack(args, model, x[:args.autoattack_images])

    # (--rows name, label, forward passes of the batch per step as ScaleRow counts them (None: not counted), body)
    rows = [('plain', 'plain step', 3, lambda: train_on(lambda: F.cross_entropy(model(x), y))),
            ('pgd-at', 'PGD-AT step', 3 * k + 3, pgd_at), ('trades', 'TRADES step', 3 * k + 7, trades),
            ('deep-defense', 'Deep Defense step', 3 + DEEPFOOL_ITERATIONS * (2 * CANDIDATES + 7), deep_defense),
            ('pgd', 'PGD-10 attack', 3 * k, pgd), ('autoattack', 'AutoAttack', None, autoattack)]
    chosen = args.rows.split(',')
    unknown = [r for r in chosen if r not in [row[0] for row in rows]]
    if unknown:
        sys.exit('scale: unknown --rows %s; known: %s' % (','.join(unknown), ','.join(row[0] for row in rows)))
    rows = [row for row in rows if row[0] in chosen]
    args.batch = len(x)
    print('\n%s: %.4g G multiply-adds per 3x32x32 image (convolutions and MatMuls of the ONNX graph), batch %d (%s), '
          'load average %s' % (path, macs / 1e9, args.batch, source, ' '.join('%.2f' % v for v in os.getloadavg())))
    print('| network | row | images | s/step (wall) | CPU s/step | images/s | GFLOP/step | GFLOP/s | % of peak |\n'
          '|---|---|---|---|---|---|---|---|---|')
    train_on(lambda: F.cross_entropy(model(x), y))  # warm-up, untimed
    for _, name, forwards, body in rows:
        runs, wall, cpu_s, said = 0, 0.0, 0.0, None
        while runs == 0 or wall < args.min_seconds:
            w, c, said = timed(body)
            runs, wall, cpu_s = runs + 1, wall + w, cpu_s + c
        images = args.batch if forwards is not None else min(args.autoattack_images, args.batch)
        if forwards is None:
            print('| %s | %s | %d | %.3f | %.3f | %.2f | not counted | not counted | not counted |' % (
                os.path.basename(path), name, images, wall / runs, cpu_s / runs, images * runs / wall), flush=True)
        else:
            flops = forwards * 2.0 * macs * images
            print('| %s | %s | %d | %.3f | %.3f | %.2f | %.4g | %.4g | %.1f |' % (
                os.path.basename(path), name, images, wall / runs, cpu_s / runs, images * runs / wall, flops / 1e9,
                flops * runs / wall / 1e9, 100 * flops * runs / wall / peak), flush=True)
        if said:
            print('  %s, %s' % (name, said), flush=True)


def scale_batch(args, path):
    """The batch `bench --mode scale --save-onnx` wrote beside the network (NAME-inputs.f32, NAME-labels.i64: raw
    little-endian), so that both sides run on the same points; seeded random inputs of --batch when there is none."""
    stem = path[:-len('.onnx')] if path.endswith('.onnx') else path
    if not os.path.exists(stem + '-inputs.f32'):
        return torch.rand(args.batch, 3, 32, 32), torch.randint(0, 10, (args.batch,)), 'seeded random inputs'
    x = np.fromfile(stem + '-inputs.f32', dtype='<f4')
    y = np.fromfile(stem + '-labels.i64', dtype='<i8')
    if x.size != y.size * 3 * 32 * 32:
        sys.exit('scale: %s-inputs.f32 holds %d floats, not %d labels x 3x32x32' % (stem, x.size, y.size))
    return (torch.from_numpy(x.reshape(-1, 3, 32, 32).copy()), torch.from_numpy(y.copy()),
            'the batch bench wrote: %s-inputs.f32' % os.path.basename(stem))


def trades_objective(model, x, adv, y, beta=6.0):
    """CE(f(x), y) + beta * KL(f(x) || f(x')), the gradient through both forwards (the TRADES reference code)."""
    logits = model(x)
    kl = F.kl_div(F.log_softmax(model(adv), 1), F.softmax(logits, 1), reduction='batchmean')
    return F.cross_entropy(logits, y) + beta * kl


DEEPFOOL_ITERATIONS, CANDIDATES, OVERSHOOT, TINY = 5, 10, 0.02, 1e-12


def deep_defense_objective(model, x, y, lmbd=15.0, c=25.0, d=5.0):
    """Deep Defense's loss on a batch, as `bench --mode scale` computes it: the cross-entropy in train() mode, then
    the regularizer (lmbd / B) * [sum over correct exp(-c * rho) + sum over wrong exp(d * rho)], rho = |dx| / |x|,
    with dx from DeepFool unrolled in eval() mode with its graph (`deepfool_unroll`); returns (the loss, (its
    cross-entropy, regularizer and mean rho), the terms `bench --mode scale` prints)."""
    model.train()
    ce = F.cross_entropy(model(x), y)
    model.eval()
    perturbation, correct = deepfool_unroll(model, x, y)
    rho = perturbation.flatten(1).norm(dim=1) / (x.flatten(1).norm(dim=1) + 1e-12)
    exponent = torch.where(correct, -c * rho, d * rho)
    model.train()
    reg = exponent.exp().sum() * (lmbd / x.shape[0])
    return ce + reg, (ce.item(), reg.item(), rho.mean().item())


def deepfool_unroll(model, x, y):
    """DeepFool (L2, no box) unrolled with its graph, the same steps as defense-bench's `DeepFool.unroll` for Deep
    Defense, written with torch.autograd for any network: each iteration on the samples still active, one forward
    pass, the CANDIDATES - 1 gradients of the candidate logit differences without a graph (only to pick the nearest
    boundary), the chosen difference's gradient again with a graph, the step |f| / |w|^2 w. A correctly classified
    sample moves from its predicted class towards its CANDIDATES - 1 next top-scoring classes at the clean input; a
    misclassified one from its current prediction towards its true label. Returns ((1 + overshoot) * sum of steps,
    shaped like x; whether each sample was classified correctly)."""
    batch, shape = x.shape[0], x.shape[1:]
    start = x.reshape(batch, -1).detach().requires_grad_(True)
    total = torch.zeros_like(start)
    active = torch.arange(batch)
    table = correct = None
    for _ in range(DEEPFOOL_ITERATIONS):
        if len(active) == 0:
            break
        point = start[active] + total[active]
        logits = model(point.reshape(len(active), *shape))
        if table is None:
            table = logits.detach().argsort(1, descending=True)[:, :CANDIDATES]
            correct = table[:, 0] == y
        classes, blocked = table[active].clone(), torch.zeros(len(active), CANDIDATES, dtype=torch.bool)
        blocked[:, 0] = True
        wrong = ~correct[active]
        classes[wrong] = y[active][wrong].unsqueeze(1).expand(-1, CANDIDATES)
        classes[wrong, 0] = logits.detach().argmax(1)[wrong]
        blocked[wrong] = True
        blocked[wrong, 1] = False
        z = logits.gather(1, classes)
        differences = z[:, 1:] - z[:, :1]
        w = torch.stack([torch.autograd.grad(differences[:, k].sum(), point, retain_graph=True)[0]
                         for k in range(CANDIDATES - 1)])
        dual = (w.square().sum(2) + TINY).sqrt()
        ratio = (differences.detach().abs() / dual.t()).double() + blocked[:, 1:].double() * 1e300
        chosen = ratio.argmin(1)
        f = differences.gather(1, chosen.unsqueeze(1)).squeeze(1)
        w_star, = torch.autograd.grad(f.sum(), point, create_graph=True)
        step = w_star * (f.abs() / (w_star.square().sum(1) + TINY)).unsqueeze(1)
        total = total.index_add(0, active, step)
        with torch.no_grad():
            now = model((start[active] + total[active] * (1 + OVERSHOOT)).reshape(len(active), *shape)).argmax(1)
        done = torch.where(correct[active], now != table[active, 0], now == y[active])
        active = active[~done]
    return (total * (1 + OVERSHOOT)).reshape(x.shape), correct


def original_autoattack(args, model, x):
    """The original AutoAttack, version 'standard', Linf 8/255, on x labelled with the model's own predictions (as
    `bench --mode scale`'s AutoAttack row); prints its per-stage log."""
    sys.path.insert(0, args.autoattack)
    from autoattack import AutoAttack
    with torch.no_grad():
        labels = model(x).argmax(1)
    adversary = AutoAttack(model, norm='Linf', eps=8 / 255, version='standard', device='cpu', seed=0)
    adversary.run_standard_evaluation(x, labels, bs=len(x))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('mode', choices=['ensemble', 'deepfool', 'pgd', 'step', 'scale'])
    p.add_argument('--onnx', required=True, help='a network written by bench --save-onnx (scale: several, '
                   'comma-separated)')
    p.add_argument('--data', default=os.path.expanduser('~/.defense-bench/data/mnist'))
    p.add_argument('--autoattack', default='/tmp/auto-attack', help='a checkout of fra31/auto-attack')
    p.add_argument('--deepdefense', default='/tmp/deepdefense', help='a checkout of ZiangYan/deepdefense.pytorch')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--images', type=int, default=1000)
    p.add_argument('--batch', type=int, default=100)
    p.add_argument('--eps', type=float, default=0.1)
    p.add_argument('--queries', type=int, default=5000)
    p.add_argument('--stages', default='apgd-ce,apgd-t,square',
                   help='ensemble: the AutoAttack stages, comma-separated (standard: apgd-ce,apgd-t,fab-t,square)')
    p.add_argument('--norm', choices=['Linf', 'L2'], default='Linf', help='ensemble: the norm of --eps')
    p.add_argument('--max-iter', type=int, default=50)
    p.add_argument('--min-seconds', type=float, default=3, help='pgd: least measured seconds (scale: per row; '
                   'pass 0 to time each row once, as bench --mode scale does)')
    p.add_argument('--peak-size', type=int, default=4096, help='scale: n of the n x n products timing the peak')
    p.add_argument('--peak-gflops', type=float, help="scale: the machine's peak (GFLOP/s) that the rows' fractions are "
                   "of: the one bench --mode scale measured (default: this torch's own matrix product)")
    p.add_argument('--rows', default='plain,pgd-at,trades,deep-defense,pgd,autoattack',
                   help='scale: the rows, comma-separated (as bench --scale-rows)')
    p.add_argument('--autoattack-images', type=int, default=8, help='scale: images of the AutoAttack row, in one '
                   'batch (as bench --autoattack-images)')
    p.add_argument('--arch', choices=['mlp', 'lenet'], default='mlp')
    p.add_argument('--steps', type=int, default=100)
    p.add_argument('--warmup', type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    globals()[args.mode](args)


if __name__ == '__main__':
    main()
