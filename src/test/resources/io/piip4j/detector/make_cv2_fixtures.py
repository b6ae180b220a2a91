# Builds src/test/resources/io/piip4j/detector/cv2_fixtures.json with opencv-python-headless 5.0.0:
# cv2.resize INTER_LINEAR cases and one whole mmdet test pipeline (imrescale, imnormalize, impad).
import numpy as np, cv2, json, base64
rng = np.random.default_rng(14)
b64 = lambda a: base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()
cases = []
for (w, h, cn, dw, dh) in [(17,13,3,40,29),(57,38,3,33,22),(31,45,3,23,34),(100,67,3,160,107),(40,30,3,20,15),(9,7,3,3,2),(64,48,3,63,47),(5,4,1,11,9),(2,1,3,7,3)]:
    img = rng.integers(0, 256, (h, w, cn), dtype=np.uint8)
    ref = cv2.resize(img, (dw, dh), interpolation=cv2.INTER_LINEAR)
    cases.append(dict(w=w, h=h, cn=cn, dw=dw, dh=dh, src=b64(img), expected=b64(ref)))
# whole pipeline, mmcv 1.7 code paths written out
def rescale_size(w, h, scale):
    long_e, short_e = max(scale), min(scale)
    sf = min(long_e / max(h, w), short_e / min(h, w))
    return int(w * float(sf) + 0.5), int(h * float(sf) + 0.5)
pipe = []
for (w, h, scale, div) in [(37, 23, (64, 48), 32), (20, 50, (64, 48), 32)]:
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    bgr = rgb[..., ::-1].copy()
    nw, nh = rescale_size(w, h, scale)
    img = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_LINEAR)
    sf = np.array([nw / w, nh / h, nw / w, nh / h], dtype=np.float32)
    x = img.copy().astype(np.float32)
    mean = np.float64(np.array([123.675, 116.28, 103.53]).reshape(1, -1)); stdinv = 1 / np.float64(np.array([58.395, 57.12, 57.375]).reshape(1, -1))
    cv2.cvtColor(x, cv2.COLOR_BGR2RGB, x); cv2.subtract(x, mean, x); cv2.multiply(x, stdinv, x)
    ph, pw = int(np.ceil(nh / div)) * div, int(np.ceil(nw / div)) * div
    pad = np.zeros((ph, pw, 3), np.float32); pad[:nh, :nw] = x
    chw = pad.transpose(2, 0, 1)
    pipe.append(dict(w=w, h=h, scale=list(scale), divisor=div, rgb=b64(rgb), img_shape=[nh, nw], pad_shape=[ph, pw],
                     scale_factor=sf.tolist(), expected=b64(chw.astype('<f4'))))
json.dump(dict(opencv=cv2.__version__, resize=cases, pipeline=pipe), open('/work/wt-detect/src/test/resources/io/piip4j/detector/cv2_fixtures.json', 'w'))
print('ok', [ (p['w'],p['h'],p['img_shape'],p['pad_shape']) for p in pipe])
