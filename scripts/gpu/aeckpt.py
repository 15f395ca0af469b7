"""Read and write pxcz auto-encoder checkpoints with the Python standard library.

A transcription of model/ae/checkpoint.go (format version 1) on the tensor
file layout of model/train/tensorfile.go, all integers and floats
little-endian:

    magic   8 bytes "PXCZAET" then format version 1
    n       uint32, length of the header (at most 1 MiB)
    header  n bytes of JSON: Options (Config the auto-encoder's, PixelCNN the
            decoder's model.Config, CondOnly, MSE, ...), Step, TrainNLL,
            TrainRate, Elapsed (ns), AEAdam, PCAdam and, when Options.MSE > 0,
            HeadAdam {Beta1, Beta2, Eps, WeightDecay, Step}
    groups  float32 tensors, group after group:
              ae, ae_m, ae_v   the auto-encoder's weights (Params.Tensors():
                               analysis stages' W, B, synthesis stages' W, B,
                               then the prior's Mu, LogScale) and Adam's m, v
              pc, pc_m, pc_v   the PixelCNN's weights (model.Params.Tensors())
                               and Adam's moments of the tensors it trains:
                               all, or each layer's VC, HC under CondOnly
              head, head_m, head_v   only when Options.MSE > 0: the map head
                               W [Channels][Cond], B [Channels], m, v
    crc     uint32 CRC-32 (IEEE) of every byte before it

A convolution's W is [out][(ky*K + kx)*in + ci]: output pixel (y, x) of a
stride-s stage reads input pixel (y*s + ky - K/2, x*s + kx - K/2).

Tensors are kept as bytes (little-endian float32), so that a checkpoint read
and written again is the same file byte for byte; the header is written as
Go's encoding/json writes it (ckpt.go_json).
"""

import gzip
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ckpt  # noqa: E402

MAGIC = b"PXCZAET\x01"
GROUPS = ("ae", "ae_m", "ae_v", "pc", "pc_m", "pc_v", "head", "head_m", "head_v")


class AEConfig:
    """ae.Config: the auto-encoder's architecture (see `go doc ./model/ae Config`)."""

    def __init__(self, d):
        self.C = d["Channels"]
        self.width = d["Width"]
        self.latent = d["Latent"]
        self.cond = d["Cond"]
        self.K = d["Kernel"]
        self.S = d["Stages"]
        self.leak = d.get("Leak", 0)
        if not (1 <= self.C <= 4 and 1 <= self.width <= 1024 and 1 <= self.latent <= 1024 and 1 <= self.cond <= 4096
                and 1 <= self.K <= 15 and self.K % 2 == 1 and 1 <= self.S <= 6 and 0 <= self.leak <= 15):
            raise ValueError("invalid auto-encoder configuration %r" % (d,))

    def stage_io(self, s, first, last):  # Config.stageIO
        return (first if s == 0 else self.width), (last if s == self.S - 1 else self.width)

    def analysis_io(self, s):
        return self.stage_io(s, self.C, self.latent)

    def synthesis_io(self, s):
        return self.stage_io(s, self.latent, self.cond)

    def sizes(self, n):  # Config.sizes: n, ceil(n/2), ..., Stages+1 values
        ns = [n]
        for _ in range(self.S):
            n = (n + 1) // 2
            ns.append(n)
        return ns

    def shapes(self):
        """(name, shape) of Params.Tensors() in order (ae.NewParams)."""
        kk, out = self.K * self.K, []
        for part, io in (("A", self.analysis_io), ("S", self.synthesis_io)):
            for s in range(self.S):
                i, o = io(s)
                out += [("%s%d.W" % (part, s), [o, kk * i]), ("%s%d.B" % (part, s), [o])]
        return out + [("Mu", [self.latent]), ("LogScale", [self.latent])]

    def head_shapes(self):  # newHead
        return [("HeadW", [self.C, self.cond]), ("HeadB", [self.C])]

    def __str__(self):
        return "C%d W%d L%d D%d K%d S%d leak %d" % (self.C, self.width, self.latent, self.cond, self.K, self.S, self.leak)


