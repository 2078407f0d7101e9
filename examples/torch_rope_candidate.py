#!/usr/bin/python3
"""An independent PyTorch RoPE attention, for checking by hand with `ropecheck check`.

Reads a `rope-attention-instance/1` file (specs/format-instance.md), computes RoPE attention
(MATH §1-2: Q = A1 WQ, K = A2 WK, V = A3 WV, rotated rows rope(Q)_i, rope(K)_j at positions i, j,
scores s_ij = <rope(Q)_i, rope(K)_j> / d, row softmax, Att = f V) in float64 or float32, the loss
L = 1/2 ||Att - E||^2 and, by autograd, dQ, dK (with respect to the pre-rotation Q, K), dV and the
weight gradients; optionally applies one deliberate bug; writes a `rope-attention-result/1` file
(specs/format-result.md) with h, attention, alpha, c, loss, r, dQ, dK, dV, gradWQ, gradWK, gradWV.

The RoPE tables are built as Hugging Face / fp32 kernels build them, in the chosen dtype:
inv_freq = 1 / base ** (arange(0, d, 2) / d), angle = pos * inv_freq, cos/sin of the angle.

Usage:
    java -jar target/ropecheck.jar make-instance --n 64 --d 8 --family rope --bound 0.5 --out /tmp/i.json
    /usr/bin/python3 examples/torch_rope_candidate.py --in /tmp/i.json --out /tmp/r.json --dtype float32
    java -jar target/ropecheck.jar check --instance /tmp/i.json --candidate /tmp/r.json

Bugs (--bug NAME, the names of dev.ropecheck.candidates.Bug): SCALE_SQRT_D, WRONG_ROPE_LAYOUT,
FLIPPED_SIN, TRANSPOSED_GRAD_WK, SOFTMAX_WRONG_AXIS, DQ_ROTATED, GRAD_WK_TIMES_1_2,
GRAD_WK_TIMES_1_PLUS_1E3, ALPHA_TIMES_1000, GRAD_WK_ZERO, ONE_ATTENTION_ENTRY_1E3,
ONE_GRAD_WQ_ENTRY_1E6 (the one-entry bugs change the entry of largest |value|, or --entry I,J).

Exit codes: 0 written, 2 bad input (message on stderr, no output file).
"""
import argparse
import json
import math
import sys
import time

import torch

BUGS = ["NONE", "SCALE_SQRT_D", "WRONG_ROPE_LAYOUT", "FLIPPED_SIN", "TRANSPOSED_GRAD_WK",
        "SOFTMAX_WRONG_AXIS", "DQ_ROTATED", "GRAD_WK_TIMES_1_2", "GRAD_WK_TIMES_1_PLUS_1E3",
        "ALPHA_TIMES_1000", "GRAD_WK_ZERO", "ONE_ATTENTION_ENTRY_1E3", "ONE_GRAD_WQ_ENTRY_1E6"]


class BadInput(Exception):
    pass


def number(x, where):
    """A JSON number or decimal string as a Python float (exact for the binary64 values the format holds)."""
    if isinstance(x, bool) or not isinstance(x, (int, float, str)):
        raise BadInput(f"{where} is not a number")
    try:
        v = float(x)
    except ValueError:
        raise BadInput(f"{where} = {x!r} is not a number")
    if not math.isfinite(v):
        raise BadInput(f"{where} = {x!r} is not finite")
    return v


def matrix(doc, key, rows, cols, dtype):
    if key not in doc:
        raise BadInput(f"field {key} is missing")
    m = doc[key]
    if not isinstance(m, list) or len(m) != rows or any(not isinstance(r, list) or len(r) != cols for r in m):
        raise BadInput(f"{key} must be a {rows} x {cols} matrix")
    vals = [[number(x, f"{key}[{i}][{j}]") for j, x in enumerate(r)] for i, r in enumerate(m)]
    return torch.tensor(vals, dtype=torch.float64).to(dtype)


