#!/usr/bin/python3
"""A PyTorch RoPE attention kernel checked by ropecheck, in the kernel conventions (MATH §9).

Reads a `rope-attention-instance/2` made with `--qkv` (a JSON header and the NPZ of q, k, v, E with
shape [batch, heads, n, d]; specs/format-instance.md), rotates q and k (RoPE, the tables built in the
chosen dtype as Hugging Face builds them), runs attention on the rotated rows with the instance's
scale and causal mask -- `torch.nn.functional.scaled_dot_product_attention` where torch >= 2.1 has it
(`--attention sdpa`, the default there), a hand-rolled softmax attention otherwise -- in float32 or
float64, and takes the loss L = 1/2 ||O - E||^2 through autograd: the gradients with respect to the
attention's inputs are dQrot, dKrot (the rotated rows, what SDPA and FlashAttention backward return)
and dV. Writes the result as an NPZ (specs/format-npz.md): attention, lse, dQrot, dKrot, dV, each
[batch, heads, ...]. An instance made with `--upstream dO` holds the upstream gradient dO in place of E
(specs/upstream-gradient.md); then the backward pass is `out.backward(dO)`, as a training step hands a
kernel its dO.

Usage (the three-line loop of the README):
    java -jar target/ropecheck.jar make-instance --n 1024 --d 64 --family rope --bound 0.5 --dtype fp32 \
        --qkv --causal --scale '1/sqrt(d)' --batch 2 --heads 4 --out i.json
    /usr/bin/python3 examples/torch_kernel_attention.py --in i.json --out r.npz --dtype float32
    java -jar target/ropecheck.jar check --instance i.json --candidate r.npz --dtype fp32 --bound first-order

Deliberate mistakes, to see them caught (--bug): NO_MASK (the mask off), SCALE_1_D (1/d in place of
the instance's scale), SWAP_DK_DV (dk and dv exchanged).

Exit codes: 0 written, 2 bad input (one line on stderr, no output file).
"""
import argparse
import json
import math
import os
import sys
import tempfile

import numpy as np
import torch

BUGS = ["NONE", "NO_MASK", "SCALE_1_D", "SWAP_DK_DV"]


class BadInput(Exception):
    pass


def read_instance(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise BadInput(f"{path}: {e}")
    if doc.get("format") != "rope-attention-instance/2":
        raise BadInput(f'{path}: format must be "rope-attention-instance/2" (make-instance --qkv ...)')
    n, d = doc["n"], doc["d"]
    fam = doc.get("family", {})
    if fam.get("kind") not in ("rope", "identity"):
        raise BadInput(f"{path}: family kind {fam.get('kind')!r} is not supported here (rope or identity)")
    if "arrays" not in doc:
        raise BadInput(f"{path}: this example reads the arrays from the NPZ the header names in \"arrays\"")
    z = np.load(os.path.join(os.path.dirname(os.path.abspath(path)), doc["arrays"]))
    upstream = "dO" if "dO" in z else "E"
    for key in ("q", "k", "v", upstream):
        if key not in z:
            raise BadInput(f"{path}: array {key} is missing (make the instance with --qkv)")
    arrays = {key: z[key] for key in ("q", "k", "v", upstream)}
    dtype = str(z["dtype"]) if "dtype" in z else "fp64"
    if arrays["q"].dtype == np.uint16 or dtype == "bf16":
        raise BadInput(f"{path}: bf16 arrays are not read by this example")
    if arrays["q"].ndim == 2:
        arrays = {k: v[None, None] for k, v in arrays.items()}
    scale = doc.get("scale", "1/d")
    sigma = 1.0 / d if scale == "1/d" else 1.0 / math.sqrt(d) if scale == "1/sqrt(d)" else float(scale)
    return {"n": n, "d": d, "kind": fam["kind"], "base": float(fam.get("base", 10000)), "upstream": upstream,
            "layout": fam.get("layout", "interleaved"), "sigma": sigma, "causal": bool(doc.get("causal", False)),
            **arrays}


def rope_tables(n, d, base, dtype):
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).to(dtype) / d))
    pos = torch.arange(n, dtype=torch.int64).to(dtype)
    angle = torch.outer(pos, inv_freq)
    return torch.cos(angle), torch.sin(angle)


