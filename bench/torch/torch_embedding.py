#!/usr/bin/env python3
"""PyTorch side of `npm run bench -- embedding`: full-size ResNet18 and ConvNeXt-tiny with random weights, served.

    /usr/bin/python3 bench/torch/torch_embedding.py OUT_DIR --models resnet18,convnext_tiny --batch 8 --size 224

Needs only Debian's python3-torch (no torchvision, no timm, no onnx package). For each model it builds the
architecture in plain PyTorch (torchvision's ResNet18, timm's / torchvision's ConvNeXt-tiny: same layers, sizes and
order of operations), seeded random weights (ConvNeXt's layer scale and LayerNorm affine drawn away from their
1e-6 / 1 / 0 initial values, as in a trained model, so that every branch shows in the outputs), and exports:

- OUT_DIR/<model>.onnx: the model as written (input `pixel_values` [N, 3, S, S] NCHW, ImageNet-normalised; output
  `embedding` [N, D], global average pooled; dynamic batch axis; opset 17, LayerNormalization as one node);
- for ConvNeXt-tiny also OUT_DIR/convnext_tiny_cf.onnx: the same function rewritten channels-first for export
  (`ConvNextChannelsFirst`): each block's pointwise Linear layers become 1x1 convolutions, its LayerNorm (over
  channels) is computed on the NCHW tensor and its affine folded into the first 1x1 convolution, the layer scale into
  the second, so no permutes remain and onnxruntime runs the MLP as NCHWc convolutions (faster on CPU than its
  MatMul on the permuted tensor). Same outputs up to float32 rounding: the Node side checks both files against the
  stock model's outputs (OUT_DIR/<model>.check.bin).

Then it prints one JSON line {"torch", "blas", "onnx": {name: path}, "check": {name: path}, "D": {model: D}} and
serves timing requests, one JSON line each on stdin, one JSON line answered on stdout:

- {"prepare": model, "threads": n}: torch.set_num_threads(n) and, when PyTorch calls OpenBLAS (Debian's build),
  openblas_set_num_threads(n) as well (OpenBLAS keeps its own pthreads, one per core, whatever torch's setting:
  without this, "1 thread" used both cores in the GEMMs and "2 threads" oversubscribed them); then the stock model in
  eval mode under no_grad, contiguous and channels_last, one warm-up and two timed forward passes each of one random
  [batch, 3, S, S] batch, and keeps the faster memory format. Answers {"format", "ms": {format: best ms}}.
- {"run": true}: one timed forward pass of the prepared model and format. Answers {"ms", "cpu_ms"} (wall time, and
  the process CPU time: at one thread, the compute time without the time other processes held the core).

The Node side (bench/suites/onnxVsTorch.ts) alternates these runs with onnxruntime's, so both see the same load. It
also starts a second server with --no-export (same seeded models, nothing written) under OMP_WAIT_POLICY=PASSIVE and
keeps, per model and thread count above 1, whichever of the two is faster.
"""
import argparse
import ctypes
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.down is None else self.down(x)))


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            blocks += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(self.stem(x)).mean(dim=(2, 3))


class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps).permute(0, 3, 1, 2)


class ConvNextBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.full((dim,), 1e-6))

    def forward(self, x):
        y = self.conv_dw(x).permute(0, 2, 3, 1)
        y = self.fc2(F.gelu(self.fc1(self.norm(y)))) * self.gamma
        return x + y.permute(0, 3, 1, 2)


class ConvNextTiny(nn.Module):
    def __init__(self, depths=(3, 3, 9, 3), dims=(96, 192, 384, 768)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, dims[0], 4, 4), LayerNorm2d(dims[0], eps=1e-6))
        stages = []
        for i, (depth, dim) in enumerate(zip(depths, dims)):
            down = nn.Identity() if i == 0 else nn.Sequential(LayerNorm2d(dims[i - 1], eps=1e-6), nn.Conv2d(dims[i - 1], dim, 2, 2))
            stages.append(nn.Sequential(down, *[ConvNextBlock(dim) for _ in range(depth)]))
        self.stages = nn.Sequential(*stages)
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)

    def forward(self, x):
        return self.norm(self.stages(self.stem(x)).mean(dim=(2, 3)))