def read_instance(path, dtype):
    with open(path) as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError as e:
            raise BadInput(f"malformed JSON: {e}")
    if doc.get("format") != "rope-attention-instance/1":
        raise BadInput('format must be "rope-attention-instance/1"')
    if not isinstance(doc.get("n"), int) or not isinstance(doc.get("d"), int) or doc["n"] < 1 or doc["d"] < 1:
        raise BadInput("n and d must be positive integers")
    n, d = doc["n"], doc["d"]
    fam = doc.get("family") or {}
    kind = fam.get("kind")
    if kind not in ("rope", "identity"):
        raise BadInput(f"family kind {kind!r} is not supported here (rope or identity)")
    if "X" in doc or "WQ" not in doc or "WK" not in doc:
        raise BadInput("this candidate needs WQ and WK (an instance given by X has no Q, K)")
    inst = {"n": n, "d": d, "kind": kind,
            "base": number(fam.get("base", 10000), "family.base"),
            "layout": fam.get("layout", "interleaved")}
    if inst["layout"] not in ("interleaved", "half-split"):
        raise BadInput(f"family.layout {inst['layout']!r} must be interleaved or half-split")
    if kind == "rope" and d % 2 != 0:
        raise BadInput(f"RoPE needs an even d, got {d}")
    for key in ("A1", "A2", "A3", "E"):
        inst[key] = matrix(doc, key, n, d, dtype)
    for key in ("WQ", "WK"):
        inst[key] = matrix(doc, key, d, d, dtype)
    inst["WV"] = matrix(doc, "WV" if "WV" in doc else "Y", d, d, dtype)
    return inst


def rope_tables(n, d, base, dtype):
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).to(dtype) / d))
    pos = torch.arange(n, dtype=torch.int64).to(dtype)
    angle = torch.outer(pos, inv_freq)
    return torch.cos(angle), torch.sin(angle)


