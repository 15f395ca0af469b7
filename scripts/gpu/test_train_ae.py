#!/usr/bin/env python3
"""Checks scripts/gpu/aeckpt.py and train_ae.py's reading of model/ae with
the Python standard library alone (no torch needed):

- a real model/ae checkpoint reads and writes back byte for byte, and damage
  is caught;
- the checkpoints train_ae.py writes (a fresh architecture from a source's
  options and PixelCNN; a run's header) encode and decode, sizes checked;
- a pure-Python forward pass built as train_ae.py's AE is (conv2d's
  [out][in][ky][kx] taken from the stored [out][(ky*K+kx)*in+ci] by the same
  view and permute, stride-2 and padding offsets, nearest upsampling cropped,
  the leaky ReLU, the prior's logDiff, the 1x1 head), run on the synthetic
  crops of testdata/ae_ref.json, gives the rate, head error and code that
  model/ae's Go code gives (go run ./scripts/gpu/aepack --test-ref CKPT).
  Only the torch calls themselves are left to the device's self-check;
- when .gpu/ae holds a pack, a photo and the val crops decode to their CRCs
  as train_ae.py decodes them (running sums modulo 256);
- with PXCZ set to a pxcz binary, `pxcz export-ae` accepts a checkpoint
  written here.

Run from the repository root: python3 scripts/gpu/test_train_ae.py
"""

import gzip
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import aeckpt  # noqa: E402
import ckpt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CKPT = os.path.join(ROOT, "model", "checkpoints", "ae-c3w32l8d16-l03.ckpt")
REF = os.path.join(HERE, "testdata", "ae_ref.json")
PACK = os.path.join(ROOT, ".gpu", "ae")


