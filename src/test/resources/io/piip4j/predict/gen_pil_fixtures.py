"""Regenerates pil_fixtures.json (needs numpy + Pillow; torchvision optional).

Usage: python3 gen_pil_fixtures.py OUT_DIR [path/to/extreme_ironing.jpg]

Each resize case stores a small pseudo-random RGB image (hex string, RRGGBB per pixel,
row-major) and what Pillow's Image.resize((outW, outH), filter) returns for it, per filter. Each transform case
stores an input image and the torchvision eval transform output (Resize(int(s/0.875), BICUBIC),
CenterCrop(s), ToTensor, Normalize) as float32 values (CHW, hex of the big-endian IEEE bits) plus the uint8 crop before ToTensor.
"""
import json, sys, os
import numpy as np
from PIL import Image
import PIL

out_dir = sys.argv[1]
rng = np.random.default_rng(1234)


def pack(a):
    """uint8 HxWx3 -> hex string, 6 hex digits (RRGGBB) per pixel, row-major."""
    return np.ascontiguousarray(a.astype(np.uint8)).tobytes().hex()


def f32hex(x):
    """float32 array -> hex string, 8 hex digits (big-endian IEEE bits) per value."""
    return np.ascontiguousarray(x.astype(">f4")).tobytes().hex()


def rand_img(w, h, kind):
    if kind == "noise":
        a = rng.integers(0, 256, size=(h, w, 3))
    elif kind == "checker":  # 0/255 checkerboard: bicubic overshoot -> clipping
        yy, xx = np.mgrid[0:h, 0:w]
        c = ((xx + yy) % 2) * 255
        a = np.stack([c, 255 - c, c], -1)
    else:  # smooth gradients + mild noise
        yy, xx = np.mgrid[0:h, 0:w]
        a = np.stack([xx * 255 / max(w - 1, 1), yy * 255 / max(h - 1, 1),
                      (xx + yy) * 127 / max(w + h - 2, 1)], -1) + rng.integers(-20, 21, size=(h, w, 3))
        a = np.clip(np.rint(a), 0, 255)
    return a.astype(np.uint8)


filters = {"BICUBIC": Image.BICUBIC, "BILINEAR": Image.BILINEAR, "BOX": Image.BOX}
cases = []
specs = [
    (4, 4, 2, 2, "noise"), (7, 5, 3, 2, "noise"), (13, 11, 29, 17, "noise"),
    (40, 30, 17, 9, "smooth"), (33, 20, 33, 7, "noise"), (21, 9, 8, 9, "noise"),
    (20, 20, 20, 20, "noise"), (64, 48, 23, 31, "smooth"), (9, 9, 31, 25, "checker"),
    (95, 63, 64, 42, "smooth"), (57, 38, 38, 25, "noise"), (3, 2, 1, 1, "noise"),
    (1, 1, 5, 3, "noise"), (17, 26, 40, 61, "noise"),
]
for (w, h, ow, oh, kind) in specs:
    a = rand_img(w, h, kind)
    im = Image.fromarray(a, "RGB")
    case = {"w": w, "h": h, "outW": ow, "outH": oh, "kind": kind, "input": pack(a), "expected": {}}
    for fname, f in filters.items():
        case["expected"][fname] = pack(np.asarray(im.resize((ow, oh), f)))
    cases.append(case)

transforms = []
try:
    import torch, torchvision
    from torchvision import transforms as T
    from torchvision.transforms import InterpolationMode
    have_tv = True
except Exception as e:  # noqa
    print("torchvision not available:", e)
    have_tv = False

mean = (0.485, 0.456, 0.406)
std = (0.229, 0.224, 0.225)
for (w, h, s, kind) in [(51, 37, 32, "smooth"), (37, 60, 32, "noise"), (40, 40, 24, "noise")]:
    a = rand_img(w, h, kind)
    im = Image.fromarray(a, "RGB")
    size = int(s / 0.875)
    if w <= h:
        nw, nh = size, int(size * h / w)
    else:
        nh, nw = size, int(size * w / h)
    r = im.resize((nw, nh), Image.BICUBIC)
    top = int(round((nh - s) / 2.0)); left = int(round((nw - s) / 2.0))
    crop = np.asarray(r)[top:top + s, left:left + s]
    x = crop.astype(np.float32).transpose(2, 0, 1) / np.float32(255)
    x = (x - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    entry = {"w": w, "h": h, "inputSize": s, "input": pack(a), "crop": pack(crop),
             "expected": f32hex(x.reshape(-1)), "source": "numpy"}
    if have_tv:
        tf = T.Compose([T.Resize(size, interpolation=InterpolationMode.BICUBIC), T.CenterCrop(s),
                        T.ToTensor(), T.Normalize(mean, std)])
        y = tf(im).numpy()
        entry["expected"] = f32hex(y.reshape(-1))
        entry["source"] = "torchvision"
        print("transform", w, h, s, "numpy-vs-torchvision max diff", float(np.abs(y - x).max()))
    transforms.append(entry)

meta = {"pillow": PIL.__version__, "numpy": np.__version__}
if have_tv:
    meta["torchvision"] = torchvision.__version__
    meta["torch"] = torch.__version__
with open(os.path.join(out_dir, "pil_fixtures.json"), "w") as fh:
    json.dump({"meta": meta, "resize": cases, "transform": transforms}, fh, separators=(",", ":"))
print(meta)

if len(sys.argv) > 2 and os.path.exists(sys.argv[2]):
    im = Image.open(sys.argv[2]).convert("RGB")
    np.save(os.path.join(out_dir, "jpeg_pil_decoded.npy"), np.asarray(im))
    if have_tv:
        y = tf_full = T.Compose([T.Resize(256, interpolation=InterpolationMode.BICUBIC), T.CenterCrop(224),
                                 T.ToTensor(), T.Normalize(mean, std)])(im).numpy()
        np.save(os.path.join(out_dir, "jpeg_transform.npy"), y.astype(np.float32))
