#!/usr/bin/env python3
"""PyTorch side of `npm run bench -- embedding`: full-size ResNet18 and ConvNeXt-tiny with random weights.

    /usr/bin/python3 bench/torch/torch_embedding.py OUT_DIR --models resnet18,convnext_tiny --batch 8 --size 224 \
        --reps 3 --threads 1,2

Needs only Debian's python3-torch (no torchvision, no timm, no onnx package). For each model it builds the
architecture in plain PyTorch (torchvision's ResNet18, timm's ConvNeXt-tiny: same layers and sizes), exports it
to OUT_DIR/<model>.onnx (input `pixel_values` [N, 3, S, S] NCHW, ImageNet-normalised; output `embedding` [N, D],
global average pooled; dynamic batch axis, opset 17: LayerNormalization as one node), then times the forward pass (eval, no_grad) of one random
batch at each thread count (`torch.set_num_threads`): one warm-up, the median of `reps` runs. Prints one JSON
line: {"torch": version, "results": [{"model", "threads", "ms_per_image", "images_per_s", "D"}], "onnx": {model: path}}.
"""
import argparse
import json
import os
import statistics
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


MODELS = {'resnet18': ResNet18, 'convnext_tiny': ConvNextTiny}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('out')
    p.add_argument('--models', default='resnet18,convnext_tiny')
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--threads', default='1,2')
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(0)
    results, paths = [], {}
    for name in a.models.split(','):
        model = MODELS[name]().eval()
        x = torch.randn(a.batch, 3, a.size, a.size)
        path = os.path.join(a.out, f'{name}.onnx')
        with torch.no_grad():
            torch.onnx.export(model, (x[:1],), path, input_names=['pixel_values'], output_names=['embedding'],
                              dynamic_axes={'pixel_values': {0: 'batch'}, 'embedding': {0: 'batch'}}, opset_version=17)
        paths[name] = path
        for threads in [int(t) for t in a.threads.split(',')]:
            torch.set_num_threads(threads)
            with torch.no_grad():
                d = model(x).shape[1]
                times = []
                for _ in range(a.reps):
                    t0 = time.perf_counter()
                    model(x)
                    times.append(time.perf_counter() - t0)
            ms = 1000 * statistics.median(times) / a.batch
            results.append({'model': name, 'threads': threads, 'ms_per_image': ms, 'images_per_s': 1000 / ms, 'D': d})
    print(json.dumps({'torch': torch.__version__, 'results': results, 'onnx': paths}))


if __name__ == '__main__':
    main()
