#!/usr/bin/env python3
"""Checks Teach's bridge to PyTorch against PyTorch itself (not part of the tests).

For each architecture of Tools/pytorch-bridge (dense, conv, tokens):
1. Teach trains a small model and exports it: NAME.safetensors (a PyTorch state dict), NAME.py
   (the matching torch.nn.Sequential) and NAME-check.safetensors (inputs and Teach's predictions).
2. PyTorch builds the module from NAME.py, loads the state dict strictly and predicts the same
   inputs; the largest difference from Teach's predictions must be at most 1e-5.
3. PyTorch changes the model (a few steps of training, which moves the batch normalization's
   running averages too, then a random nudge to every parameter), saves its state dict with
   safetensors.torch.save_file, and Teach loads it into a fresh model of the same architecture
   and predicts; again at most 1e-5 from PyTorch.

Needs PyTorch, safetensors and numpy, e.g. in a virtual environment outside the project:
    python3 -m venv /work/venv-torch && /work/venv-torch/bin/pip install torch safetensors numpy
    /work/venv-torch/bin/python scripts/check-pytorch-bridge.py
The Swift driver is the executable target `pytorch-bridge` (Tools/pytorch-bridge).
"""
import argparse
import importlib.util
import pathlib
import subprocess
import sys
import tempfile

TOLERANCE = 1e-5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["dense", "conv", "tokens"])
    parser.add_argument("--configuration", default="debug", choices=["debug", "release"])
    parser.add_argument("--keep", help="write the files here instead of a temporary directory")
    arguments = parser.parse_args()
    try:
        import torch
        import safetensors.torch
    except ImportError as error:
        print(f"check-pytorch-bridge: needs torch and safetensors ({error}); nothing checked")
        return 2

    root = pathlib.Path(__file__).resolve().parent.parent
    subprocess.run(["swift", "build", "-c", arguments.configuration, "--product", "pytorch-bridge"], cwd=root, check=True)
    binary = subprocess.run(
        ["swift", "build", "-c", arguments.configuration, "--show-bin-path"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip() + "/pytorch-bridge"

    directory = pathlib.Path(arguments.keep or tempfile.mkdtemp(prefix="teach-pytorch-"))
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    failures = []
    print(f"torch {torch.__version__}, files in {directory}")
    for name in arguments.models:
        subprocess.run([binary, "export", "--model", name, "--directory", str(directory)], check=True)
        specification = importlib.util.spec_from_file_location(f"teach_{name}", directory / f"{name}.py")
        module = importlib.util.module_from_spec(specification)
        specification.loader.exec_module(module)
        net = module.build_model()
        net.load_state_dict(safetensors.torch.load_file(str(directory / f"{name}.safetensors")), strict=True)
        net.eval()
        check = safetensors.torch.load_file(str(directory / f"{name}-check.safetensors"))
        with torch.no_grad():
            predicted = module.to_teach(net(module.to_torch(check["inputs"])))
        difference = (predicted - check["outputs"]).abs().max().item()
        verdict = "ok" if difference <= TOLERANCE else "FAILED"
        print(f"{name}: Teach → PyTorch, {len(check['inputs'])} records, max |difference| = {difference:.3g} ({verdict})")
        if difference > TOLERANCE:
            failures.append(f"{name} export")

        # PyTorch changes the model; Teach must follow.
        net.train()
        optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
        inputs = module.to_torch(check["inputs"])
        for _ in range(3):
            optimizer.zero_grad()
            outputs = net(inputs)
            outputs.float().pow(2).mean().backward()
            optimizer.step()
        with torch.no_grad():
            for parameter in net.parameters():
                parameter.add_(0.05 * torch.randn_like(parameter))
        net.eval()
        state = {key: value.contiguous() for key, value in net.state_dict().items()}
        trained = directory / f"{name}-from-pytorch.safetensors"
        safetensors.torch.save_file(state, str(trained))
        with torch.no_grad():
            expected = module.to_teach(net(inputs))
        moved = (expected - check["outputs"]).abs().max().item()
        print(f"{name}: PyTorch's changes moved the predictions by up to {moved:.3g}")
        teach_outputs = directory / f"{name}-teach-outputs.safetensors"
        subprocess.run(
            [binary, "import", "--model", name, "--state-dict", str(trained), "--inputs", str(directory / f"{name}-check.safetensors"),
             "--output", str(teach_outputs)],
            check=True)
        imported = safetensors.torch.load_file(str(teach_outputs))["outputs"]
        difference = (imported - expected).abs().max().item()
        verdict = "ok" if difference <= TOLERANCE else "FAILED"
        print(f"{name}: PyTorch → Teach ({len(state)} tensors), max |difference| = {difference:.3g} ({verdict})")
        if difference > TOLERANCE:
            failures.append(f"{name} import")

    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    print("every prediction agrees within", TOLERANCE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
