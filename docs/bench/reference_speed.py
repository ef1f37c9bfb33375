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
            BLAS actually loaded. Deep Defense: not measured (the authors' code is for their MNIST networks).

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
    """The rows of `bench --mode scale` (plain, PGD-AT-10, TRADES with 10 steps, PGD-10) in PyTorch on the ONNX
    weights, batch --batch of seeded synthetic 3x32x32 inputs; Deep Defense not measured (the authors' code
    unrolls DeepFool for their MNIST networks only)."""
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
    t0, c0 = time.time(), cpu()
    body()
    return time.time() - t0, cpu() - c0


def scale_table(args, path, peak):
    model = OnnxNet(path)
    x = torch.rand(args.batch, 3, 32, 32)
    y = torch.randint(0, 10, (args.batch,))
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

    rows = [('plain step', 3, lambda: train_on(lambda: F.cross_entropy(model(x), y))),
            ('PGD-AT step', 3 * k + 3, pgd_at), ('TRADES step', 3 * k + 7, trades), ('PGD-10 attack', 3 * k, pgd)]
    print('\n%s: %.4g G multiply-adds per 3x32x32 image (convolutions and MatMuls of the ONNX graph), batch %d, '
          'load average %s' % (path, macs / 1e9, args.batch, ' '.join('%.2f' % v for v in os.getloadavg())))
    print('| network | row | images | s/step (wall) | CPU s/step | images/s | GFLOP/step | GFLOP/s | % of peak |\n'
          '|---|---|---|---|---|---|---|---|---|')
    rows[0][2]()  # warm-up, untimed
    for name, forwards, body in rows:
        runs, wall, cpu_s = 0, 0.0, 0.0
        while runs == 0 or wall < args.min_seconds:
            w, c = timed(body)
            runs, wall, cpu_s = runs + 1, wall + w, cpu_s + c
        flops = forwards * 2.0 * macs * args.batch
        print('| %s | %s | %d | %.3f | %.3f | %.2f | %.4g | %.4g | %.1f |' % (
            os.path.basename(path), name, args.batch, wall / runs, cpu_s / runs, args.batch * runs / wall, flops / 1e9,
            flops * runs / wall / 1e9, 100 * flops * runs / wall / peak), flush=True)
    print('Deep Defense step: not measured (the authors\' code unrolls DeepFool for their MNIST MLP and LeNet only)')


def trades_objective(model, x, adv, y, beta=6.0):
    """CE(f(x), y) + beta * KL(f(x) || f(x')), the gradient through both forwards (the TRADES reference code)."""
    logits = model(x)
    kl = F.kl_div(F.log_softmax(model(adv), 1), F.softmax(logits, 1), reduction='batchmean')
    return F.cross_entropy(logits, y) + beta * kl


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
    p.add_argument('--arch', choices=['mlp', 'lenet'], default='mlp')
    p.add_argument('--steps', type=int, default=100)
    p.add_argument('--warmup', type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    globals()[args.mode](args)


if __name__ == '__main__':
    main()