def floats(b):
    return list(struct.unpack("<%df" % (len(b) // 4), b))


def synthetic(n, h, w):
    """aepack's synthetic crops, [n][h][w][3] flat."""
    return [(37 * x + 91 * y + 53 * c + 17 * x * y + 101 * i + (x * x * y) % 7 * 29) % 256
            for i in range(n) for y in range(h) for x in range(w) for c in range(3)]


class TestCheckpoint(unittest.TestCase):
    def test_round_trip(self):
        with open(CKPT, "rb") as f:
            data = f.read()
        ck = aeckpt.decode(data, CKPT)
        self.assertEqual(str(ck.config), "C3 W32 L8 D16 K3 S3 leak 0")
        self.assertEqual(str(ck.pc_config), "C3 F48 L5 k3 H96 D16")
        # CondOnly: the PixelCNN's Adam holds each layer's VC and HC only.
        self.assertEqual([len(getattr(ck, g)) for g in aeckpt.GROUPS], [14, 14, 14, 49, 10, 10, 2, 2, 2])
        self.assertEqual(aeckpt.encode(ck), data)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.ckpt")
            aeckpt.write(path, ck)
            with open(path, "rb") as f:
                self.assertEqual(f.read(), data)

    def test_layout(self):
        """Trained weights are not zero where the layout puts weights, and
        the prior's log-scales are plausible: a shifted layout would not be."""
        ck = aeckpt.read(CKPT)
        names = [n for n, _ in ck.config.shapes()]
        for name, b in zip(names, ck.ae):
            v = floats(b)
            if name.endswith(".W"):
                self.assertGreater(sum(x != 0 for x in v), len(v) // 2, name)
        logs = floats(ck.ae[names.index("LogScale")])
        self.assertTrue(all(-3 < x < 8 for x in logs), logs)
        self.assertEqual(len(floats(ck.head[0])), 3 * 16)

    def test_damage(self):
        with open(CKPT, "rb") as f:
            data = bytearray(f.read())
        bad = bytearray(data)
        bad[len(bad) // 2] ^= 1
        with self.assertRaisesRegex(ValueError, "checksum"):
            aeckpt.decode(bytes(bad))
        with self.assertRaisesRegex(ValueError, "bytes, want"):
            aeckpt.decode(bytes(data[:-8]))
        with self.assertRaisesRegex(ValueError, "bad magic"):
            aeckpt.decode(b"PXCZTRN\x01" + bytes(data[8:]))
        with self.assertRaisesRegex(ValueError, "version 2"):
            aeckpt.decode(b"PXCZAET\x02" + bytes(data[8:]))

    def fresh(self, spec):
        """What train_ae.py --init writes at step 0, from the checkpoint."""
        src = aeckpt.read(CKPT)
        cfg = aeckpt.parse_config(spec, src.config)
        zeros = lambda shapes: [bytes(4 * ckpt.numel(s)) for _, s in shapes]  # noqa: E731
        ae, head = zeros(cfg.shapes()), zeros(cfg.head_shapes())
        h = aeckpt.fresh_header(src, cfg)
        return src, cfg, aeckpt.AECheckpoint(h, [ae, ae, ae, *aeckpt.pixelcnn_groups(src, cfg.cond), head, head, head])

    def test_fresh_architecture(self):
        for spec in ("", "Width=8,Latent=4", "Width=8,Cond=24,Kernel=5,Stages=4,Leak=3"):
            with self.subTest(spec=spec):
                src, cfg, ck = self.fresh(spec)
                back = aeckpt.decode(aeckpt.encode(ck))
                self.assertEqual(back.header, ck.header)
                o = back.header["Options"]
                self.assertEqual(o["Config"], aeckpt.config_json(cfg))
                self.assertEqual(o["PixelCNN"]["Cond"], cfg.cond)
                self.assertTrue(o["HeadOnly"])
                self.assertEqual((back.header["Step"], back.header["AEAdam"]["Step"], back.header["HeadAdam"]["Step"]), (0, 0, 0))
                self.assertEqual(back.pc_config.cond, cfg.cond)
                names = [n for n, _ in src.pc_config.shapes()]
                for i, n in enumerate(names):  # the PixelCNN kept, its conditioning resized
                    if cfg.cond == src.pc_config.cond or not n.endswith((".VC", ".HC")):
                        self.assertEqual(back.pc[i], src.pc[i], n)
                    else:
                        self.assertEqual(back.pc[i], bytes(4 * ckpt.numel(src.pc_config.shapes()[i][1]) // 16 * cfg.cond), n)
        with self.assertRaisesRegex(ValueError, "unknown field"):
            aeckpt.parse_config("Depth=3", aeckpt.read(CKPT).config)

    def test_run_header(self):
        src = aeckpt.read(CKPT)
        h = aeckpt.run_header(src.header, 12345, 12000, 12001, 61.5, 0.125, 16, 256, 5e-4, 0.01, 500, 1000, 1, 60,
                              {"device": "H100", "val": {"loss": 1.5}})
        ck = aeckpt.AECheckpoint(h, [getattr(src, g) for g in aeckpt.GROUPS])
        data = aeckpt.encode(ck)
        back = aeckpt.decode(data)
        self.assertEqual(back.header, h)
        self.assertEqual(back.ae, src.ae)
        o = h["Options"]
        self.assertEqual((o["Batch"], o["CropSize"], o["Steps"], o["DecaySteps"], h["Step"]), (16, 256, 12345, 12345, 12345))
        self.assertEqual((h["AEAdam"]["Step"], h["HeadAdam"]["Step"]), (12000, 12001))
        self.assertEqual(h["Elapsed"], src.header["Elapsed"] + 61500000000)
        n = struct.unpack_from("<I", data, 8)[0]
        text = data[12:12 + n].decode()
        # As Go writes them: 5e-4 positional, whole floats without a point.
        for want in ('"LR":0.0005', '"Lambda":1,', '"MSE":60,', '"Clip":1000,', '"GPU":{"device":"H100"'):
            self.assertIn(want, text)
        self.assertEqual(src.header["Step"], 11500, "run_header must not change its argument")

    def test_send_back(self):
        src = aeckpt.read(CKPT)
        full = lambda: src  # noqa: E731
        _, _, small = self.fresh("Width=1,Latent=1")
        slim = lambda: small  # noqa: E731
        gz = lambda ck: len(gzip.compress(aeckpt.encode(ck()), compresslevel=1, mtime=0))  # noqa: E731
        F, S, part = gz(full), gz(slim), 400000
        self.assertGreater(F, S)
        pF, pS = -(-F // part), -(-S // part)
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "last.ckpt.gz.7"), "wb") as f:  # a stale part of an earlier save
                f.write(b"old")
            cases = [  # limit on bytes, limit on parts, want best's and last's variants
                (1 << 30, 99, 0, 0),
                (1 << 30, pF + pS, 0, 1),  # the parts run out: last slims down
                (F + S, 99, 0, 1),
                (F - 1, 99, 1, None),  # best slims down; last cannot come back
                (F - 1 + S, 99, 0, None),  # best first: its full variant fits, and then nothing else
                (F, 99, 0, None),  # last cannot come back
                (S - 1, 99, None, None),
            ]
            for lb, lp, want_best, want_last in cases:
                with self.subTest(limit_bytes=lb, limit_parts=lp):
                    done = aeckpt.send_back(d, [("best.ckpt", [full, slim]), ("last.ckpt", [full, slim])], lb, lp, part)
                    self.assertEqual((done["best.ckpt"][0], done["last.ckpt"][0]), (want_best, want_last))
                    for name, want in (("best.ckpt", want_best), ("last.ckpt", want_last)):
                        parts = sorted(f for f in os.listdir(d) if f.startswith(name + ".gz."))
                        if want is None:
                            self.assertEqual(parts, [])
                            continue
                        z = b""
                        for i, f in enumerate(parts):
                            self.assertEqual(f, "%s.gz.%d" % (name, i))
                            with open(os.path.join(d, f), "rb") as fh:
                                z += fh.read()
                        self.assertEqual(aeckpt.decode(gzip.decompress(z)).header, (src if want == 0 else small).header)
                    self.assertLessEqual(sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)), lb)


# ---------------------------------------------------------------- the forward pass

class PyAE:
    """train_ae.py's AE in plain Python, NCHW as torch holds it: tensors
    are flat lists indexed as torch indexes its (row-major) tensors."""

    def __init__(self, ck):
        self.cfg = ck.config
        self.P = [floats(b) for b in ck.ae]
        self.head = [floats(b) for b in ck.head]

    def conv_w(self, i, cin):
        """w.view(out, K, K, cin).permute(0, 3, 1, 2): element [o][ci][ky][kx]
        of the result is element [o][ky][kx][ci] of the view, which is the
        stored W[o][(ky*K+kx)*cin+ci]."""
        K, w = self.cfg.K, self.P[i]
        return lambda o, ci, ky, kx: w[((o * K + ky) * K + kx) * cin + ci]

    def conv2d(self, x, cin, H, W, i, cout, stride):
        """F.conv2d(x, conv_w(i), P[i+1], stride, padding=K//2): out[o][y][x]
        = b[o] + Σ w[o][ci][ky][kx]·in[ci][y·s-K/2+ky][x·s-K/2+kx]."""
        K, pad = self.cfg.K, self.cfg.K // 2
        Ho, Wo = (H + 2 * pad - K) // stride + 1, (W + 2 * pad - K) // stride + 1
        w, b = self.conv_w(i, cin), self.P[i + 1]
        out = [0.0] * (cout * Ho * Wo)
        for o in range(cout):
            for oy in range(Ho):
                for ox in range(Wo):
                    s = b[o]
                    for ci in range(cin):
                        for ky in range(K):
                            iy = oy * stride - pad + ky
                            if not 0 <= iy < H:
                                continue
                            for kx in range(K):
                                ix = ox * stride - pad + kx
                                if 0 <= ix < W:
                                    s += w(o, ci, ky, kx) * x[(ci * H + iy) * W + ix]
                    out[(o * Ho + oy) * Wo + ox] = s
        return out, Ho, Wo

    def act(self, v):
        slope = 0.0 if self.cfg.leak == 0 else 2.0 ** -self.cfg.leak
        return [a if a >= 0 else a * slope for a in v]

    def bits(self, v, c):
        mu, inv = self.P[4 * self.cfg.S][c], math.exp(-self.P[4 * self.cfg.S + 1][c])
        a, b = (v + 0.5 - mu) * inv, (v - 0.5 - mu) * inv
        if a + b > 0:
            a, b = -b, -a

        def logsig(t):
            return -(max(-t, 0) + math.log1p(math.exp(-abs(t))))
        la, lb = logsig(a), logsig(b)
        return -(la + math.log1p(-math.exp(lb - la))) / math.log(2)

    def terms(self, pix, H, W):
        """One crop [H][W][C]: rate, head MSE, code [L][h'][w'], map."""
        cfg, C = self.cfg, self.cfg.C
        x = [(pix[(y * W + xx) * C + c] - 128) / 128 for c in range(C) for y in range(H) for xx in range(W)]
        v, h, w, cin = x, H, W, C
        for s in range(cfg.S):
            _, cout = cfg.analysis_io(s)
            v, h, w = self.conv2d(v, cin, h, w, 2 * s, cout, 2)
            cin = cout
            if s < cfg.S - 1:
                v = self.act(v)
        L = cfg.latent
        code = [float(round(t)) for t in v]  # Python's round is half to even, as torch.round
        bits = sum(self.bits(code[(c * h + yy) * w + xx], c) for c in range(L) for yy in range(h) for xx in range(w))
        hs, ws = cfg.sizes(H), cfg.sizes(W)
        v, cin = code, L
        for s in range(cfg.S):
            lv = cfg.S - 1 - s
            uh, uw = hs[lv], ws[lv]
            # F.interpolate(scale_factor=2, nearest): out(y, x) = in(y/2, x/2), then cropped.
            v = [v[(c * h + yy // 2) * w + xx // 2] for c in range(cin) for yy in range(uh) for xx in range(uw)]
            h, w = uh, uw
            _, cout = cfg.synthesis_io(s)
            v, h, w = self.conv2d(v, cin, h, w, 2 * cfg.S + 2 * s, cout, 1)
            cin = cout
            if s < cfg.S - 1:
                v = self.act(v)
        D = cfg.cond
        hw, hb = self.head
        err = 0.0
        for c in range(C):
            for p in range(H * W):
                pred = hb[c] + sum(hw[c * D + d] * v[d * H * W + p] for d in range(D))
                err += (pred - x[c * H * W + p]) ** 2
        return bits / (C * H * W), err / (C * H * W), code, v, (h, w)


class TestForward(unittest.TestCase):
    def test_matches_go(self):
        with open(REF) as f:
            ref = json.load(f)
        ck = aeckpt.read(os.path.join(ROOT, ref["checkpoint"]))
        net = PyAE(ck)
        n, H, W = ref["images"], ref["h"], ref["w"]
        pix = synthetic(n, H, W)
        cfg = ck.config
        codes, maps = [], []
        for i in range(n):
            rate, mse, code, smap, _ = net.terms(pix[i * H * W * 3:(i + 1) * H * W * 3], H, W)
            with self.subTest(crop=i):
                self.assertAlmostEqual(rate / ref["per_image"][i][0], 1, delta=1e-5)
                self.assertAlmostEqual(mse / ref["per_image"][i][1], 1, delta=1e-5)
            codes.append(code)
            maps.append(smap)
        ch, cw = cfg.sizes(H)[-1], cfg.sizes(W)[-1]
        L, D = cfg.latent, cfg.cond
        code0 = [codes[0][(c * ch + y) * cw + x] for y in range(ch) for x in range(cw) for c in range(L)]  # as permute(1, 2, 0)
        self.assertEqual(code0, [float(v) for v in ref["code0"]])
        for c in range(L):
            m = sum(code[c * ch * cw + k] for code in codes for k in range(ch * cw)) / (n * ch * cw)
            self.assertAlmostEqual(m, ref["code_mean"][c], delta=1e-9)
        for d in range(D):
            m = sum(smap[d * H * W + k] for smap in maps for k in range(H * W)) / (n * H * W)
            self.assertAlmostEqual(m, ref["map_mean"][d], delta=1e-5)


# ---------------------------------------------------------------- the pack

@unittest.skipUnless(os.path.exists(os.path.join(PACK, "aepack.json")), "no pack in .gpu/ae (go run ./scripts/gpu/aepack)")
class TestPack(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(PACK, "aepack.json")) as f:
            self.pack = json.load(f)

    def test_photo_decodes(self):
        p = min(self.pack["photos"], key=lambda p: p["w"] * p["h"])
        with open(os.path.join(PACK, self.pack["file"]), "rb") as f:
            f.seek(p["offset"])
            d = zlib.decompress(f.read(p["bytes"]))
        W, C = p["w"], 3
        self.assertEqual(len(d), p["h"] * W * C)
        out = bytearray(len(d))
        # t.cumsum(1) & 255, then .cumsum(0) & 255, as train_ae.py's load_photos.
        row = bytearray(W * C)
        prev = bytearray(W * C)
        for y in range(p["h"]):
            acc = [0, 0, 0]
            for x in range(W):
                for c in range(C):
                    acc[c] = (acc[c] + d[(y * W + x) * C + c]) & 255
                    row[x * C + c] = acc[c]
            prev = bytearray((a + b) & 255 for a, b in zip(prev, row))
            out[y * W * C:(y + 1) * W * C] = prev
        self.assertEqual("%08x" % (zlib.crc32(bytes(out)) & 0xFFFFFFFF), p["crc32"], p["name"])
        self.assertFalse(any("skimage" in q["name"] for q in self.pack["photos"]))

    def test_val(self):
        v = self.pack["val"]
        with open(os.path.join(PACK, v["file"]), "rb") as f:
            raw = zlib.decompress(f.read())
        self.assertEqual(len(raw), v["count"] * v["size"] * v["size"] * 3)
        self.assertEqual("%08x" % (zlib.crc32(raw) & 0xFFFFFFFF), v["crc32"])
        names = {os.path.basename(p["name"]) for p in self.pack["photos"]}
        self.assertFalse(names & set(v["photos"]), "a val photo is among the training ones")


@unittest.skipUnless(os.environ.get("PXCZ"), "set PXCZ to a pxcz binary to run export-ae on a written checkpoint")
class TestGoReads(unittest.TestCase):
    def test_export(self):
        _, _, ck = TestCheckpoint.fresh(None, "Width=8,Cond=24,Kernel=5,Stages=4,Leak=3")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "fresh.ckpt")
            aeckpt.write(path, ck)
            r = subprocess.run([os.environ["PXCZ"], "export-ae", "-o", os.path.join(d, "x.pxcl"), path],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(os.path.getsize(os.path.join(d, "x.pxcl")) > 0)


if __name__ == "__main__":
    unittest.main()
