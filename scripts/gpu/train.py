#!/usr/bin/env python3
"""Continue training a pxcz checkpoint on a GPU, in PyTorch.

A literal transcription of model/train's forward pass (model/train/forward.go,
conv.go, gate.go, softmax.go; the architecture is specified in `go doc
./model`) and of its Adam (adam.go), reading and writing model/train's
checkpoint format (scripts/gpu/ckpt.py), on the images scripts/gpu/pack
packed. See scripts/gpu/README.md for the device call.

Before it trains, it checks itself: the loaded checkpoint's NLL on the packed
val and test images, computed here in strict float32, must be within --tol
bits/dim of what model/train's Go code computed for the same checkpoint and
images (pack.json's references). Otherwise it stops, exit status 3, having
spent no GPU time on training.

Then it trains for --minutes: batches drawn from the packed training images,
each mirrored left to right with probability 1/2 (corpus.Batches), the mean
NLL per sub-pixel as the loss, the global gradient norm clipped (ClipNorm),
Adam continued from the checkpoint's moments, a linear warm-up then a cosine
in training time to --lr-floor. Every --eval-every seconds it measures the
val NLL of the weights and of their exponential moving average, and keeps the
best. At the end it writes to --out:

    best.ckpt    the weights (raw or averaged) with the lowest val NLL, with
                 the last Adam moments: what `pxcz export` should quantize
    last.ckpt    the last raw weights and Adam state: what a further run
                 (this script, or `pxcz train --init`) continues from
    summary.json the numbers, train.log the progress lines
"""

import argparse
import hashlib
import json
import math
import os
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ckpt as ckptlib  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LN2 = math.log(2)
LOG = None


def log(*a):
    s = " ".join(str(x) for x in a)
    print(s, flush=True)
    if LOG:
        LOG.write(s + "\n")
        LOG.flush()


# ---------------------------------------------------------------- tensors

def to_tensor(b, shape, device):
    """Little-endian float32 bytes (x86 is little-endian) to a tensor."""
    if len(b) == 0:
        return torch.zeros(shape, dtype=torch.float32, device=device)
    return torch.frombuffer(bytearray(b), dtype=torch.float32).view(shape).to(device)


def to_bytes(t):
    """A tensor as little-endian float32 bytes (numpy's copy when torch has
    numpy, else through a list, which takes seconds for millions)."""
    t = t.detach().to("cpu", torch.float32).contiguous().view(-1)
    try:
        return t.numpy().astype("<f4", copy=False).tobytes()
    except (RuntimeError, TypeError):  # torch built without numpy
        c = t.tolist()
        return struct.pack("<%df" % len(c), *c)


# ---------------------------------------------------------------- the network