def randomise_layer_scale(model):
    """Layer scale and LayerNorm affine away from their initial 1e-6 / 1 / 0 (trained models have ~0.1-1 scales)."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, ConvNextBlock):
                mod.gamma.copy_(0.05 + 0.45 * torch.rand(mod.gamma.shape, generator=g))
            if isinstance(mod, nn.LayerNorm):
                mod.weight.copy_(1 + 0.1 * torch.randn(mod.weight.shape, generator=g))
                mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))


def layer_norm_channels(x, eps):
    """LayerNorm over the channels of an NCHW tensor, without affine: (x - mean) / sqrt(var + eps), var biased."""
    d = x - x.mean(1, keepdim=True)
    return d / torch.sqrt((d * d).mean(1, keepdim=True) + eps)


class LayerNormChannels(nn.Module):
    """`LayerNorm2d` (permute, LayerNorm over C, permute back) computed on the NCHW tensor: same function."""

    def __init__(self, ln):
        super().__init__()
        self.eps = ln.eps
        self.weight = nn.Parameter(ln.weight.detach().clone()[:, None, None])
        self.bias = nn.Parameter(ln.bias.detach().clone()[:, None, None])

    def forward(self, x):
        return layer_norm_channels(x, self.eps) * self.weight + self.bias


class ConvNextBlockChannelsFirst(nn.Module):
    """`ConvNextBlock` without permutes: y = x + W2' gelu(W1' norm_C(dw(x)) + b1') + b2', where
    W1' = W1 diag(ln.weight), b1' = W1 ln.bias + b1 (LayerNorm's affine folded into fc1) and W2' = diag(gamma) W2,
    b2' = gamma * b2 (layer scale folded into fc2); the Linear layers as 1x1 convolutions on NCHW."""

    def __init__(self, blk):
        super().__init__()
        dim = blk.conv_dw.in_channels
        self.conv_dw = blk.conv_dw
        self.eps = blk.norm.eps
        w1, b1 = blk.fc1.weight.detach(), blk.fc1.bias.detach()
        self.pw1 = nn.Conv2d(dim, 4 * dim, 1)
        self.pw1.weight = nn.Parameter((w1 * blk.norm.weight.detach()[None, :])[:, :, None, None].clone())
        self.pw1.bias = nn.Parameter((b1 + w1 @ blk.norm.bias.detach()).clone())
        g = blk.gamma.detach()
        self.pw2 = nn.Conv2d(4 * dim, dim, 1)
        self.pw2.weight = nn.Parameter((blk.fc2.weight.detach() * g[:, None])[:, :, None, None].clone())
        self.pw2.bias = nn.Parameter((blk.fc2.bias.detach() * g).clone())

    def forward(self, x):
        return x + self.pw2(F.gelu(self.pw1(layer_norm_channels(self.conv_dw(x), self.eps))))


class ConvNextChannelsFirst(nn.Module):
    """`ConvNextTiny` rewritten channels-first for export (same function; its weights, shared or folded)."""

    def __init__(self, m):
        super().__init__()

        def convert(mod):
            if isinstance(mod, ConvNextBlock):
                return ConvNextBlockChannelsFirst(mod)
            if isinstance(mod, LayerNorm2d):
                return LayerNormChannels(mod)
            if isinstance(mod, nn.Sequential):
                return nn.Sequential(*[convert(c) for c in mod])
            return mod

        self.stem = convert(m.stem)
        self.stages = convert(m.stages)
        self.norm = m.norm

    def forward(self, x):
        return self.norm(self.stages(self.stem(x)).mean(dim=(2, 3)))


MODELS = {'resnet18': ResNet18, 'convnext_tiny': ConvNextTiny}


def set_threads(n):
    """torch's intra-op threads, and OpenBLAS's own pool where torch calls OpenBLAS."""
    torch.set_num_threads(n)
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(n)


def find_openblas():
    """The OpenBLAS that torch loaded (Debian's build calls it for its GEMMs), or None."""
    with open('/proc/self/maps') as f:
        paths = {line.split()[-1] for line in f if 'libopenblas' in line}
    for path in paths:
        try:
            lib = ctypes.CDLL(path)  # already loaded: the same copy
            lib.openblas_get_num_threads.restype = ctypes.c_int
            return lib
        except (OSError, AttributeError):
            pass
    return None


OPENBLAS = None


def main():
    global OPENBLAS
    p = argparse.ArgumentParser()
    p.add_argument('out')
    p.add_argument('--models', default='resnet18,convnext_tiny')
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--no-export', action='store_true', help='build and serve the models only (a second server)')
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    OPENBLAS = find_openblas()
    torch.manual_seed(0)
    models, onnx, checks, dims = {}, {}, {}, {}
    x_check = torch.randn(2, 3, a.size, a.size)
    for name in a.models.split(','):
        model = MODELS[name]().eval()
        if isinstance(model, ConvNextTiny):
            randomise_layer_scale(model)
        models[name] = model
        if a.no_export:
            continue
        with torch.no_grad():
            ref = model(x_check)
            exports = {name: model}
            if isinstance(model, ConvNextTiny):
                exports[name + '_cf'] = ConvNextChannelsFirst(model).eval()
            for key, m in exports.items():
                path = os.path.join(a.out, f'{key}.onnx')
                torch.onnx.export(m, (x_check[:1],), path, input_names=['pixel_values'], output_names=['embedding'],
                                  dynamic_axes={'pixel_values': {0: 'batch'}, 'embedding': {0: 'batch'}}, opset_version=17)
                onnx[key] = path
            check = os.path.join(a.out, f'{name}.check.bin')
            with open(check, 'wb') as f:  # float32 little-endian: the input [2, 3, S, S], then the output [2, D]
                f.write(x_check.numpy().astype('<f4').tobytes())
                f.write(ref.numpy().astype('<f4').tobytes())
            checks[name] = check
            dims[name] = ref.shape[1]
    blas = 'OpenBLAS, its threads set with torch\'s' if OPENBLAS is not None else 'no OpenBLAS loaded'
    print(json.dumps({'torch': torch.__version__, 'blas': blas, 'onnx': onnx, 'check': checks, 'D': dims}), flush=True)

    prepared = None
    for line in sys.stdin:
        req = json.loads(line)
        if 'prepare' in req:
            set_threads(int(req['threads']))
            model = models[req['prepare']]
            best = {}
            with torch.no_grad():
                for fmt in ('contiguous', 'channels_last'):
                    mf = torch.channels_last if fmt == 'channels_last' else torch.contiguous_format
                    m = model.to(memory_format=mf)
                    x = torch.randn(a.batch, 3, a.size, a.size).contiguous(memory_format=mf)
                    m(x)
                    best[fmt] = min(timed(m, x) for _ in range(2))
            fmt = min(best, key=best.get)
            mf = torch.channels_last if fmt == 'channels_last' else torch.contiguous_format
            prepared = (model.to(memory_format=mf), torch.randn(a.batch, 3, a.size, a.size).contiguous(memory_format=mf))
            print(json.dumps({'format': fmt, 'ms': best}), flush=True)
        elif 'run' in req:
            with torch.no_grad():
                c0 = time.process_time()
                ms = timed(*prepared)
                print(json.dumps({'ms': ms, 'cpu_ms': 1000 * (time.process_time() - c0)}), flush=True)


def timed(model, x):
    t0 = time.perf_counter()
    model(x)
    return 1000 * (time.perf_counter() - t0)


if __name__ == '__main__':
    main()