def pc_trained_shapes(pc_cfg, cond_only):
    """pcTrained: the PixelCNN tensors its Adam updates."""
    shapes = pc_cfg.shapes()
    if not cond_only:
        return shapes
    return [(n, s) for n, s in shapes if n.endswith(".VC") or n.endswith(".HC")]


class AECheckpoint:
    """A checkpoint: header (the JSON object, key order kept), config,
    pc_config and the groups of GROUPS, each a list of bytes objects
    (float32 LE) in order; the head's three are None without a head."""

    def __init__(self, header, groups):
        self.header = header
        o = header["Options"]
        self.config = AEConfig(o["Config"])
        self.pc_config = ckpt.Config(o["PixelCNN"])
        if self.pc_config.cond != self.config.cond:
            raise ValueError("a PixelCNN of %d conditioning channels for a map of %d" % (self.pc_config.cond, self.config.cond))
        if self.has_head != ("HeadAdam" in header):
            raise ValueError("the checkpoint's map head does not match its options")
        for name, g in zip(GROUPS, groups):
            setattr(self, name, g)

    @property
    def has_head(self):
        return self.header["Options"].get("MSE", 0) > 0

    def group_shapes(self):
        """The shapes of each group of GROUPS, in order ([] for an absent head)."""
        o = self.header["Options"]
        ae, pc = self.config.shapes(), self.pc_config.shapes()
        trained = pc_trained_shapes(self.pc_config, o.get("CondOnly", False))
        head = self.config.head_shapes() if self.has_head else []
        return [ae, ae, ae, pc, trained, trained, head, head, head]

    @property
    def step(self):
        return self.header["Step"]


def decode(data, name="checkpoint"):
    header, off = ckpt.open_file(data, MAGIC, "auto-encoder", name)
    ck = AECheckpoint(header, [None] * len(GROUPS))
    shapes = ck.group_shapes()
    want = off + sum(4 * ckpt.numel(s) for g in shapes for _, s in g) + 4
    ckpt.check_file(data, want, name, "%s and %s" % (ck.config, ck.pc_config))
    for gname, g in zip(GROUPS, shapes):
        ts = []
        for _, s in g:
            sz = 4 * ckpt.numel(s)
            ts.append(bytes(data[off:off + sz]))
            off += sz
        setattr(ck, gname, ts if g else None)
    return ck


def read(path):
    with open(path, "rb") as f:
        return decode(f.read(), path)


def encode(ck):
    parts = []
    for gname, shapes in zip(GROUPS, ck.group_shapes()):
        g = getattr(ck, gname) or []
        if len(g) != len(shapes):
            raise ValueError("group %s has %d tensors, want %d" % (gname, len(g), len(shapes)))
        for b, (tname, s) in zip(g, shapes):
            if len(b) != 4 * ckpt.numel(s):
                raise ValueError("%s %s: %d bytes, want %d" % (gname, tname, len(b), 4 * ckpt.numel(s)))
            parts.append(b)
    return ckpt.seal(MAGIC, ck.header, parts)


def write(path, ck):
    """Writes ck to path through a temporary file renamed into place."""
    ckpt.write_file(path, encode(ck))


# ---------------------------------------------------------------- what train_ae.py writes

def config_json(cfg):
    """ae.Config as Go writes it (Leak omitted at 0)."""
    d = {"Channels": cfg.C, "Width": cfg.width, "Latent": cfg.latent, "Cond": cfg.cond, "Kernel": cfg.K, "Stages": cfg.S}
    if cfg.leak:
        d["Leak"] = cfg.leak
    return d


def parse_config(spec, cfg):
    """cfg with the fields of spec ("Width=192,Latent=192", "" for none)
    changed."""
    d = config_json(cfg)
    d.setdefault("Leak", 0)
    for kv in filter(None, spec.split(",")):
        k, _, v = kv.partition("=")
        if k not in d:
            raise ValueError("unknown field %r (want %s)" % (k, ", ".join(d)))
        d[k] = int(v)
    return AEConfig(d)


def fresh_header(src, cfg):
    """The header of a fresh head-only run of architecture cfg from the
    checkpoint src: its options with cfg, HeadOnly and the PixelCNN's Cond
    made the map's; step 0, no training time, the optimizers' steps 0."""
    h = json.loads(json.dumps(src.header))  # a copy, key order kept
    o = h["Options"]
    o["Config"] = config_json(cfg)
    o["PixelCNN"]["Cond"] = cfg.cond
    o["HeadOnly"] = True
    h["Step"], h["TrainNLL"], h["TrainRate"], h["Elapsed"] = 0, 0.0, 0.0, 0
    for k in ("AEAdam", "HeadAdam"):
        h[k]["Step"] = 0
    return h


