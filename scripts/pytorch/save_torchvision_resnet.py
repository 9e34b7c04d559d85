#!/usr/bin/env python3
"""Saves a torchvision ResNet's state dict as safetensors, for `perseus train --init FILE [--freeze-backbone]`.

The keys are torchvision's own (conv1.weight, layer1.0.bn1.running_mean, ..., fc.weight), which are Perseus's, so the
file loads as it is: the backbone strictly, the head only when its classes fit the run's (otherwise a new head).

    ../torch-venv/bin/python scripts/pytorch/save_torchvision_resnet.py --model resnet18 --out resnet18.safetensors
    ../torch-venv/bin/python scripts/pytorch/save_torchvision_resnet.py --weights DEFAULT --out resnet18-imagenet.safetensors

Without --weights the network is torchvision's random initialisation (seeded by --seed; no download). --weights
DEFAULT (or a name such as IMAGENET1K_V1) asks torchvision for its pretrained weights, which it downloads from
download.pytorch.org into its cache. With --check, the file is read back with safetensors and compared with the model.
"""
import argparse

import safetensors.torch
import torch
import torchvision


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="resnet18", help="resnet18, resnet34, resnet50, resnet101 or resnet152")
    parser.add_argument("--weights", default=None, help="torchvision weights name (DEFAULT, IMAGENET1K_V1, ...)")
    parser.add_argument("--classes", type=int, default=1000, help="classes of the head when random (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--check", action="store_true", help="read the file back and compare every tensor")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    build = getattr(torchvision.models, args.model)
    model = build(weights=args.weights) if args.weights else build(num_classes=args.classes)
    # save_file needs contiguous tensors that share no memory.
    state = {name: value.detach().contiguous().clone() for name, value in model.state_dict().items()}
    safetensors.torch.save_file(state, args.out, metadata={"source": f"torchvision.models.{args.model}"
                                                           + (f"(weights={args.weights})" if args.weights else "")})
    if args.check:
        back = safetensors.torch.load_file(args.out)
        assert back.keys() == state.keys(), "keys differ"
        assert all(torch.equal(back[k], state[k]) for k in state), "values differ"
    head = state["fc.weight"].shape
    print(f"{args.out}: {len(state)} tensors, conv1.weight {list(state['conv1.weight'].shape)}, fc.weight {list(head)}")


if __name__ == "__main__":
    main()
