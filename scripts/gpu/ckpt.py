"""Read and write pxcz training checkpoints with the Python standard library.

A transcription of model/train/checkpoint.go (format version 1), all integers
and floats little-endian:

    magic   8 bytes "PXCZTRN" then format version 1
    n       uint32, length of the header (at most 1 MiB)
    header  n bytes of JSON: Options, Step, TrainEMA, Elapsed (ns) and Adam
            {Beta1, Beta2, Eps, WeightDecay, Step}
    params  float32 weights in Params.Tensors() order (model/params.go);
            every size follows from header.Options.Config
    m, v    Adam's moments, float32, in the same order
    crc     uint32 CRC-32 (IEEE) of every byte before it

Tensors are kept as bytes (little-endian float32), so that a checkpoint read
and written again is the same file byte for byte; train.py turns them into
torch tensors. The header is written the way Go's encoding/json writes it
(key order kept, Go's float format, no spaces, HTML characters escaped), so
an unchanged header also comes out unchanged.
"""

import decimal
import re
import json
import math
import struct
import zlib

MAGIC = b"PXCZTRN\x01"
MAX_HEADER = 1 << 20

# The per-layer tensors of Params.Tensors(), in order, then the head's.
LAYER_NAMES = ("VW", "VB", "VC", "HW", "HV", "HB", "HC", "RW", "RB")
HEAD_NAMES = ("W1", "B1", "W2", "B2")