def rotate(x, cos, sin, layout):
    """x R_pos along the last two axes (MATH §1): x'[a] = x[a] cos - x[b] sin, x'[b] = x[a] sin + x[b] cos."""
    d = x.shape[-1]
    if layout == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
    else:
        a, b = x[..., : d // 2], x[..., d // 2:]
    ra = a * cos - b * sin
    rb = a * sin + b * cos
    if layout == "interleaved":
        return torch.stack((ra, rb), dim=-1).reshape(x.shape)
    return torch.cat((ra, rb), dim=-1)


def has_sdpa():
    f = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
    if f is None:
        return False
    try:
        import inspect
        return "scale" in inspect.signature(f).parameters
    except (TypeError, ValueError):
        return False


def attention(qr, kr, v, sigma, causal, use_sdpa):
    """O = softmax(sigma qr kr^T, masked) v and lse, over the last two axes."""
    if use_sdpa:
        out = torch.nn.functional.scaled_dot_product_attention(qr, kr, v, is_causal=causal, scale=sigma)
        with torch.no_grad():
            s = (qr @ kr.transpose(-1, -2)) * sigma
            if causal:
                n = s.shape[-1]
                s = s.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
            lse = torch.logsumexp(s, dim=-1)
        return out, lse
    s = (qr @ kr.transpose(-1, -2)) * sigma
    if causal:
        n = s.shape[-1]
        s = s.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
    lse = torch.logsumexp(s, dim=-1)
    return torch.softmax(s, dim=-1) @ v, lse.detach()


def compute(inst, dtype, bug, use_sdpa):
    to = lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(torch.float64).to(dtype)
    q, k, v, e = to(inst["q"]), to(inst["k"]), to(inst["v"]), to(inst[inst["upstream"]])
    n, d = inst["n"], inst["d"]
    if inst["kind"] == "rope":
        cos, sin = rope_tables(n, d, inst["base"], dtype)
        qr, kr = rotate(q, cos, sin, inst["layout"]), rotate(k, cos, sin, inst["layout"])
    else:
        qr, kr = q.clone(), k.clone()
    # The kernel's inputs are the rotated rows: autograd's gradients for them are dQrot, dKrot.
    qr = qr.detach().requires_grad_(True)
    kr = kr.detach().requires_grad_(True)
    v = v.detach().requires_grad_(True)
    sigma = 1.0 / d if bug == "SCALE_1_D" else inst["sigma"]
    causal = inst["causal"] and bug != "NO_MASK"
    out, lse = attention(qr, kr, v, sigma, causal, use_sdpa)
    if inst["upstream"] == "dO":
        out.backward(e)  # the upstream gradient itself: c = dO
    else:
        c = out - e
        loss = 0.5 * (c * c).sum()
        loss.backward()
    dk, dv = kr.grad, v.grad
    if bug == "SWAP_DK_DV":
        dk, dv = dv, dk
    return {"attention": out.detach(), "lse": lse, "dQrot": qr.grad, "dKrot": dk, "dV": dv}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True, help="the result, an .npz")
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--attention", choices=["auto", "sdpa", "manual"], default="auto",
                    help="sdpa: torch.nn.functional.scaled_dot_product_attention (torch >= 2.1); manual: softmax by"
                         " hand; auto: sdpa where torch has it")
    ap.add_argument("--bug", choices=BUGS, default="NONE")
    args = ap.parse_args(argv)
    try:
        if args.attention == "sdpa" and not has_sdpa():
            raise BadInput(f"torch {torch.__version__} has no scaled_dot_product_attention with a scale argument")
        use_sdpa = args.attention == "sdpa" or (args.attention == "auto" and has_sdpa())
        if not args.out.endswith(".npz"):
            raise BadInput(f"--out {args.out} must end in .npz")
        inst = read_instance(args.inp)
        dtype = torch.float32 if args.dtype == "float32" else torch.float64
        res = compute(inst, dtype, args.bug, use_sdpa)
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    arrays = {key: t.detach().cpu().numpy() for key, t in res.items()}
    folder = os.path.dirname(os.path.abspath(args.out))
    fd, tmp = tempfile.mkstemp(suffix=".npz", dir=folder)
    os.close(fd)
    np.savez(tmp, dtype=np.array("fp32" if dtype == torch.float32 else "fp64"), **arrays)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {', '.join(arrays)} ({'sdpa' if use_sdpa else 'hand-rolled'} attention, torch "
          f"{torch.__version__}, {args.dtype}{', bug ' + args.bug if args.bug != 'NONE' else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
