#!/usr/bin/env python3
"""Checks scripts/gpu/ckpt.py against the Go trainer's real checkpoints,
with the Python standard library alone (no torch needed):

- every checkpoint under model/checkpoints reads and writes back byte for byte;
- the masks (model/params.go) agree with the weights Go trained: every masked
  weight, and its Adam moments, is exactly zero, and open weights are not;
- a header changed as train.py changes it comes back as written;
- floats are formatted as Go's encoding/json formats them;
- a pure-Python forward pass built as train.py's Net is (the same tap lists,
  padding offsets, weight layout, gates and head), run on a 3x4 crop, gives
  the NLL that model/train's Net.Loss gives it. This checks train.py's
  reading of the architecture; only the torch calls themselves (F.pad,
  F.linear, cross_entropy) are left to the device's self-check.

Run from the repository root: python3 scripts/gpu/test_ckpt.py
"""

import glob
import math
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ckpt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
def _is_training_checkpoint(path):
    with open(path, "rb") as f:
        return f.read(len(ckpt.MAGIC)) == ckpt.MAGIC


# model/train's checkpoints (the auto-encoder's have a format of their own).
CKPTS = sorted(p for p in glob.glob(os.path.join(ROOT, "model", "checkpoints", "*.ckpt")) if _is_training_checkpoint(p))


