#!/usr/bin/env python3
"""Reference checkpoints from PyTorch, for testing a PyTorch-weights importer against the real thing.

Writes a torchvision model's state_dict as a .safetensors file (the format PyTorch, timm and RobustBench users
can produce with one line), plus a second .safetensors file with a fixed input batch and the logits PyTorch
computes for it, so an importer can be checked to float tolerance.

A copy of the project's shared reference exporter (shared/peer/export_torchvision.py), kept here so the importer's
test (core/src/models/import/import-torchvision.test.ts) runs from a clean clone.

Needs Debian's PyTorch and torchvision:  apt-get install -y python3-torch python3-torchvision
Run with Debian's interpreter, e.g.:
  /usr/bin/python3 core/src/models/tools/export-torchvision.py --model resnet18 --out /tmp/r18 [--size 64] [--batch 2] [--classes 1000]

Outputs:
  OUT/weights.safetensors    the state_dict (float32; running_mean / running_var included; num_batches_tracked
                             dropped), keys exactly as torchvision names them (conv1.weight, layer1.0.bn1.bias, ...)
  OUT/reference.safetensors  "input": [batch, size, size, 3] float32 in [0, 1] (NHWC, as advbench feeds models),
                             "logits": [batch, classes] float32, computed in eval mode as
                             model((input - mean) / std) with ImageNet's mean (0.485, 0.456, 0.406) and
                             std (0.229, 0.224, 0.225), the input permuted to NCHW for PyTorch
  OUT/reference.json         model name, parameter count, mean/std, shapes, and the logits' first values
The weights are a seeded random initialisation (torch.manual_seed), never downloaded; batch-norm statistics are
perturbed away from 0/1 so an importer that drops them is caught.
"""
import argparse
import json
import os
import struct

import numpy as np
import torch
import torchvision.models as tvm

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="resnet18")
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    model = getattr(tvm, a.model)(num_classes=a.classes)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
    model.eval()
    state = {k: v.detach().numpy() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    os.makedirs(a.out, exist_ok=True)
    write_safetensors(os.path.join(a.out, "weights.safetensors"), state)
    generator = torch.Generator().manual_seed(a.seed + 1)
    x = torch.rand(a.batch, a.size, a.size, 3, generator=generator)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    with torch.no_grad():
        logits = model((x.permute(0, 3, 1, 2) - mean) / std)
    write_safetensors(os.path.join(a.out, "reference.safetensors"), {"input": x.numpy(), "logits": logits.numpy()})
    info = {
        "model": a.model, "torch": torch.__version__, "params": sum(p.numel() for p in model.parameters()),
        "mean": MEAN, "std": STD, "input": list(x.shape), "layout": "NHWC in [0,1]", "logits": list(logits.shape),
        "firstLogits": [round(float(v), 6) for v in logits[0, :5]],
    }
    with open(os.path.join(a.out, "reference.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