class Net:
    """The Gated PixelCNN of model.Config cfg with weights P, a list of
    tensors in Params.Tensors() order ([out][in] row-major, as stored)."""

    def __init__(self, cfg, P, device):
        self.cfg, self.P = cfg, P
        # Params.Masks(): 0/1 masks of HW_l, RW_l, W1, W2 (None: unmasked).
        self.masks = [None if m is None else torch.tensor(m, dtype=torch.float32, device=device).view(P[i].shape)
                      for i, m in enumerate(ckptlib.masks(cfg))]
        r = cfg.r
        # verticalTaps(r, shift) and horizontalTaps(r) of conv.go, in weight
        # order: the in index of VW_l is ((dy+r)·k + (dx+r))·Cin + ci, of
        # HW_l (dx+r)·Cin + ci.
        self.vtaps = [[(dy - shift, dx) for dy in range(-r, 1) for dx in range(-r, r + 1)] for shift in (0, 1)]
        self.htaps = [(0, dx) for dx in range(-r, 1)]

    def w(self, i):
        """Tensor i, masked (the Go trainer keeps masked weights at zero by
        masking their gradients; multiplying here does the same)."""
        m = self.masks[i]
        return self.P[i] if m is None else self.P[i] * m

    @staticmethod
    def im2col(x, taps):
        """conv.go im2col: col[p][t·cin+ci] = in[p+taps[t]][ci], zero where
        the tap falls outside the image. x is [N][H][W][cin]."""
        N, H, W, C = x.shape
        top = max(-dy for dy, _ in taps)
        left = max(-dx for _, dx in taps)
        right = max(max(dx for _, dx in taps), 0)
        xp = F.pad(x, (0, 0, left, right, top, 0))  # every tap has dy <= 0
        return torch.cat([xp[:, top + dy:top + dy + H, left + dx:left + dx + W, :] for dy, dx in taps], dim=3)

    @staticmethod
    def linear(col, w, b, cond=None, c=None):
        """conv.forward: out = col·wᵀ + b + c·h (h: the image's conditioning)."""
        out = F.linear(col, w, b)
        if c is not None and c.numel() > 0 and cond is not None:
            out = out + F.linear(cond, c)[:, None, None, :]
        return out

    @staticmethod
    def gate(z, Fm):
        """gateForward: out[c] = tanh(z[c])·σ(z[F+c])."""
        return torch.tanh(z[..., :Fm]) * torch.sigmoid(z[..., Fm:])

    def logits(self, pix, cond=None, head_fp32=True, dropout=0.0):
        """Net.forward up to the head's outputs: pix is [N][H][W][C] uint8;
        returns [N][H][W][HeadOut]: the 256 logits of sub-pixel c at 256c,
        or with a mixture head sub-pixel c's parameters at cfg.mix_at(c)."""
        cfg, Fm = self.cfg, self.cfg.F
        x = (pix.float() - 128) / 128  # forward: x = (p-128)/128
        vin = hin = x  # Net.inputs(0): both read x
        for l in range(cfg.L):  # layerForward(l)
            i = 9 * l  # VW VB VC HW HV HB HC RW RB
            vpre = self.linear(self.im2col(vin, self.vtaps[1 if l == 0 else 0]), self.w(i), self.P[i + 1], cond, self.P[i + 2])
            hpre = self.linear(self.im2col(hin, self.htaps), self.w(i + 3), self.P[i + 5], cond, self.P[i + 6])
            hpre = hpre + F.linear(vpre, self.w(i + 4))  # ops.hv: + HV·Vpre
            hg = self.gate(hpre, Fm)
            if dropout > 0:
                hg = F.dropout(hg, dropout, training=True)  # training-only regulariser, off by default
            h = F.linear(hg, self.w(i + 7), self.P[i + 8])  # ops.r: RW·gate(Hpre) + RB
            if l > 0:
                h = h + hin  # H_l = H_{l-1} + ...
            if l < cfg.L - 1:  # V of the last layer feeds nothing
                vin = self.gate(vpre, Fm)
            hin = h
        n = 9 * cfg.L  # headForward: W1 B1 W2 B2
        a1 = torch.relu(F.linear(torch.relu(hin), self.w(n), self.P[n + 1]))
        if head_fp32:
            with torch.autocast("cuda", enabled=False):
                return F.linear(a1.float(), self.w(n + 2), self.P[n + 3])
        return F.linear(a1, self.w(n + 2), self.P[n + 3])

    def nll(self, pix, cond=None, head_fp32=True, dropout=0.0, reduction="mean"):
        """softmaxLoss or mixLoss: the NLL of every sub-pixel in nats; mean
        over the N·H·W·C sub-pixels (Net.loss), their sum, or (reduction
        "none") each, [N·H·W·C]."""
        out = self.logits(pix, cond, head_fp32, dropout)
        if self.cfg.mix:
            per = mixture_nll(out, pix, self.cfg).reshape(-1)
            return {"mean": per.mean, "sum": per.sum, "none": lambda: per}[reduction]()
        lg = out.float().reshape(-1, 256)
        return F.cross_entropy(lg, pix.reshape(-1).long(), reduction=reduction)


MIX_MIN_LOG_SCALE = -7.0  # model.MixMinLogScale


