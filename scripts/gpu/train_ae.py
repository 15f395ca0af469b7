#!/usr/bin/env python3
"""Train pxcz's lossy auto-encoder (head-only) on a GPU, in PyTorch.

A literal transcription of model/ae's float passes as `pxcz train-ae
--head-only` runs them (net.go, conv.go, prior.go, head.go, joint.go, run.go)
and of model/train's Adam, ClipNorm and schedule, reading and writing
model/ae's checkpoint format (scripts/gpu/aeckpt.py), on the photographs
scripts/gpu/aepack packed. See scripts/gpu/README.md for the device call.

The network (`go doc ./model/ae`): x = (p-128)/128; analysis = Stages
stride-2 KxK convolutions (zero padding K/2), the activation between them
(ReLU at Leak 0, else the leaky ReLU of slope 2^-Leak), to Latent channels;
the code y plus uniform noise in [-1/2, 1/2) while training, rounded (half to
even) when measuring; its rate -log2 of the unit bin's probability under a
per-channel logistic (Mu, LogScale); synthesis = Stages times (nearest
upsampling by 2 cropped to the analysis level's size, then a KxK stride-1
convolution), the activation between, the last giving the Cond-channel map;
the map head x~ = W.s + B per pixel. Loss = Lambda*rate (bits per sub-pixel)
+ MSE*mean((x~ - x)^2).

Before it trains it checks itself: --checkpoint's rate and head error on the
pack's check crops, computed here in strict float32, must be within --tol
(relative) of what model/ae's Go code computed for the same file and crops
(aepack.json's references). Otherwise it stops, exit status 3, having spent
no GPU time on training, after printing where it departs (the code of crop
0, the code's and the map's channel means: the analysis, the synthesis or
the head).

Then it trains for --minutes, continuing --checkpoint (weights and Adam
state), or with --init from fresh weights of a new architecture (the
checkpoint then lends its options and its PixelCNN, which a head-only run
carries but never uses). Every --eval-every seconds it measures the val
crops (rounded code, float32), for the weights and their moving average, and
keeps the best by the loss. It writes to --out, every --save-every seconds
and at the end:

    best.ckpt    the weights (raw or averaged) of the lowest val loss seen,
                 with the last Adam moments: export this (`pxcz export-ae`)
    last.ckpt    the last raw weights and Adam state: continue from this
    summary.json the numbers, train.log the progress lines
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aeckpt  # noqa: E402
import ckpt as ckptlib  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import train as tlib  # noqa: E402  to_tensor, to_bytes, clip_norm, adam_update, Precision, log

LN2 = math.log(2)
log = tlib.log


# ---------------------------------------------------------------- the network

class AE:
    """The auto-encoder of aeckpt.AEConfig cfg: P its weights in
    Params.Tensors() order, as stored (a convolution's W [out][(ky*K+kx)*in
    + ci]), head [W [Channels][Cond], B [Channels]]."""

    def __init__(self, cfg, P, head):
        self.cfg, self.P, self.head = cfg, P, head

    def conv_w(self, i, cin):
        """Tensor i, a convolution's [out][(ky*K+kx)*cin+ci], as conv2d's
        [out][cin][ky][kx]: the same weights, indexed alike (conv2d, like
        im2col, correlates: output (y, x) reads input (y*s+ky-K/2, ...))."""
        K = self.cfg.K
        w = self.P[i]
        return w.view(w.shape[0], K, K, cin).permute(0, 3, 1, 2)

    def act(self, v):
        """activate: negative values times 2^-Leak, or 0 at Leak 0."""
        leak = self.cfg.leak
        return F.relu(v) if leak == 0 else F.leaky_relu(v, 2.0 ** -leak)

    def analysis(self, x):
        """x [N][C][H][W] to the code y [N][Latent][h'][w'] (Net.Forward)."""
        cfg = self.cfg
        for s in range(cfg.S):
            cin, _ = cfg.analysis_io(s)
            # Stride 2, zero padding K/2: ceil(n/2) outputs, output y reading
            # inputs 2y-K/2 .. 2y+K/2, as conv.outDims and im2colRow.
            x = F.conv2d(x, self.conv_w(2 * s, cin), self.P[2 * s + 1], stride=2, padding=cfg.K // 2)
            if s < cfg.S - 1:
                x = self.act(x)
        return x

    def synthesis(self, y, H, W):
        """The code [N][Latent][h'][w'] to the map [N][Cond][H][W]
        (Net.synthesize)."""
        cfg = self.cfg
        hs, ws = cfg.sizes(H), cfg.sizes(W)
        for s in range(cfg.S):
            lv = cfg.S - 1 - s  # the analysis level whose size stage s restores
            # upsample: out(y, x) = in(y/2, x/2), cropped to that level.
            y = F.interpolate(y, scale_factor=2, mode="nearest")[:, :, :hs[lv], :ws[lv]]
            i = 2 * cfg.S + 2 * s
            cin, _ = cfg.synthesis_io(s)
            y = F.conv2d(y, self.conv_w(i, cin), self.P[i + 1], padding=cfg.K // 2)
            if s < cfg.S - 1:
                y = self.act(y)
        return y

    def bits(self, v):
        """Prior.bits of every code value v [N][Latent][h][w], in float64:
        -log2(σ(a) - σ(b)), a, b = (v ± 1/2 - Mu[c])·exp(-LogScale[c]),
        worked on the left of the logistic (logDiff) so as not to cancel."""
        L = self.cfg.latent
        mu = self.P[4 * self.cfg.S].double().view(1, L, 1, 1)
        inv = torch.exp(-self.P[4 * self.cfg.S + 1].double()).view(1, L, 1, 1)
        v = v.double()
        a, b = (v + 0.5 - mu) * inv, (v - 0.5 - mu) * inv
        flip = a + b > 0  # σ(a) - σ(b) = σ(-b) - σ(-a)
        a, b = torch.where(flip, -b, a), torch.where(flip, -a, b)
        la, lb = F.logsigmoid(a), F.logsigmoid(b)
        return -(la + torch.log1p(-torch.exp(lb - la))) / LN2

    def terms(self, pix, noise):
        """The loss terms of a batch pix [N][H][W][C] uint8: the rate (bits
        per sub-pixel) and the head's squared error per image, [N] each, and
        the code [N][Latent][h'][w'] and map [N][Cond][H][W]. With noise the
        code gets uniform noise in [-1/2, 1/2) (training), else it is
        rounded half to even (math.RoundToEven, as the coder)."""
        N, H, W, C = pix.shape
        x = ((pix.float() - 128) / 128).permute(0, 3, 1, 2)
        y = self.analysis(x).float()
        code = y + (torch.rand_like(y) - 0.5) if noise else torch.round(y)
        rate = self.bits(code).sum(dim=(1, 2, 3)) / (C * H * W)
        smap = self.synthesis(code, H, W)
        with torch.autocast("cuda", enabled=False):  # headMSE: float32
            hw, hb = self.head
            pred = F.conv2d(smap.float(), hw.view(C, self.cfg.cond, 1, 1), hb)  # x~[c] = B[c] + Σ_d W[c·D+d]·s[d]
            mse = ((pred - x) ** 2).mean(dim=(1, 2, 3))
        return rate, mse, code, smap


def init_random(cfg, gen, dev):
    """Params.InitRandom's distribution (not its numbers: Go's generator is
    not ours): weights uniform in ±gain·sqrt(6/fan-in), fan-in K·K·in, gain
    0.1 for the last synthesis stage and 1 elsewhere, biases 0, the prior
    Mu 0 and LogScale 1; and newHead's zero head."""
    P = []
    kk = cfg.K * cfg.K
    for part, io in (("A", cfg.analysis_io), ("S", cfg.synthesis_io)):
        for s in range(cfg.S):
            cin, cout = io(s)
            gain = 0.1 if part == "S" and s == cfg.S - 1 else 1.0
            a = gain * math.sqrt(6 / (kk * cin))
            P.append(((2 * torch.rand(cout, kk * cin, generator=gen, dtype=torch.float64) - 1) * a).float().to(dev))
            P.append(torch.zeros(cout, device=dev))
    P += [torch.zeros(cfg.latent, device=dev), torch.ones(cfg.latent, device=dev)]
    head = [torch.zeros(cfg.C, cfg.cond, device=dev), torch.zeros(cfg.C, device=dev)]
    return P, head


