package io.piip4j.head;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import io.piip4j.ops.AnchorGenerator;
import io.piip4j.ops.DeltaXywhBoxCoder;
import io.piip4j.ops.Nms;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.25's {@code RPNHead}: a shared 3×3 convolution with ReLU, then per anchor one
 * objectness logit (sigmoid) and four box deltas per feature-map cell. Proposals follow
 * {@code _get_bboxes_single}: per level the top {@code nms_pre} scores, decoding against the anchors
 * (clipped to the image), a minimum-size filter, NMS per level, the first {@code max_per_img}.
 */
public final class RpnHead extends Module {
    private final Conv2d rpnConv;
    private final Conv2d rpnCls;
    private final Conv2d rpnReg;
    private final AnchorGenerator anchors;
    private final DeltaXywhBoxCoder coder;

    /** The raw outputs per level: objectness logits (B, A, H, W) and deltas (B, 4A, H, W). */
    public record Outputs(List<Tensor> clsScores, List<Tensor> bboxPreds) {
    }

    public RpnHead(int inChannels, int featChannels, AnchorGenerator anchors, DeltaXywhBoxCoder coder) {
        this.anchors = anchors;
        this.coder = coder;
        int a = anchors.numBaseAnchors();
        this.rpnConv = child("rpn_conv", new Conv2d(inChannels, featChannels, 3, 1, 1, 1, true));
        this.rpnCls = child("rpn_cls", new Conv2d(featChannels, a, 1, 1, 0, 1, true));
        this.rpnReg = child("rpn_reg", new Conv2d(featChannels, 4L * a, 1, 1, 0, 1, true));
    }

    public AnchorGenerator anchors() {
        return anchors;
    }

    public DeltaXywhBoxCoder coder() {
        return coder;
    }

    public Outputs forward(List<Tensor> feats) {
        if (feats.size() != anchors.numLevels()) {
            throw new IllegalArgumentException("RPN head: " + feats.size() + " feature levels for " + anchors.numLevels() + " anchor strides");
        }
        List<Tensor> cls = new ArrayList<>();
        List<Tensor> reg = new ArrayList<>();
        for (Tensor x : feats) {
            Tensor h = F.relu(rpnConv.forward(x));
            cls.add(rpnCls.forward(h));
            reg.add(rpnReg.forward(h));
        }
        return new Outputs(cls, reg);
    }

    /**
     * One image's proposals, {@code n × 5} ({@code x1 y1 x2 y2 score}), highest score first.
     *
     * @param image    the image's index in the batch
     * @param imgH     the image's height before padding (boxes are clipped to it)
     */
    public float[] proposals(Outputs out, int image, int imgH, int imgW, TestConfigs.Rpn cfg) {
        int a = anchors.numBaseAnchors();
        List<float[]> levelScores = new ArrayList<>();
        List<float[]> levelDeltas = new ArrayList<>();
        List<float[]> levelAnchors = new ArrayList<>();
        int total = 0;
        for (int l = 0; l < out.clsScores().size(); l++) {
            Tensor cls = out.clsScores().get(l).select(0, image);
            int h = (int) cls.size(1);
            int w = (int) cls.size(2);
            float[] scores = Tensors.toFloats(cls.permute(1, 2, 0).sigmoid());
            float[] deltas = Tensors.toFloats(out.bboxPreds().get(l).select(0, image).permute(1, 2, 0));
            float[] grid = anchors.gridAnchors(l, h, w);
            if (scores.length != h * w * a || deltas.length != 4 * scores.length) {
                throw new IllegalStateException("RPN level " + l + ": unexpected output sizes");
            }
            if (cfg.nmsPre() > 0 && cfg.nmsPre() < scores.length) {
                int[] top = Arrays.copyOf(Nms.descending(scores, null), cfg.nmsPre());
                scores = gather(scores, top, 1);
                deltas = gather(deltas, top, 4);
                grid = gather(grid, top, 4);
            }
            levelScores.add(scores);
            levelDeltas.add(deltas);
            levelAnchors.add(grid);
            total += scores.length;
        }
        float[] scores = new float[total];
        float[] deltas = new float[4 * total];
        float[] anchorBoxes = new float[4 * total];
        int[] levels = new int[total];
        int at = 0;
        for (int l = 0; l < levelScores.size(); l++) {
            int n = levelScores.get(l).length;
            System.arraycopy(levelScores.get(l), 0, scores, at, n);
            System.arraycopy(levelDeltas.get(l), 0, deltas, 4 * at, 4 * n);
            System.arraycopy(levelAnchors.get(l), 0, anchorBoxes, 4 * at, 4 * n);
            Arrays.fill(levels, at, at + n, l);
            at += n;
        }
        float[] boxes = coder.decode(anchorBoxes, deltas, total, imgH, imgW);
        if (cfg.minBboxSize() >= 0) {
            int[] valid = new int[total];
            int kept = 0;
            for (int i = 0; i < total; i++) {
                if (boxes[4 * i + 2] - boxes[4 * i] > cfg.minBboxSize() && boxes[4 * i + 3] - boxes[4 * i + 1] > cfg.minBboxSize()) {
                    valid[kept++] = i;
                }
            }
            if (kept < total) {
                valid = Arrays.copyOf(valid, kept);
                boxes = gather(boxes, valid, 4);
                scores = gather(scores, valid, 1);
                levels = gatherInts(levels, valid);
                total = kept;
            }
        }
        int[] keep = Nms.batched(boxes, scores, levels, cfg.iouThreshold());
        int n = Math.min(keep.length, cfg.maxPerImg() > 0 ? cfg.maxPerImg() : keep.length);
        float[] result = new float[5 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(boxes, 4 * keep[i], result, 5 * i, 4);
            result[5 * i + 4] = scores[keep[i]];
        }
        return result;
    }

    /** Rows {@code idx} of a row-major array with {@code width} values per row. */
    public static float[] gather(float[] values, int[] idx, int width) {
        float[] out = new float[idx.length * width];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(values, idx[i] * width, out, i * width, width);
        }
        return out;
    }

    static int[] gatherInts(int[] values, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }
}