def mixture_nll(out, pix, cfg):
    """mixLoss (model/train/mixture.go), in float64 as there: -log P(v) of
    every sub-pixel v under its discretized logistic mixture, [N][H][W][C].
    Sub-pixel c's parameters at cfg.mix_at(c) are K logits, K means, K
    log-scales (clamped below at MixMinLogScale, its gradient then zero),
    and for each earlier sub-pixel j K coefficients: mean += tanh(coef)·x_j.
    A bin's edges are v ± 1/256 in the input's scale x = (v-128)/128, the
    first and last bins open-ended; a middle bin's probability is
    σ(hi)·σ(-lo)·(1 - e^-(hi-lo)), whose log does not cancel in the tails."""
    K = cfg.mix
    out = out.double()
    x = (pix.double() - 128) / 128
    nll = []
    for c in range(cfg.C):
        a = cfg.mix_at(c)
        par = out[..., a:a + (3 + c) * K]
        logit, m, s = par[..., :K], par[..., K:2 * K], par[..., 2 * K:3 * K]
        for j in range(c):
            m = m + torch.tanh(par[..., (3 + j) * K:(4 + j) * K]) * x[..., j:j + 1]
        e = torch.exp(-torch.clamp(s, min=MIX_MIN_LOG_SCALE))
        v = x[..., c:c + 1]
        hi, lo = e * (v + 1.0 / 256 - m), e * (v - 1.0 / 256 - m)
        below, above = F.logsigmoid(hi), F.logsigmoid(-lo)  # log σ(hi), log σ(-lo)
        mid = below + above + torch.log(-torch.expm1(lo - hi))
        pv = pix[..., c:c + 1]
        logp = torch.where(pv == 0, below, torch.where(pv == 255, above, mid))
        nll.append(-torch.logsumexp(F.log_softmax(logit, dim=-1) + logp, dim=-1))
    return torch.stack(nll, dim=-1)


# ---------------------------------------------------------------- optimizer

@torch.no_grad()
def clip_norm(grads, limit):
    """ClipNorm: scale grads so that their global L2 norm is at most limit;
    returns the norm before clipping (a tensor: no host sync)."""
    norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    if limit > 0:
        torch._foreach_mul_(grads, torch.clamp(limit / (norm + 1e-30), max=1.0))
    return norm


@torch.no_grad()
def adam_update(P, grads, M, V, step, lr, b1, b2, eps, wd):
    """Adam.Update (adam.go) for its step-th update (counting from 1)."""
    c1 = 1 - b1 ** step
    c2 = 1 - b2 ** step
    size = lr * math.sqrt(c2) / c1
    e = eps * math.sqrt(c2)
    torch._foreach_mul_(M, b1)
    torch._foreach_add_(M, grads, alpha=1 - b1)
    torch._foreach_mul_(V, b2)
    torch._foreach_addcmul_(V, grads, grads, value=1 - b2)
    den = torch._foreach_sqrt(V)
    torch._foreach_add_(den, e)
    if wd:
        torch._foreach_mul_(P, 1 - lr * wd)
    torch._foreach_addcdiv_(P, M, den, value=-size)


# ---------------------------------------------------------------- data

def load_set(pack_dir, data_dir, pack, name, device):
    info = pack["sets"][name]
    path = os.path.join(data_dir, info["raw"])
    with open(path, "rb") as f:
        raw = f.read()
    if "%08x" % (zlib.crc32(raw) & 0xFFFFFFFF) != info["raw_crc32"]:
        raise SystemExit("%s: CRC differs from pack.json: unpack again (.gpu/pack --unpack)" % path)
    t = pack["tile"]
    pix = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(info["count"], t, t, pack["channels"]).to(device)
    with open(os.path.join(pack_dir, info["labels"]), "rb") as f:
        labels = torch.tensor(list(f.read()), dtype=torch.long, device=device)
    return pix, labels


def one_hot(cfg, labels):
    if cfg.cond == 0:
        return None
    return F.one_hot(labels, cfg.cond).float()


@torch.no_grad()
def bits_per_dim(net, pix, labels, batch=500, head_fp32=True):
    """evaluator.bitsPerDim: mean NLL over the set, bits per sub-pixel."""
    total = 0.0
    for i in range(0, pix.shape[0], batch):
        total += net.nll(pix[i:i + batch], one_hot(net.cfg, labels[i:i + batch]), head_fp32, reduction="sum").item()
    return total / pix.numel() / LN2