# ---------------------------------------------------------------- data

def u8_bytes(t):
    """A uint8 tensor's bytes, for CRCs."""
    t = t.detach().to("cpu").contiguous().view(-1)
    try:
        return t.numpy().tobytes()
    except (RuntimeError, TypeError, ImportError):  # torch without numpy
        return bytes(t.tolist())


def load_photos(pack_dir, pack, crop, dev):
    """The training photographs, decoded (two running sums modulo 256 undo
    aepack's 2-D difference) into one zero-padded tensor [P][Hmax][Wmax][3]
    on dev, with their heights and widths; those smaller than crop are
    left out, as corpus.NewCrops leaves them."""
    with open(os.path.join(pack_dir, pack["file"]), "rb") as f:
        data = f.read()
    photos = [p for p in pack["photos"] if p["w"] >= crop and p["h"] >= crop]
    if not photos:
        raise SystemExit("no packed photograph is %dx%d or larger" % (crop, crop))
    T = torch.zeros(len(photos), max(p["h"] for p in photos), max(p["w"] for p in photos), 3, dtype=torch.uint8, device=dev)
    for i, p in enumerate(photos):
        d = zlib.decompress(data[p["offset"]:p["offset"] + p["bytes"]])
        t = torch.frombuffer(bytearray(d), dtype=torch.uint8).view(p["h"], p["w"], 3).to(dev, torch.int32)
        t = ((t.cumsum(1) & 255).cumsum(0) & 255).to(torch.uint8)
        if "%08x" % (zlib.crc32(u8_bytes(t)) & 0xFFFFFFFF) != p["crc32"]:
            raise SystemExit("%s: decoded pixels differ from aepack.json's CRC: pack again" % p["name"])
        T[i, :p["h"], :p["w"]] = t
    hs = torch.tensor([p["h"] for p in photos], device=dev)
    ws = torch.tensor([p["w"] for p in photos], device=dev)
    return T, hs, ws