def floats(b):
    return struct.unpack("<%df" % (len(b) // 4), b)


class TestCheckpoint(unittest.TestCase):
    def test_found(self):
        self.assertTrue(CKPTS, "no checkpoints under model/checkpoints")

    def test_round_trip(self):
        for path in CKPTS:
            with self.subTest(path=os.path.basename(path)):
                with open(path, "rb") as f:
                    data = f.read()
                ck = ckpt.decode(data, path)
                self.assertEqual(ckpt.encode(ck), data)
                tmp = tempfile.NamedTemporaryFile(delete=False, suffix=".ckpt")
                tmp.close()
                try:
                    ckpt.write(tmp.name, ck)
                    with open(tmp.name, "rb") as f:
                        self.assertEqual(f.read(), data)
                finally:
                    os.unlink(tmp.name)

    def test_damage(self):
        with open(CKPTS[0], "rb") as f:
            data = bytearray(f.read())
        data[len(data) // 2] ^= 1
        with self.assertRaisesRegex(ValueError, "checksum"):
            ckpt.decode(bytes(data))
        with self.assertRaisesRegex(ValueError, "bytes, want"):
            ckpt.decode(bytes(data[:-8]))
        with self.assertRaisesRegex(ValueError, "magic"):
            ckpt.decode(b"PNG" + bytes(data[3:]))

    def test_masks_match_training(self):
        for path in CKPTS:
            ck = ckpt.read(path)
            cfg = ck.config
            names = [n for n, _ in cfg.shapes()]
            for i, m in enumerate(ckpt.masks(cfg)):
                if m is None:
                    continue
                with self.subTest(path=os.path.basename(path), tensor=names[i]):
                    w, mm, vv = floats(ck.params[i]), floats(ck.m[i]), floats(ck.v[i])
                    self.assertEqual(len(m), len(w))
                    closed = [j for j, x in enumerate(m) if x == 0]
                    self.assertTrue(closed, "mask closes nothing")
                    for j in closed:
                        self.assertEqual((w[j], mm[j], vv[j]), (0.0, 0.0, 0.0), "masked weight %d is trained" % j)
                    zero_open = sum(1 for j, x in enumerate(m) if x == 1 and w[j] == 0.0)
                    self.assertLess(zero_open, 1 + len(m) // 1000, "open weights that are exactly zero")

    def test_mask_shapes(self):
        cfg = ckpt.Config({"Channels": 3, "Features": 6, "Layers": 2, "Kernel": 3, "Hidden": 6, "Cond": 0})
        # Layer 0, centre tap (dx = 0, inputs 3..5 of the row): output group g
        # sees input channels < g; the left tap sees everything.
        hm = ckpt.h_mask(cfg, 0)
        n = cfg.h_in(0)
        for o in range(12):
            g = (o % 6) // 2
            self.assertEqual(hm[o * n:o * n + 3], [1.0] * 3)
            self.assertEqual(hm[o * n + 3:o * n + 6], [1.0 if ci < g else 0.0 for ci in range(3)])
        # Later layers: groups <= g at the centre.
        hm = ckpt.h_mask(cfg, 1)
        n = cfg.h_in(1)
        for o in range(12):
            g = (o % 6) // 2
            self.assertEqual(hm[o * n + 6:o * n + 12], [1.0 if ci // 2 <= g else 0.0 for ci in range(6)])
        w2 = ckpt.w2_mask(cfg)
        self.assertEqual(w2[0 * 6:1 * 6], [1, 1, 0, 0, 0, 0])
        self.assertEqual(w2[300 * 6:301 * 6], [1, 1, 1, 1, 0, 0])
        self.assertEqual(w2[767 * 6:768 * 6], [1] * 6)

    def test_changed_header(self):
        ck = ckpt.read(CKPTS[0])
        h = ck.header
        h["Options"]["Batch"] = 256
        h["Options"]["LR"] = 0.002
        h["Options"]["LRFloor"] = 1e-5
        h["Step"] = 123456
        h["Adam"]["Step"] = 98765
        h["Elapsed"] += 420 * 10 ** 9
        h["GPU"] = {"device": "NVIDIA H100 80GB HBM3", "val_bpd": 3.9, "best": "ema", "x": None}
        ck.params[0] = struct.pack("<%df" % (len(ck.params[0]) // 4), *([0.5] * (len(ck.params[0]) // 4)))
        data = ckpt.encode(ck)
        back = ckpt.decode(data)
        self.assertEqual(back.step, 123456)
        self.assertEqual(back.adam_step, 98765)
        self.assertEqual(back.header["Options"]["LRFloor"], 1e-5)
        self.assertEqual(back.header["GPU"]["best"], "ema")
        self.assertEqual(floats(back.params[0])[:3], (0.5, 0.5, 0.5))
        self.assertEqual(ckpt.encode(back), data)
        self.assertIn(b'"LRFloor":0.00001', data[:4096])

    def test_go_floats(self):
        # As Go 1.26's json.Marshal writes them.
        want = ('[1e-8,0.00001,0.001,3,100,1e+21,1.5e-7,0.9,0.999,10000000000000000,123456789.125,'
                '3.9844654443768737,2.5e-300,"a\\u003cb\\u003e\\u0026\\u2028\\b\\f\\u0001\u00e9"]')
        got = ckpt.go_json([1e-8, 1e-5, 0.001, 3.0, 100.0, 1e21, 1.5e-7, 0.9, 0.999, 1e16, 123456789.125,
                            3.9844654443768737, 2.5e-300, "a<b>&\u2028\b\f\x01\u00e9"])
        self.assertEqual(got, want)

    def test_param_count(self):
        # paramCount (checkpoint.go) for the shipped C3 F48 L5 k3 H96.
        cfg = ckpt.Config({"Channels": 3, "Features": 48, "Layers": 5, "Kernel": 3, "Hidden": 96, "Cond": 0})
        n = sum(ckpt.numel(s) for _, s in cfg.shapes())
        F, F2 = 48, 96
        want = 96 * F + 96 + 768 * 96 + 768
        for l in range(5):
            want += F2 * (cfg.v_in(l) + cfg.h_in(l) + F2 + 2) + F * F + F
        self.assertEqual(n, want)


# The top-left 3x4 pixels of CIFAR-10 test image 0, [3][4][3], and the
# summed NLL (nats) that model/train's Net.Loss gives them (computed with
# `net.Loss(crop, 1, 3, 4) * 36` for each checkpoint).
CROP = [174, 170, 195, 197, 197, 226, 192, 190, 219, 125, 118, 143, 195, 191, 217, 194, 195, 224, 210, 209, 236,
        134, 128, 149, 190, 186, 212, 191, 192, 219, 200, 200, 222, 138, 132, 148]
CONTINUED = "c3f48l5-s9.ckpt"  # the checkpoint the kit continues, checked without PXCZ_TEST_ALL
GO_CROP_NLL = {CONTINUED: 132.158256}


def py_forward_nll(ck, pix, H, W):
    """train.py's Net.logits and Net.nll in plain Python (float64): pix is
    [H][W][C] flattened; returns the summed NLL in nats."""
    cfg = ck.config
    C, Fm, r = cfg.C, cfg.F, cfg.r
    P = [list(floats(b)) for b in ck.params]
    for i, m in enumerate(ckpt.masks(cfg)):
        if m is not None:
            P[i] = [w * k for w, k in zip(P[i], m)]
    vtaps = [[(dy - shift, dx) for dy in range(-r, 1) for dx in range(-r, r + 1)] for shift in (0, 1)]
    htaps = [(0, dx) for dx in range(-r, 1)]

    def im2col(x, taps, cin):  # x[i][j] is a list of cin values
        return [[sum(([0.0] * cin if not (0 <= i + dy < H and 0 <= j + dx < W) else x[i + dy][j + dx]
                      for dy, dx in taps), []) for j in range(W)] for i in range(H)]

    def linear(col, w, b=None):
        n = len(col[0][0])
        out = len(w) // n
        return [[[sum(w[o * n + t] * v for t, v in enumerate(col[i][j])) + (b[o] if b else 0.0)
                  for o in range(out)] for j in range(W)] for i in range(H)]

    def add(a, b):
        return [[[u + v for u, v in zip(a[i][j], b[i][j])] for j in range(W)] for i in range(H)]

    def gate(z):
        return [[[math.tanh(z[i][j][c]) / (1 + math.exp(-z[i][j][Fm + c])) for c in range(Fm)]
                 for j in range(W)] for i in range(H)]

    def relu(a):
        return [[[max(v, 0.0) for v in a[i][j]] for j in range(W)] for i in range(H)]

    x = [[[(pix[(i * W + j) * C + c] - 128) / 128 for c in range(C)] for j in range(W)] for i in range(H)]
    vin = hin = x
    for l in range(cfg.L):
        i0, cin = 9 * l, cfg.layer_in(l)
        vpre = linear(im2col(vin, vtaps[1 if l == 0 else 0], cin), P[i0], P[i0 + 1])
        hpre = add(linear(im2col(hin, htaps, cin), P[i0 + 3], P[i0 + 5]), linear(vpre, P[i0 + 4]))
        h = linear(gate(hpre), P[i0 + 7], P[i0 + 8])
        if l > 0:
            h = add(h, hin)
        if l < cfg.L - 1:
            vin = gate(vpre)
        hin = h
    n = 9 * cfg.L
    logits = linear(relu(linear(relu(hin), P[n], P[n + 1])), P[n + 2], P[n + 3])
    total = 0.0
    for i in range(H):
        for j in range(W):
            for c in range(C):
                z = logits[i][j][256 * c:256 * c + 256]
                m = max(z)
                total += m + math.log(sum(math.exp(v - m) for v in z)) - z[pix[(i * W + j) * C + c]]
    return total


class TestForward(unittest.TestCase):
    def test_crop_matches_go(self):
        done = 0
        for path in CKPTS:
            name = os.path.basename(path)
            if name not in GO_CROP_NLL or (name != CONTINUED and not os.environ.get("PXCZ_TEST_ALL")):
                continue
            with self.subTest(checkpoint=name):
                got = py_forward_nll(ckpt.read(path), CROP, 3, 4)
                self.assertAlmostEqual(got, GO_CROP_NLL[name], delta=2e-3)
                done += 1
        self.assertGreater(done, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
