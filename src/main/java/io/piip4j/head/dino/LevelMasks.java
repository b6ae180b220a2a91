package io.piip4j.head.dino;

import io.piip4j.head.ImageMeta;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.tensor.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Where each feature level of a padded batch is padding, as the DETR heads derive it: the batch
 * mask (1 outside each image's {@code img_shape}) resized to every level by nearest neighbour
 * ({@code F.interpolate}: source index {@code ⌊dst · in / out⌋}); per level the valid ratios
 * {@code (valid_w / W, valid_h / H)} counted on the mask's first row and first column; and the
 * encoder's reference points, each cell centre over its level's valid extent.
 */
final class LevelMasks {
    final int batch;
    final MSDeformAttn.Levels levels;
    /** [image][level][y·W + x]: true at padding. */
    final boolean[][][] padded;
    /** [image][level]: valid columns and rows. */
    final int[][] validW;
    final int[][] validH;

    LevelMasks(int batchH, int batchW, List<ImageMeta> metas, MSDeformAttn.Levels levels) {
        this.batch = metas.size();
        this.levels = levels;
        int n = levels.count();
        this.padded = new boolean[batch][n][];
        this.validW = new int[batch][n];
        this.validH = new int[batch][n];
        long[] hs = levels.heights();
        long[] ws = levels.widths();
        for (int b = 0; b < batch; b++) {
            ImageMeta m = metas.get(b);
            for (int l = 0; l < n; l++) {
                int h = (int) hs[l];
                int w = (int) ws[l];
                boolean[] p = new boolean[h * w];
                for (int y = 0; y < h; y++) {
                    boolean rowPad = nearest(y, batchH, h) >= m.imgH();
                    for (int x = 0; x < w; x++) {
                        p[y * w + x] = rowPad || nearest(x, batchW, w) >= m.imgW();
                    }
                }
                padded[b][l] = p;
                int vw = 0;
                for (int x = 0; x < w; x++) {
                    vw += p[x] ? 0 : 1;
                }
                int vh = 0;
                for (int y = 0; y < h; y++) {
                    vh += p[y * w] ? 0 : 1;
                }
                validW[b][l] = vw;
                validH[b][l] = vh;
            }
        }
    }

    /** PyTorch's nearest source index for a resize from {@code in} to {@code out} cells (scale in float32). */
    private static int nearest(int dst, int in, int out) {
        if (in == out) {
            return dst;
        }
        if (out == 2 * in) {
            return dst >> 1;
        }
        float scale = (float) in / out;
        return Math.min((int) Math.floor(dst * scale), in - 1);
    }

    /** Level {@code l}'s mask (B, H, W) bool. */
    Tensor mask(int l) {
        int h = (int) levels.heights()[l];
        int w = (int) levels.widths()[l];
        int[] v = new int[batch * h * w];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < h * w; i++) {
                v[b * h * w + i] = padded[b][l][i] ? 1 : 0;
            }
        }
        return Tensors.fromInts(v, batch, h, w).to(ScalarType.Bool);
    }

    /** All levels' masks flattened one after another: (B, Len) bool. */
    Tensor flat() {
        int len = (int) levels.tokens();
        int[] v = new int[batch * len];
        long[] starts = levels.starts();
        for (int b = 0; b < batch; b++) {
            for (int l = 0; l < levels.count(); l++) {
                boolean[] p = padded[b][l];
                for (int i = 0; i < p.length; i++) {
                    v[b * len + (int) starts[l] + i] = p[i] ? 1 : 0;
                }
            }
        }
        return Tensors.fromInts(v, batch, len).to(ScalarType.Bool);
    }

    /** [image][level][0: w, 1: h] valid ratios, float32 as the reference divides. */
    float[][][] validRatios() {
        int n = levels.count();
        float[][][] r = new float[batch][n][2];
        for (int b = 0; b < batch; b++) {
            for (int l = 0; l < n; l++) {
                r[b][l][0] = (float) validW[b][l] / (float) levels.widths()[l];
                r[b][l][1] = (float) validH[b][l] / (float) levels.heights()[l];
            }
        }
        return r;
    }

    /** (B, levels, 2) valid ratios (w, h). */
    Tensor validRatioTensor() {
        float[][][] r = validRatios();
        int n = levels.count();
        float[] v = new float[batch * n * 2];
        for (int b = 0; b < batch; b++) {
            for (int l = 0; l < n; l++) {
                v[(b * n + l) * 2] = r[b][l][0];
                v[(b * n + l) * 2 + 1] = r[b][l][1];
            }
        }
        return Tensors.fromFloats(v, batch, n, 2);
    }

    /**
     * The encoder's reference points (B, Len, levels, 2): token (x, y) of level l at
     * {@code ((x + 0.5) / (ratio_w · W), (y + 0.5) / (ratio_h · H))}, times every level's ratios.
     */
    Tensor encoderReference() {
        int n = levels.count();
        int len = (int) levels.tokens();
        float[][][] r = validRatios();
        float[] v = new float[batch * len * n * 2];
        for (int b = 0; b < batch; b++) {
            int t = 0;
            for (int l = 0; l < n; l++) {
                int h = (int) levels.heights()[l];
                int w = (int) levels.widths()[l];
                float dh = r[b][l][1] * h;
                float dw = r[b][l][0] * w;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++, t++) {
                        float rx = (x + 0.5f) / dw;
                        float ry = (y + 0.5f) / dh;
                        for (int k = 0; k < n; k++) {
                            int at = ((b * len + t) * n + k) * 2;
                            v[at] = rx * r[b][k][0];
                            v[at + 1] = ry * r[b][k][1];
                        }
                    }
                }
            }
        }
        return Tensors.fromFloats(v, batch, len, n, 2);
    }
}