def load_val(pack_dir, pack, dev):
    v = pack["val"]
    with open(os.path.join(pack_dir, v["file"]), "rb") as f:
        raw = zlib.decompress(f.read())
    if "%08x" % (zlib.crc32(raw) & 0xFFFFFFFF) != v["crc32"]:
        raise SystemExit("%s: CRC differs from aepack.json: pack again" % v["file"])
    return torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(v["count"], v["size"], v["size"], 3).to(dev)


# ---------------------------------------------------------------- measuring

@torch.no_grad()
def measure(net, pix, batch=8):
    """Joint.Loss over a set: the mean rate (bits per sub-pixel) and head
    error of the rounded code, and each crop's."""
    rates, mses = [], []
    for i in range(0, pix.shape[0], batch):
        r, m, _, _ = net.terms(pix[i:i + batch], noise=False)
        rates += r.tolist()
        mses += m.tolist()
    return sum(rates) / len(rates), sum(mses) / len(mses), rates, mses


def psnr(mse):
    """run.go's psnr: in x = (p-128)/128 the peak 255 is 255/128."""
    return 10 * math.log10(255.0 * 255 / (mse * 128 * 128)) if mse > 0 else float("inf")


def self_check(args, net, pack, digest, size, val):
    ref = next((r for r in pack.get("references", []) if r.get("sha256") == digest and r["size"] == size), None)
    if ref is None:
        msg = ("no Go reference in aepack.json for %s (sha256 %.12s, %d bytes); run here "
               "`go run ./scripts/gpu/aepack --ref-only --ref %s` and carry .gpu/ae again" % (args.checkpoint, digest, size, args.checkpoint))
        log(("WARNING: " if args.skip_check else "SELF-CHECK FAILED: ") + msg)
        return args.skip_check
    n = ref["images"]
    check = val[:n]
    if (check.shape[1], check.shape[2]) != (ref["h"], ref["w"]):
        log("SELF-CHECK FAILED: the reference is of %dx%d crops, the pack's are %dx%d" % (ref["w"], ref["h"], check.shape[2], check.shape[1]))
        return args.skip_check
    with tlib.Precision("fp32"), torch.no_grad():
        rate, mse, rates, mses = measure(net, check)
        _, _, code, smap = net.terms(check, noise=False)
    ok = True
    for name, got, want in (("rate", rate, ref["rate"]), ("head MSE", mse, ref["mse"])):
        rel = abs(got - want) / max(abs(want), 1e-12)
        good = rel <= args.tol
        ok &= good
        log("self-check %s on %d crops: torch fp32 %.7g, Go %.7g, difference %+.3g (relative %.2g, tolerance %g) %s" %
            (name, n, got, want, got - want, rel, args.tol, "ok" if good else "MISMATCH"))
    worst = max(range(n), key=lambda i: abs(rates[i] - ref["per_image"][i][0]) / max(ref["per_image"][i][0], 1e-12)
                + abs(mses[i] - ref["per_image"][i][1]) / max(ref["per_image"][i][1], 1e-12))
    log("  worst crop %d: rate %.7g (Go %.7g), MSE %.7g (Go %.7g)" %
        (worst, rates[worst], ref["per_image"][worst][0], mses[worst], ref["per_image"][worst][1]))
    # Where it departs: the code (the analysis), the map (the synthesis) or
    # only the head's error (the head). A code value on the edge of a
    # rounding may round the other way in float32 here; more than 1% of
    # crop 0's may not.
    code0 = code[0].permute(1, 2, 0).reshape(-1).tolist()  # [h'][w'][Latent], as Go stores it
    if len(code0) != len(ref["code0"]):
        log("  crop 0's code: %d values here, %d in Go: MISMATCH" % (len(code0), len(ref["code0"])))
        return args.skip_check
    diffs = [abs(a - b) for a, b in zip(code0, ref["code0"])]
    bad = sum(d > 0 for d in diffs)
    good = bad <= 0.01 * len(diffs)
    ok &= good
    log("  crop 0's code: %d of %d values differ from Go's (max |diff| %g) %s" %
        (bad, len(diffs), max(diffs), "ok" if good else "MISMATCH"))
    for name, got, want in (("code", code.mean(dim=(0, 2, 3)).tolist(), ref["code_mean"]),
                            ("map", smap.float().mean(dim=(0, 2, 3)).tolist(), ref["map_mean"])):
        # Not gated: a code value rounded the other way moves them too.
        log("  %s channel means: max |diff| %.3g of values up to %.3g" %
            (name, max(abs(a - b) for a, b in zip(got, want)), max(abs(b) for b in want)))
    return ok or args.skip_check