def pixelcnn_groups(src, cond):
    """src's PixelCNN groups (weights, m, v) for a map of cond channels: as
    they are when cond is src's, else with every VC and HC (the
    conditioning weights, [2F][Cond]) and their moments zero at the new
    size. A head-only run never reads them, and `pxcz export-ae` leaves a
    head-only checkpoint's PixelCNN out; they are there for the format."""
    if cond == src.pc_config.cond:
        return [src.pc, src.pc_m, src.pc_v]
    out = []
    for g, shapes in zip((src.pc, src.pc_m, src.pc_v), src.group_shapes()[3:6]):
        out.append([bytes(4 * s[0] * cond) if n.endswith((".VC", ".HC")) else b for b, (n, s) in zip(g, shapes)])
    return out


def run_header(header, step, ae_step, head_step, elapsed_s, train_rate, batch, crop, lr, lr_floor, warmup, clip, lam, mse, extra):
    """header (unchanged) made the header of a checkpoint written after a
    run: its step counts, training time, batch, crop and schedule, and
    extra under "GPU", which Go ignores. `pxcz train-ae --resume` continues
    such a checkpoint with these settings."""
    h = json.loads(json.dumps(header))
    o = h["Options"]
    o.update(Batch=batch, CropSize=crop, Steps=step, LR=float(lr), LRFloor=float(lr_floor), Warmup=warmup,
             DecaySteps=step, Clip=float(clip), Lambda=float(lam), MSE=float(mse), Resume=True)
    h["Step"] = step
    if train_rate is not None and math.isfinite(train_rate):
        h["TrainRate"] = float(train_rate)
    h["Elapsed"] = int(h.get("Elapsed", 0)) + int(elapsed_s * 1e9)
    h["AEAdam"]["Step"] = ae_step
    h["HeadAdam"]["Step"] = head_step
    h["GPU"] = extra
    return h


# What comes back from $OUT: at most 8 files of 16 MiB, 64 MiB in all
# (/work/.library/device/README.md). Checkpoints go back gzipped, in parts.
PART = 15 << 20
BACK_BYTES = 56 << 20  # for the checkpoints; the rest for the logs
BACK_PARTS = 5  # the logs and summary.json take 3 of the 8 files


def send_back(out, ckpts, limit_bytes=BACK_BYTES, limit_parts=BACK_PARTS, part=PART):
    """Writes the checkpoints ckpts, [(name, [variants, fullest first])],
    each variant a function returning an AECheckpoint, gzipped and split
    into parts NAME.gz.0, NAME.gz.1, ... of at most part bytes in out
    (`cat NAME.gz.* | gunzip` gives the checkpoint back): for each name in
    turn the fullest variant that still fits what may come back, or none.
    Returns {name: (index of the variant written or None, gzipped bytes)}."""
    used_bytes = used_parts = 0
    done = {}
    for name, variants in ckpts:
        chosen = None
        for k, make in enumerate(variants):
            z = gzip.compress(encode(make()), compresslevel=1, mtime=0)
            parts = [z[i:i + part] for i in range(0, len(z), part)]
            if used_bytes + len(z) <= limit_bytes and used_parts + len(parts) <= limit_parts:
                chosen = k
                break
        old = [f for f in os.listdir(out) if f.startswith(name + ".gz.") and not f.endswith(".tmp")]
        if chosen is None:
            parts = []
        for i, p in enumerate(parts):  # all parts first, then the swap
            with open(os.path.join(out, "%s.gz.%d.tmp" % (name, i)), "wb") as f:
                f.write(p)
        for f in old:
            os.remove(os.path.join(out, f))
        for i in range(len(parts)):
            path = os.path.join(out, "%s.gz.%d" % (name, i))
            os.replace(path + ".tmp", path)
        used_bytes += sum(map(len, parts))
        used_parts += len(parts)
        done[name] = (chosen, sum(map(len, parts)))
    return done