class Config:
    """model.Config: the architecture (see `go doc ./model`)."""

    def __init__(self, d):
        self.C = d["Channels"]
        self.F = d["Features"]
        self.L = d["Layers"]
        self.k = d["Kernel"]
        self.hidden = d["Hidden"]
        self.cond = d.get("Cond", 0)
        self.mix = d.get("Mix", 0)
        if (self.mix < 0 or self.C < 1 or self.F < self.C or self.F % self.C or self.L < 1 or self.k < 3
                or self.k % 2 == 0 or self.hidden < self.C or self.hidden % self.C or self.cond < 0):
            raise ValueError("invalid model configuration %r" % (d,))

    @property
    def r(self):  # Config.Reach
        return self.k // 2

    def layer_in(self, l):  # Config.LayerIn
        return self.C if l == 0 else self.F

    def v_in(self, l):  # Config.VIn: (r+1)·k·LayerIn(l)
        return (self.r + 1) * self.k * self.layer_in(l)

    def h_in(self, l):  # Config.HIn: (r+1)·LayerIn(l)
        return (self.r + 1) * self.layer_in(l)

    @property
    def logits(self):  # Config.Logits
        return 256 * self.C

    def mix_at(self, ch):  # Config.MixAt: sub-pixel ch's first mixture parameter
        return self.mix * (3 * ch + ch * (ch - 1) // 2)

    @property
    def head_out(self):  # Config.HeadOut: W2's rows
        return self.mix_at(self.C) if self.mix else self.logits

    def output_group(self, o):  # Config.OutputGroup
        if not self.mix:
            return o // 256
        g = 0
        while g + 1 < self.C and o >= self.mix_at(g + 1):
            g += 1
        return g

    def shapes(self):
        """(name, [rows, cols]) of every tensor in Params.Tensors() order
        (model.NewParams): weight matrices are row-major [out][in]."""
        F2, D = 2 * self.F, self.cond
        out = []
        for l in range(self.L):
            out += [
                ("L%d.VW" % l, [F2, self.v_in(l)]), ("L%d.VB" % l, [F2]), ("L%d.VC" % l, [F2, D]),
                ("L%d.HW" % l, [F2, self.h_in(l)]), ("L%d.HV" % l, [F2, F2]), ("L%d.HB" % l, [F2]),
                ("L%d.HC" % l, [F2, D]), ("L%d.RW" % l, [self.F, self.F]), ("L%d.RB" % l, [self.F]),
            ]
        out += [
            ("W1", [self.hidden, self.F]), ("B1", [self.hidden]),
            ("W2", [self.head_out, self.hidden]), ("B2", [self.head_out]),
        ]
        return out

    def __str__(self):  # Config.String
        s = "C%d F%d L%d k%d H%d" % (self.C, self.F, self.L, self.k, self.hidden)
        return s + (" D%d" % self.cond if self.cond else "") + (" M%d" % self.mix if self.mix else "")


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


class Checkpoint:
    """A checkpoint: header (the JSON object, key order kept), config, and
    params, m, v and, when the run averages its weights (Options.EMA > 0),
    avg: lists of bytes objects (float32 LE) in Tensors() order."""

    def __init__(self, header, params, m, v, avg=None):
        self.header = header
        self.config = Config(header["Options"]["Config"])
        self.params, self.m, self.v, self.avg = params, m, v, avg

    @property
    def weights(self):  # Checkpoint.Weights: the average when there is one
        return self.avg if self.avg is not None else self.params

    @property
    def step(self):
        return self.header["Step"]

    @property
    def adam_step(self):
        return self.header["Adam"]["Step"]


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    return decode(data, path)


def open_file(data, magic, kind, name):
    """The tensor file layout (model/train/tensorfile.go) of data: checks the
    magic and the header's length and returns the header (a dict) and the
    offset of the first tensor. The checksum is check_file's."""
    if len(data) < 16:
        raise ValueError("%s: too short for a checkpoint" % name)
    if data[:8] != magic:
        if data[:7] == magic[:7]:
            raise ValueError("%s: checkpoint format version %d, this reads %d" % (name, data[7], magic[7]))
        raise ValueError("%s: not a pxcz %s checkpoint (bad magic)" % (name, kind))
    (n,) = struct.unpack_from("<I", data, 8)
    if n > MAX_HEADER:
        raise ValueError("%s: header of %d bytes exceeds the limit" % (name, n))
    return json.loads(data[12:12 + n].decode("utf-8")), 12 + n


def check_file(data, want, name, what):
    """Checks that data is want bytes long (the size of what) and that its
    trailing CRC-32 matches."""
    if len(data) != want:
        raise ValueError("%s: %d bytes, want %d for %s" % (name, len(data), want, what))
    (crc,) = struct.unpack_from("<I", data, len(data) - 4)
    got = zlib.crc32(data[:-4]) & 0xFFFFFFFF
    if crc != got:
        raise ValueError("%s: checksum %08x, computed %08x: the file is damaged" % (name, crc, got))


def seal(magic, header, tensors):
    """A tensor file: magic, the header as Go writes it, the tensors (bytes)
    and the CRC-32."""
    h = go_json(header).encode("utf-8")
    if len(h) > MAX_HEADER:
        raise ValueError("header of %d bytes" % len(h))
    body = b"".join([magic, struct.pack("<I", len(h)), h] + list(tensors))
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


def write_file(path, data):
    """Writes data to path through a temporary file renamed into place."""
    import os
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def decode(data, name="checkpoint"):
    header, off = open_file(data, MAGIC, "training", name)
    cfg = Config(header["Options"]["Config"])
    sizes = [4 * numel(s) for _, s in cfg.shapes()]
    ngroups = 4 if header["Options"].get("EMA", 0) > 0 else 3  # params, m, v (, avg)
    check_file(data, off + ngroups * sum(sizes) + 4, name, cfg)
    groups = []
    for _ in range(ngroups):
        g = []
        for sz in sizes:
            g.append(bytes(data[off:off + sz]))
            off += sz
        groups.append(g)
    return Checkpoint(header, *groups)


def encode(ck):
    sizes = [4 * numel(s) for _, s in ck.config.shapes()]
    groups = [ck.params, ck.m, ck.v]
    if ck.header["Options"].get("EMA", 0) > 0:
        if ck.avg is None:
            raise ValueError("a checkpoint of a run averaging its weights needs the average")
        groups.append(ck.avg)
    parts = []
    for g in groups:
        if len(g) != len(sizes):
            raise ValueError("%d tensors, want %d" % (len(g), len(sizes)))
        for b, sz in zip(g, sizes):
            if len(b) != sz:
                raise ValueError("tensor of %d bytes, want %d" % (len(b), sz))
            parts.append(b)
    return seal(MAGIC, ck.header, parts)


def write(path, ck):
    """Writes ck to path through a temporary file renamed into place."""
    write_file(path, encode(ck))


def go_float(x):
    """A float64 as Go's encoding/json writes it: the shortest repr, in
    positional notation unless |x| < 1e-6 or >= 1e21, with 'e-07' as 'e-7'."""
    if math.isnan(x) or math.isinf(x):
        raise ValueError("JSON cannot hold %r" % x)
    a = abs(x)
    s = repr(float(x))
    if a != 0 and (a < 1e-6 or a >= 1e21):
        # Python's repr is exponential here too, with the same shortest
        # digits and a two-digit exponent; Go then turns e-0X into e-X.
        return re.sub(r"e-0(\d)$", r"e-\1", s)
    t = format(decimal.Decimal(s), "f")
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    if t == "-0":
        t = "-0"
    return t


_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
        "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_string(s):
    out = []
    for ch in s:
        if ch in _ESC:
            out.append(_ESC[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def go_json(v):
    """v as Go's json.Marshal writes it (dict keys in their order)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return go_string(v)
    if isinstance(v, dict):
        return "{" + ",".join(go_string(k) + ":" + go_json(x) for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    raise TypeError("cannot write %r as JSON" % (v,))


# Masks (model/params.go), as flat lists of 0/1 aligned with the row-major
# weight matrices; train.py multiplies the weights by them.

def feature_group(cfg, ch):  # Config.FeatureGroup
    return ch // (cfg.F // cfg.C)


def hidden_group(cfg, ch):  # Config.HiddenGroup
    return ch // (cfg.hidden // cfg.C)


def h_mask(cfg, l):
    """Config.HMask: every tap left of the centre is open; at the centre,
    output group g sees input groups < g (l = 0) or <= g (l > 0)."""
    r, cin, f2, n = cfg.r, cfg.layer_in(l), 2 * cfg.F, cfg.h_in(l)
    m = [0.0] * (f2 * n)
    for o in range(f2):
        og = feature_group(cfg, o % cfg.F)
        for t in range(n):
            dx, ci = t // cin - r, t % cin
            ig = ci if l == 0 else feature_group(cfg, ci)
            if dx < 0 or ig < og or (l > 0 and ig == og):
                m[o * n + t] = 1.0
    return m


def group_mask(out, inn, og, ig):  # groupMask: open when ig(i) <= og(o)
    return [1.0 if ig(i) <= og(o) else 0.0 for o in range(out) for i in range(inn)]


def r_mask(cfg):
    return group_mask(cfg.F, cfg.F, lambda o: feature_group(cfg, o), lambda i: feature_group(cfg, i))


def w1_mask(cfg):
    return group_mask(cfg.hidden, cfg.F, lambda o: hidden_group(cfg, o), lambda i: feature_group(cfg, i))


def w2_mask(cfg):
    return group_mask(cfg.head_out, cfg.hidden, cfg.output_group, lambda i: hidden_group(cfg, i))


def masks(cfg):
    """Params.Masks: aligned with the tensors, None for unmasked ones."""
    ms = []
    for l in range(cfg.L):
        ms += [None, None, None, h_mask(cfg, l), None, None, None, r_mask(cfg), None]
    return ms + [w1_mask(cfg), None, w2_mask(cfg), None]