def rotate(x, cos, sin, layout):
    """x R_pos row by row (MATH §1): x'[a] = x[a] cos - x[b] sin, x'[b] = x[a] sin + x[b] cos."""
    d = x.shape[1]
    if layout == "interleaved":
        a, b = x[:, 0::2], x[:, 1::2]
    else:
        a, b = x[:, : d // 2], x[:, d // 2:]
    ra = a * cos - b * sin
    rb = a * sin + b * cos
    if layout == "interleaved":
        return torch.stack((ra, rb), dim=2).reshape(x.shape)
    return torch.cat((ra, rb), dim=1)


def largest(t):
    flat = t.abs().reshape(-1)
    k = int(torch.argmax(flat))  # the first maximum in row-major order
    return k // t.shape[1], k % t.shape[1]


def compute(inst, bug, entry):
    n, d = inst["n"], inst["d"]
    wq = inst["WQ"].clone().requires_grad_(True)
    wk = inst["WK"].clone().requires_grad_(True)
    wv = inst["WV"].clone().requires_grad_(True)
    q = inst["A1"] @ wq
    k = inst["A2"] @ wk
    v = inst["A3"] @ wv
    for t in (q, k, v):
        t.retain_grad()
    if inst["kind"] == "rope":
        cos, sin = rope_tables(n, d, inst["base"], q.dtype)
        if bug == "FLIPPED_SIN":
            sin = -sin
        layout = inst["layout"]
        if bug == "WRONG_ROPE_LAYOUT":
            layout = "half-split" if layout == "interleaved" else "interleaved"
        qrot, krot = rotate(q, cos, sin, layout), rotate(k, cos, sin, layout)
    else:
        qrot, krot = q * 1, k * 1
    qrot.retain_grad()
    krot.retain_grad()
    sigma = 1.0 / math.sqrt(d) if bug == "SCALE_SQRT_D" else 1.0 / d
    s = (qrot @ krot.T) * sigma
    axis = 0 if bug == "SOFTMAX_WRONG_AXIS" else 1
    f = torch.softmax(s, dim=axis)
    alpha = torch.exp(torch.logsumexp(s, dim=axis))
    att = f @ v
    c = att - inst["E"]
    loss = 0.5 * (c * c).sum()
    loss.backward()
    with torch.no_grad():
        r = (c * att).sum(dim=1)
        if bug == "DQ_ROTATED":
            dq, dk = qrot.grad, krot.grad
            gwq, gwk = inst["A1"].T @ dq, inst["A2"].T @ dk
        else:
            dq, dk, gwq, gwk = q.grad, k.grad, wq.grad, wk.grad
        out = {"h": v.detach(), "attention": att.detach().clone(), "alpha": alpha.detach().clone(),
               "c": c.detach(), "loss": loss.detach(), "r": r, "dQ": dq, "dK": dk, "dV": v.grad,
               "gradWQ": gwq.clone(), "gradWK": gwk.clone(), "gradWV": wv.grad}
        if bug == "TRANSPOSED_GRAD_WK":
            out["gradWK"] = out["gradWK"].T.contiguous()
        elif bug == "GRAD_WK_TIMES_1_2":
            out["gradWK"] = out["gradWK"] * 1.2
        elif bug == "GRAD_WK_TIMES_1_PLUS_1E3":
            out["gradWK"] = out["gradWK"] * (1 + 1e-3)
        elif bug == "GRAD_WK_ZERO":
            out["gradWK"] = torch.zeros_like(out["gradWK"])
        elif bug == "ALPHA_TIMES_1000":
            out["alpha"] = out["alpha"] * 1000
        elif bug in ("ONE_ATTENTION_ENTRY_1E3", "ONE_GRAD_WQ_ENTRY_1E6"):
            key, factor = ("attention", 1 + 1e-3) if bug == "ONE_ATTENTION_ENTRY_1E3" else ("gradWQ", 1 + 1e-6)
            t = out[key]
            i, j = entry if entry is not None else largest(t)
            if not (0 <= i < t.shape[0] and 0 <= j < t.shape[1]):
                raise BadInput(f"--entry {i},{j} is outside {key} ({t.shape[0]} x {t.shape[1]})")
            t[i, j] = t[i, j] * factor
    return out


def plain(x):
    """A JSON-ready value: floats via repr (shortest round trip), non-finite as the format's strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def to_json(t):
    t = t.detach().to(torch.float64)
    if t.dim() == 0:
        return plain(t.item())
    if t.dim() == 1:
        return [plain(x) for x in t.tolist()]
    return [[plain(x) for x in row] for row in t.tolist()]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="inp", required=True, help="rope-attention-instance/1 file")
    ap.add_argument("--out", required=True, help="rope-attention-result/1 file to write")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--bug", choices=BUGS, default="NONE")
    ap.add_argument("--entry", help="I,J: the entry a one-entry bug changes (default: largest |value|)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1: results do not depend on the host)")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    try:
        entry = None
        if a.entry:
            parts = a.entry.split(",")
            if len(parts) != 2:
                raise BadInput("--entry must be I,J")
            entry = (int(parts[0]), int(parts[1]))
        inst = read_instance(a.inp, dtype)
        t0 = time.perf_counter()
        out = compute(inst, a.bug, entry)
        ms = (time.perf_counter() - t0) * 1e3
    except (BadInput, KeyError, ValueError, TypeError, OSError) as e:
        print(f"torch_rope_candidate: {a.inp}: {e}", file=sys.stderr)
        return 2
    doc = {"format": "rope-attention-result/1", "engine": "torch-candidate", "n": inst["n"], "d": inst["d"]}
    for key, t in out.items():
        doc[key] = to_json(t)
    doc["meta"] = {"dtype": a.dtype, "bug": a.bug, "torch": torch.__version__, "time_ms": f"{ms:.1f}"}
    with open(a.out, "w") as f:
        json.dump(doc, f, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