class Precision:
    """fp32: strict float32 (TF32 off), as the Go trainer computes; tf32:
    float32 with TF32 matrix products; bf16: bfloat16 autocast for the
    gated layers and W1, float32 (TF32) for the logits and softmax."""

    def __init__(self, mode):
        self.mode = mode

    def __enter__(self):
        strict = self.mode == "fp32"
        self.saved = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32,
                      torch.get_float32_matmul_precision())
        torch.backends.cuda.matmul.allow_tf32 = not strict
        torch.backends.cudnn.allow_tf32 = not strict
        torch.set_float32_matmul_precision("highest" if strict else "high")
        self.ac = torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.mode == "bf16")
        self.ac.__enter__()
        return self

    def __exit__(self, *a):
        self.ac.__exit__(*a)
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32, prec = self.saved
        torch.set_float32_matmul_precision(prec)


# ---------------------------------------------------------------- self-check

def self_check(args, net, pack, digest, size, sets):
    ref = next((r for r in pack.get("references", []) if r.get("sha256") == digest and r["size"] == size), None)
    if ref is None:
        msg = ("no Go reference in pack.json for %s (sha256 %.12s, %d bytes); run here "
               "`.gpu/pack --ref-only --checkpoint %s` and carry .gpu again" % (args.checkpoint, digest, size, args.checkpoint))
        if args.skip_check:
            log("WARNING:", msg)
            return True
        log("SELF-CHECK FAILED:", msg)
        return False
    ok = True
    with Precision("fp32"):
        for name in ("val", "test"):
            if name not in ref["bpd"]:
                continue
            got = bits_per_dim(net, *sets[name])
            want = ref["bpd"][name]
            good = abs(got - want) <= args.tol
            ok &= good
            log("self-check %s: torch fp32 %.5f bits/dim, Go %.5f, difference %+.5f (tolerance %g) %s" %
                (name, got, want, got - want, args.tol, "ok" if good else "MISMATCH"))
    if not ok and ref.get("test_image0_nll"):
        diagnose(net, sets["test"], ref["test_image0_nll"])
    if ok:
        with Precision(args.precision):
            got = bits_per_dim(net, *sets["val"], head_fp32=True)
        log("val under --precision %s: %.5f bits/dim (%+.5f from Go's float32)" % (args.precision, got, got - ref["bpd"]["val"]))
        if abs(got - ref["bpd"]["val"]) > 0.02:
            log("WARNING: --precision %s loses more than 0.02 bits/dim; consider --precision tf32" % args.precision)
    return ok or args.skip_check