# ---------------------------------------------------------------- checkpoints

def make_checkpoint(src_pc, P, head, M, V, HM, HV, h, moments):
    """A checkpoint in model/ae's format of header h (aeckpt.run_header),
    these tensors and the source's PixelCNN groups src_pc. Without moments
    its Adam states are fresh ones (zero moments, step 0): the weights
    alone, which deflate to their own size."""
    b = tlib.to_bytes
    if moments:
        m, v, hm, hv = ([b(t) for t in g] for g in (M, V, HM, HV))
    else:
        h = json.loads(json.dumps(h))
        h["AEAdam"]["Step"] = h["HeadAdam"]["Step"] = 0
        h["GPU"]["moments"] = "none: Adam starts afresh"
        m = v = [bytes(4 * t.numel()) for t in P]
        hm = hv = [bytes(4 * t.numel()) for t in head]
    return aeckpt.AECheckpoint(h, [[b(t) for t in P], m, v, *src_pc, [b(t) for t in head], hm, hv])


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=".gpu/ae/start.ckpt", help="model/ae checkpoint (head-only) to check and continue")
    ap.add_argument("--init", default=None, metavar="FIELD=N,...",
                    help="train fresh weights of the checkpoint's architecture with these ae.Config fields changed "
                         "(e.g. Width=192,Latent=192; empty: the same architecture) instead of continuing")
    ap.add_argument("--pack", default=".gpu/ae", help="folder of aepack.json")
    ap.add_argument("--out", default=os.environ.get("OUT", "out"), help="where the results go (default $OUT)")
    ap.add_argument("--minutes", type=float, default=7.0, help="training time")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=256, help="side of the training crops")
    ap.add_argument("--lr", type=float, default=None, help="peak learning rate (default: the checkpoint's LR)")
    ap.add_argument("--lr-floor", type=float, default=None, help="final learning rate as a fraction of the peak (default: the checkpoint's LRFloor)")
    ap.add_argument("--warmup", type=int, default=500, help="steps of linear warm-up")
    ap.add_argument("--lambda", dest="lam", type=float, default=None, help="weight of the rate (default: the checkpoint's Lambda)")
    ap.add_argument("--mse", type=float, default=None, help="weight of the head's squared error (default: the checkpoint's MSE)")
    ap.add_argument("--clip", type=float, default=None, help="gradient-norm limit, 0 off (default: the checkpoint's Clip)")
    ap.add_argument("--fresh-adam", action="store_true", help="start Adam from zero moments instead of the checkpoint's")
    ap.add_argument("--ema", type=float, default=0.999, help="decay of the weights' moving average (0: none)")
    ap.add_argument("--precision", choices=("bf16", "tf32", "fp32"), default="tf32",
                    help="training precision (measuring is always float32)")
    ap.add_argument("--no-flip", action="store_true", help="do not mirror training crops")
    ap.add_argument("--eval-every", type=float, default=45, help="seconds between val evaluations")
    ap.add_argument("--log-every", type=float, default=15, help="seconds between progress lines")
    ap.add_argument("--save-every", type=float, default=120, help="seconds between checkpoints written to --out")
    ap.add_argument("--tol", type=float, default=1e-3, help="self-check tolerance, relative, on the rate and on the head's error")
    ap.add_argument("--skip-check", action="store_true", help="train even when the self-check fails")
    ap.add_argument("--check-only", action="store_true", help="stop after the self-check")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    tlib.LOG = open(os.path.join(args.out, "train.log"), "a")
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device")
    dev = torch.device("cuda")
    torch.manual_seed(args.seed)
    torch.backends.cudnn.benchmark = True
    log("torch %s on %s; %s" % (torch.__version__, torch.cuda.get_device_name(0), " ".join(sys.argv[1:])))

    with open(args.checkpoint, "rb") as f:
        raw = f.read()
    digest, size = hashlib.sha256(raw).hexdigest(), len(raw)
    src = aeckpt.decode(raw, args.checkpoint)
    del raw
    o = src.header["Options"]
    if not src.has_head:
        raise SystemExit("%s has no map head (MSE 0): nothing to train or check" % args.checkpoint)
    cfg = src.config
    shapes = [s for _, s in cfg.shapes()]
    hshapes = [s for _, s in cfg.head_shapes()]
    P = [tlib.to_tensor(b, s, dev) for b, s in zip(src.ae, shapes)]
    head = [tlib.to_tensor(b, s, dev) for b, s in zip(src.head, hshapes)]
    log("checkpoint %s: %s (PixelCNN %s), step %d, sha256 %.12s; %d weights" %
        (args.checkpoint, cfg, src.pc_config, src.step, digest, sum(p.numel() for p in P + head)))

    with open(os.path.join(args.pack, "aepack.json")) as f:
        pack = json.load(f)
    val = load_val(args.pack, pack, dev)
    if not self_check(args, AE(cfg, P, head), pack, digest, size, val):
        log("stopping before training: the PyTorch model does not compute what model/ae computes")
        sys.exit(3)
    if args.check_only:
        return

    # ---- what to train
    if args.init is not None:
        try:
            cfg = aeckpt.parse_config(args.init, src.config)
        except ValueError as e:
            raise SystemExit("--init: %s" % e)
        gen = torch.Generator().manual_seed(args.seed)
        P, head = init_random(cfg, gen, dev)
        header = aeckpt.fresh_header(src, cfg)
        args.fresh_adam = True
        log("fresh weights of %s (%d weights); options and the PixelCNN from %s" % (cfg, sum(p.numel() for p in P + head), args.checkpoint))
    else:
        if not o.get("HeadOnly"):
            raise SystemExit("%s is not a head-only run: this trainer continues only those (or start one with --init)" % args.checkpoint)
        header = src.header
    src_pc = aeckpt.pixelcnn_groups(src, cfg.cond)
    for t in P + head:
        t.requires_grad_(True)
    if args.fresh_adam:
        M, V = [torch.zeros_like(p) for p in P], [torch.zeros_like(p) for p in P]
        HM, HV = [torch.zeros_like(p) for p in head], [torch.zeros_like(p) for p in head]
        ae_step0 = head_step0 = 0
    else:
        M = [tlib.to_tensor(b, s, dev) for b, s in zip(src.ae_m, shapes)]
        V = [tlib.to_tensor(b, s, dev) for b, s in zip(src.ae_v, shapes)]
        HM = [tlib.to_tensor(b, s, dev) for b, s in zip(src.head_m, hshapes)]
        HV = [tlib.to_tensor(b, s, dev) for b, s in zip(src.head_v, hshapes)]
        ae_step0, head_step0 = header["AEAdam"]["Step"], header["HeadAdam"]["Step"]
    ho = header["Options"]
    args.lr = ho["LR"] if args.lr is None else args.lr
    args.lr_floor = ho.get("LRFloor", 0.0) if args.lr_floor is None else args.lr_floor
    args.lam = ho["Lambda"] if args.lam is None else args.lam
    args.mse = ho["MSE"] if args.mse is None else args.mse
    args.clip = ho.get("Clip", 0.0) if args.clip is None else args.clip
    if not args.mse > 0:
        raise SystemExit("--mse must be above 0: the head's error is the distortion")
    ad, hd = header["AEAdam"], header["HeadAdam"]
    net = AE(cfg, P, head)

    T, hs, ws = load_photos(args.pack, pack, args.crop, dev)
    log("data: %d training photographs (%.1f Mpixels), %d val crops of %d; %.1fs since start" %
        (T.shape[0], (hs * ws).sum().item() / 1e6, val.shape[0], val.shape[1], time.time() - t0))
    B, S = args.batch, args.crop
    ar = torch.arange(S, device=dev)

    def batch():
        """Crops.Sample on the device: a photograph uniformly, then a
        position uniformly within it; mirrored with probability 1/2."""
        pi = torch.randint(0, T.shape[0], (B,), device=dev)
        y0 = torch.minimum((torch.rand(B, device=dev) * (hs[pi] - S + 1)).long(), hs[pi] - S)
        x0 = torch.minimum((torch.rand(B, device=dev) * (ws[pi] - S + 1)).long(), ws[pi] - S)
        x = T[pi[:, None, None], (y0[:, None] + ar)[:, :, None], (x0[:, None] + ar)[:, None, :]]
        if not args.no_flip:
            flip = torch.rand(B, device=dev) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(2), x)
        return x

    start_step = header["Step"]
    lw = ho.get("LambdaWarmup", 0)

    def lam_at(step):
        """run.lambda at global step."""
        if step >= 2 * lw:
            return args.lam
        if step < lw:
            return 0.0
        return args.lam * (step - lw + 1) / lw

    def lr_at(k, frac):
        """Schedule.LR times the peak: the warm-up in steps, the cosine to
        the floor in training time."""
        warm = min(1.0, (k + 1) / args.warmup) if args.warmup > 0 else 1.0
        frac = min(max(frac, 0.0), 1.0)
        return args.lr * warm * (args.lr_floor + (1 - args.lr_floor) * (1 + math.cos(math.pi * frac)) / 2)

    params = P + head
    ema = [p.detach().clone() for p in params] if args.ema > 0 else None
    best = {"loss": float("inf")}

    def evaluate(weights):
        """Val loss at the final λ of the rounded code, float32, of weights."""
        saved = [p.detach().clone() for p in params]
        with torch.no_grad():
            for p, w in zip(params, weights):
                p.copy_(w)
        with tlib.Precision("fp32"):
            rate, mse, _, _ = measure(net, val)
        with torch.no_grad():
            for p, s in zip(params, saved):
                p.copy_(s)
        return {"loss": args.lam * rate + args.mse * mse, "rate_bpp": rate * cfg.C, "psnr": psnr(mse), "rate": rate, "mse": mse}

    def consider(weights, what):
        v = evaluate(weights)
        if v["loss"] < best["loss"]:
            best.update(v, what=what, step=start_step + step, weights=[w.detach().clone() for w in weights])
        return v

    def fmt(v):
        return "loss %.5f, %.4f bpp, %.2f dB" % (v["loss"], v["rate_bpp"], v["psnr"])

    step = 0
    v0 = consider(params, "start")
    log("val at the start (%d crops of %d): %s" % (val.shape[0], val.shape[1], fmt(v0)))
    if args.precision != "fp32":
        with tlib.Precision(args.precision):
            rate, mse, _, _ = measure(net, val)
        log("val under --precision %s: %s" % (args.precision, fmt({"loss": args.lam * rate + args.mse * mse, "rate_bpp": rate * cfg.C, "psnr": psnr(mse)})))
    train_rate = None

    def save(tag):
        extra = {"source": args.checkpoint, "source_step": start_step, "init": args.init, "steps": step,
                 "crops": step * B, "crop": S, "device": torch.cuda.get_device_name(0),
                 "val": {k: best.get(k) for k in ("loss", "rate_bpp", "psnr")}, "best": best.get("what"),
                 "best_step": best.get("step"), "precision": args.precision, "tag": tag}
        trained = time.time() - t_train

        def variants(w, what):
            h = aeckpt.run_header(header, start_step + step, ae_step0 + step, head_step0 + step, trained, train_rate,
                                  B, S, args.lr, args.lr_floor, args.warmup, args.clip, args.lam, args.mse,
                                  dict(extra, weights=what))
            return [lambda m=m: make_checkpoint(src_pc, w[:len(P)], w[len(P):], M, V, HM, HV, h, m) for m in (True, False)]
        sent = aeckpt.send_back(args.out, [("best.ckpt", variants(best["weights"], best["what"])), ("last.ckpt", variants(params, "raw"))])
        kinds = ("with Adam's moments", "weights only")
        log("wrote %s (%s)" % ("; ".join("%s %s, %.1f MB gzipped" % (n, kinds[k], z / 1e6) if k is not None else "%s: too large to come back" % n
                                          for n, (k, z) in sent.items()), tag))

    budget = args.minutes * 60
    acc = torch.zeros(3, device=dev)
    acc_n = 0
    gnorm = torch.zeros((), device=dev)
    log("training %s: batch %d crops of %d, λ %g, MSE weight %g, lr %g (floor ×%g, warm-up %d steps), clip %g, ema %g, %s, %.1f minutes"
        % (cfg, B, S, args.lam, args.mse, args.lr, args.lr_floor, args.warmup, args.clip, args.ema, args.precision, args.minutes))
    t_train = time.time()
    last_log = last_eval = last_save = t_train
    log_step = 0
    with tlib.Precision(args.precision):
        while True:
            now = time.time()
            frac = (now - t_train) / budget
            if frac >= 1:
                break
            x = batch()
            lam = lam_at(start_step + step)
            rate, mse, _, _ = net.terms(x, noise=True)
            rate, mse = rate.mean(), mse.mean()
            loss = lam * rate.float() + args.mse * mse
            grads = list(torch.autograd.grad(loss, params))
            gnorm = tlib.clip_norm(grads, args.clip)  # one norm over the auto-encoder's and the head's, as Joint.Step
            lr = lr_at(step, frac)
            tlib.adam_update(P, grads[:len(P)], M, V, ae_step0 + step + 1, lr, ad["Beta1"], ad["Beta2"], ad["Eps"], ad["WeightDecay"])
            tlib.adam_update(head, grads[len(P):], HM, HV, head_step0 + step + 1, lr, hd["Beta1"], hd["Beta2"], hd["Eps"], hd["WeightDecay"])
            if ema is not None:
                with torch.no_grad():
                    torch._foreach_lerp_(ema, [p.detach() for p in params], 1 - args.ema)
            step += 1
            acc += torch.stack([loss.detach().float(), rate.detach().float(), mse.detach().float()])
            acc_n += 1
            if now - last_log >= args.log_every:
                lo, ra, ms = (acc / acc_n).tolist()
                if not math.isfinite(lo):
                    log("loss %g at step %d: stopping; the checkpoints written so far stand" % (lo, step))
                    sys.exit(4)
                train_rate = ra
                r = (step - log_step) / (now - last_log)
                log("step %d  %.1f steps/s  %.0f crops/s  lr %.2e  λ %g  |g| %.3g  train loss %.5f  %.4f bpp  %.2f dB  (%.0fs)" %
                    (start_step + step, r, r * B, lr, lam, gnorm.item(), lo, ra * cfg.C, psnr(ms), now - t_train))
                acc.zero_()
                acc_n, last_log, log_step = 0, now, step
            if now - last_eval >= args.eval_every:
                v = consider(params, "raw")
                ve = consider(ema, "ema") if ema is not None else None
                log("eval at step %d: val %s%s; best loss %.5f (%s at step %d)" %
                    (start_step + step, fmt(v), "" if ve is None else " (ema %s)" % fmt(ve), best["loss"], best["what"], best["step"]))
                last_eval = time.time()
            if now - last_save >= args.save_every:
                save("periodic")
                last_save = time.time()
    trained = time.time() - t_train
    log("trained %d steps (%d crops of %d) in %.1fs" % (step, step * B, S, trained))
    v = consider(params, "raw")
    ve = consider(ema, "ema") if ema is not None else None
    log("final: val %s%s; best loss %.5f (%s at step %d)" %
        (fmt(v), "" if ve is None else " (ema %s)" % fmt(ve), best["loss"], best["what"], best["step"]))
    save("final")
    results = {"val_start": v0, "val_last": v, "val_ema": ve,
               "val_best": {k: best[k] for k in ("loss", "rate_bpp", "psnr", "rate", "mse")}, "best": best["what"],
               "best_step": best["step"], "steps": step, "crops": step * B, "crop": S, "batch": B,
               "train_seconds": trained, "checkpoint": args.checkpoint, "source_step": start_step, "init": args.init,
               "config": aeckpt.config_json(cfg), "lambda": args.lam, "mse_weight": args.mse}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(results, f, indent=2)
    log("done in %.1fs; wrote best.ckpt, last.ckpt, summary.json, train.log to %s" % (time.time() - t0, args.out))


if __name__ == "__main__":
    main()