@torch.no_grad()
def diagnose(net, test, want):
    """Where the torch model's per-sub-pixel NLL of test image 0 departs
    from Go's: by channel and by row, and the first departure."""
    pix, labels = test
    cfg = net.cfg
    with Precision("fp32"):
        got = net.nll(pix[:1], one_hot(cfg, labels[:1]), reduction="none").tolist()
    H, W, C = pix.shape[1], pix.shape[2], pix.shape[3]
    diff = [g - w for g, w in zip(got, want)]
    first = next((q for q, d in enumerate(diff) if abs(d) > 1e-3), None)
    log("diagnosis on test image 0 (nats per sub-pixel, torch - Go): max |diff| %.4g" % max(abs(d) for d in diff))
    if first is not None:
        p, c = divmod(first, C)
        log("  first departure > 1e-3 at row %d, column %d, channel %d" % (p // W, p % W, c))
    for c in range(C):
        log("  channel %d: mean |diff| %.4g" % (c, sum(abs(diff[q]) for q in range(c, len(diff), C)) / (H * W)))
    rows = [sum(abs(diff[q]) for q in range(y * W * C, (y + 1) * W * C)) / (W * C) for y in range(H)]
    log("  mean |diff| by row: " + " ".join("%.2g" % v for v in rows))
    cols = [sum(abs(diff[(y * W + x) * C + c]) for y in range(H) for c in range(C)) / (H * C) for x in range(W)]
    log("  mean |diff| by column: " + " ".join("%.2g" % v for v in cols))


# ---------------------------------------------------------------- checkpoint out

def make_checkpoint(src, cfg, weights, M, V, step, adam_step, args, extra, train_ema, elapsed_s):
    """A checkpoint in model/train's format: the source's header with the
    step counts, schedule and batch of this run (Go reads unknown keys such
    as "GPU" and ignores them)."""
    h = json.loads(json.dumps(src.header))  # a copy, key order kept
    o = h["Options"]
    o["Batch"] = args.batch
    o["Steps"] = step
    o["LR"] = float(args.lr)
    o["LRFloor"] = float(args.lr_floor)
    o["Warmup"] = args.warmup
    o["DecaySteps"] = step
    o["Resume"] = True
    o["EMA"] = 0  # the weights written are the ones chosen, raw or averaged: no average travels
    h["Step"] = step
    if train_ema is not None and math.isfinite(train_ema):
        h["TrainEMA"] = float(train_ema)
    h["Elapsed"] = int(h.get("Elapsed", 0)) + int(elapsed_s * 1e9)
    h["Adam"]["Step"] = adam_step
    h["GPU"] = extra
    return ckptlib.Checkpoint(h, [to_bytes(t) for t in weights], [to_bytes(t) for t in M], [to_bytes(t) for t in V])


# ---------------------------------------------------------------- main

def main():
    global LOG
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default="model/checkpoints/c3f48l5-s9.ckpt", help="checkpoint to continue")
    ap.add_argument("--pack", default=".gpu", help="folder of pack.json and the labels")
    ap.add_argument("--data", default="/tmp/pxcz-gpu", help="folder of the unpacked .u8 sets")
    ap.add_argument("--out", default=os.environ.get("OUT", "out"), help="where the results go (default $OUT)")
    ap.add_argument("--minutes", type=float, default=7.0, help="training time")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3, help="peak learning rate")
    ap.add_argument("--lr-floor", type=float, default=1e-5, help="learning rate at the end of the cosine")
    ap.add_argument("--warmup", type=int, default=300, help="steps of linear warm-up")
    ap.add_argument("--clip", type=float, default=None, help="gradient-norm limit (default: the checkpoint's Clip)")
    ap.add_argument("--wd", type=float, default=None, help="decoupled weight decay (default: the checkpoint's)")
    ap.add_argument("--fresh-adam", action="store_true", help="start Adam from zero moments instead of the checkpoint's")
    ap.add_argument("--ema", type=float, default=0.999, help="decay of the weights' moving average (0: none)")
    ap.add_argument("--dropout", type=float, default=0.0, help="dropout on the horizontal gates' outputs while training (0: none, as model/train)")
    ap.add_argument("--precision", choices=("bf16", "tf32", "fp32"), default="bf16")
    ap.add_argument("--no-flip", action="store_true", help="do not mirror training images")
    ap.add_argument("--eval-every", type=float, default=45, help="seconds between val evaluations")
    ap.add_argument("--log-every", type=float, default=15, help="seconds between progress lines")
    ap.add_argument("--save-every", type=float, default=120, help="seconds between checkpoints written to --out")
    ap.add_argument("--tol", type=float, default=0.005, help="self-check tolerance, bits/dim")
    ap.add_argument("--skip-check", action="store_true", help="train even when the self-check fails")
    ap.add_argument("--check-only", action="store_true", help="stop after the self-check")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--compile", action="store_true", help="torch.compile the training step (costs compile time; untested)")
    args = ap.parse_args()

    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    LOG = open(os.path.join(args.out, "train.log"), "a")
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device")
    dev = torch.device("cuda")
    torch.manual_seed(args.seed)
    log("torch %s on %s; %s" % (torch.__version__, torch.cuda.get_device_name(0), " ".join(sys.argv[1:])))

    with open(args.checkpoint, "rb") as f:
        raw = f.read()
    digest, size = hashlib.sha256(raw).hexdigest(), len(raw)
    src = ckptlib.decode(raw, args.checkpoint)
    del raw
    cfg = src.config
    shapes = [s for _, s in cfg.shapes()]
    # The weights Go evaluates and exports (the average, when the run kept
    # one), which the self-check compares with Go's NLL.
    P = [to_tensor(b, s, dev).requires_grad_(True) for b, s in zip(src.weights, shapes)]
    if args.fresh_adam:
        M = [torch.zeros_like(p) for p in P]
        V = [torch.zeros_like(p) for p in P]
        adam_step = 0
    else:
        M = [to_tensor(b, s, dev) for b, s in zip(src.m, shapes)]
        V = [to_tensor(b, s, dev) for b, s in zip(src.v, shapes)]
        adam_step = src.adam_step
    ad = src.header["Adam"]
    b1, b2, eps = ad["Beta1"], ad["Beta2"], ad["Eps"]
    wd = ad["WeightDecay"] if args.wd is None else args.wd
    clip = src.header["Options"].get("Clip", 1.0) if args.clip is None else args.clip
    log("checkpoint %s: %s, step %d, Adam step %d, sha256 %.12s; %d weights" %
        (args.checkpoint, cfg, src.step, src.adam_step, digest, sum(p.numel() for p in P)))
    net = Net(cfg, P, dev)

    with open(os.path.join(args.pack, "pack.json")) as f:
        pack = json.load(f)
    sets = {name: load_set(args.pack, args.data, pack, name, dev) for name in ("train", "val", "test")}
    log("data: %s (%.1fs since start)" % (", ".join("%s %d" % (n, s[0].shape[0]) for n, s in sets.items()), time.time() - t0))

    if not self_check(args, net, pack, digest, size, sets):
        log("stopping before training: the PyTorch model does not compute what model/train computes")
        sys.exit(3)
    if args.check_only:
        return

    # ---- training
    train_pix, train_lab = sets["train"]
    n = train_pix.shape[0]
    B = args.batch
    if B > n:
        raise SystemExit("batch %d exceeds the %d training images" % (B, n))
    ema = [p.detach().clone() for p in P] if args.ema > 0 else None
    budget = args.minutes * 60
    start_step = src.step
    step = 0
    best = {"bpd": float("inf")}
    perm, pos, epoch = torch.randperm(n, device=dev), 0, 0

    def batch():
        nonlocal perm, pos, epoch
        if pos + B > n:  # a fresh order each epoch (the remainder waits)
            perm, pos, epoch = torch.randperm(n, device=dev), 0, epoch + 1
        idx = perm[pos:pos + B]
        pos += B
        x = train_pix[idx]
        if not args.no_flip:  # corpus.Batches: mirror with probability 1/2
            flip = torch.rand(B, device=dev) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(2), x)
        return x, one_hot(cfg, train_lab[idx])

    def loss_fn(x, c):
        return net.nll(x, c, head_fp32=True, dropout=args.dropout)

    if args.compile:
        loss_fn = torch.compile(loss_fn)

    def lr_at(step, frac):
        """Schedule.LR with the cosine in training time rather than steps."""
        warm = min(1.0, (step + 1) / args.warmup) if args.warmup > 0 else 1.0
        frac = min(max(frac, 0.0), 1.0)
        return warm * (args.lr_floor + (args.lr - args.lr_floor) * (1 + math.cos(math.pi * frac)) / 2)

    def evaluate(weights):
        saved = [p.detach().clone() for p in P]
        with torch.no_grad():
            for p, w in zip(P, weights):
                p.copy_(w)
        with Precision("fp32"):
            v = bits_per_dim(net, *sets["val"])
        with torch.no_grad():
            for p, s in zip(P, saved):
                p.copy_(s)
        return v

    def save(tag):
        extra = {"source": args.checkpoint, "source_step": start_step, "steps": step,
                 "images": step * B, "device": torch.cuda.get_device_name(0),
                 "val_bpd": best.get("bpd"), "best": best.get("what"), "best_step": best.get("step"),
                 "train_images": n, "precision": args.precision, "tag": tag}
        trained = time.time() - t_train
        last = make_checkpoint(src, cfg, P, M, V, start_step + step, adam_step + step, args, extra, train_ema, trained)
        ckptlib.write(os.path.join(args.out, "last.ckpt"), last)
        if "weights" in best:
            b = make_checkpoint(src, cfg, best["weights"], M, V, start_step + step, adam_step + step, args,
                                dict(extra, weights=best["what"]), train_ema, trained)
            ckptlib.write(os.path.join(args.out, "best.ckpt"), b)

    def consider(weights, what):
        v = evaluate(weights)
        if v < best["bpd"]:
            best.update(bpd=v, what=what, step=start_step + step, weights=[w.detach().clone() for w in weights])
        return v

    v0 = consider(P, "start")
    log("val at the start: %.5f bits/dim" % v0)
    train_ema = None
    loss_acc = torch.zeros((), device=dev)
    acc_n = 0
    gnorm = torch.zeros((), device=dev)
    t_train = time.time()
    last_log = last_eval = last_save = t_train
    log_step = 0
    log("training %s on %d images, batch %d, lr %g -> %g (warm-up %d steps), clip %g, wd %g, ema %g, %s, %.1f minutes" %
        (cfg, n, B, args.lr, args.lr_floor, args.warmup, clip, wd, args.ema, args.precision, args.minutes))
    with Precision(args.precision):
        while True:
            now = time.time()
            frac = (now - t_train) / budget
            if frac >= 1:
                break
            x, c = batch()
            loss = loss_fn(x, c)
            # Tensors the pass does not use (VC, HC without conditioning)
            # get zero gradients, as in the Go trainer.
            grads = [torch.zeros_like(p) if g is None else g
                     for p, g in zip(P, torch.autograd.grad(loss, P, allow_unused=True))]
            gnorm = clip_norm(grads, clip)
            lr = lr_at(step, frac)
            adam_update(P, grads, M, V, adam_step + step + 1, lr, b1, b2, eps, wd)
            if ema is not None:
                with torch.no_grad():
                    torch._foreach_lerp_(ema, [p.detach() for p in P], 1 - args.ema)
            step += 1
            loss_acc += loss.detach()
            acc_n += 1
            if now - last_log >= args.log_every:
                bpd = loss_acc.item() / acc_n / LN2
                if not math.isfinite(bpd):
                    log("loss %g at step %d: stopping; the checkpoints written so far stand" % (bpd, step))
                    sys.exit(4)
                train_ema = bpd
                rate = (step - log_step) / (now - last_log)
                log("step %d  %.1f steps/s  %.0f img/s  epoch %d  lr %.2e  |g| %.3g  train %.4f bpd  (%.0fs)" %
                    (start_step + step, rate, rate * B, epoch, lr, gnorm.item(), bpd, now - t_train))
                loss_acc.zero_()
                acc_n, last_log, log_step = 0, now, step
            if now - last_eval >= args.eval_every:
                v = consider(P, "raw")
                ve = consider(ema, "ema") if ema is not None else float("nan")
                log("eval at step %d: val %.5f bpd (ema %.5f); best %.5f (%s at step %d)" %
                    (start_step + step, v, ve, best["bpd"], best["what"], best["step"]))
                last_eval = time.time()
            if now - last_save >= args.save_every:
                save("periodic")
                last_save = time.time()
    trained = time.time() - t_train
    log("trained %d steps (%d images, %.1f epochs) in %.1fs" % (step, step * B, step * B / n, trained))
    v = consider(P, "raw")
    ve = consider(ema, "ema") if ema is not None else float("nan")
    log("final: val %.5f bpd (ema %.5f); best %.5f (%s at step %d)" % (v, ve, best["bpd"], best["what"], best["step"]))
    save("final")

    # The test images, strict float32, for the start, the last and the best weights.
    results = {"val_start": v0, "val_last": v, "val_ema": ve, "val_best": best["bpd"], "best": best["what"],
               "best_step": best["step"], "steps": step, "images": step * B, "train_seconds": trained,
               "train_images": n, "batch": B, "checkpoint": args.checkpoint, "source_step": start_step}
    start_w = [to_tensor(b, s, dev) for b, s in zip(src.weights, shapes)]
    for tag, w in (("start", start_w), ("last", list(P)), ("best", best["weights"])):
        saved = [p.detach().clone() for p in P]
        with torch.no_grad():
            for p, x in zip(P, w):
                p.copy_(x)
        with Precision("fp32"):
            results["test_" + tag] = bits_per_dim(net, *sets["test"])
        with torch.no_grad():
            for p, s in zip(P, saved):
                p.copy_(s)
    log("test (%d images, float32): start %.5f, last %.5f, best %.5f bits/dim" %
        (sets["test"][0].shape[0], results["test_start"], results["test_last"], results["test_best"]))
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(results, f, indent=2)
    log("done in %.1fs; wrote best.ckpt, last.ckpt, summary.json, train.log to %s" % (time.time() - t0, args.out))


if __name__ == "__main__":
    main()
