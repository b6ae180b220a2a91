package io.piip4j.head.dino;

import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.head.StageSink;
import io.piip4j.nn.Embedding;
import io.piip4j.nn.Linear;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdet's {@code DINOHead} at test time: padding masks and sine positional encodings of the levels,
 * the {@link DinoTransformer}, then per decoder layer the class logits ({@code cls_branches[l]}) and
 * boxes ({@code sigmoid(reg_branches[l](hs) + logit(reference into layer l))}); detections from the
 * last layer only ({@link #detections}). {@code label_embedding} is the denoising queries' table,
 * loaded but unused at test time.
 */
public final class DinoHead extends Module {
    private final DinoTransformer transformer;
    private final SinePositionalEncoding positionalEncoding;
    private final List<Linear> clsBranches = new ArrayList<>();
    private final List<RegBranch> regBranches = new ArrayList<>();
    private final int numClasses;

    /** Per decoder layer the class logits (N, Q, C) and boxes (N, Q, 4) (cx, cy, w, h in [0, 1] of img_shape). */
    public record Outputs(List<Tensor> classScores, List<Tensor> boxes) {
    }

    /**
     * @param numRegFcs hidden layers of each box branch (DETR's {@code num_reg_fcs}, 2)
     */
    public DinoHead(TransformerSpec spec, SinePositionalEncoding positionalEncoding, int numClasses, int numRegFcs) {
        if (positionalEncoding.channels() != spec.embedDims()) {
            throw new IllegalArgumentException("positional_encoding.num_feats " + positionalEncoding.channels() / 2
                    + " must be half of embed_dims " + spec.embedDims());
        }
        this.numClasses = numClasses;
        this.positionalEncoding = positionalEncoding;
        this.transformer = child("transformer", new DinoTransformer(spec));
        // the decoder's layers and, last, the proposals' scoring and refinement
        ModuleList<Linear> cls = child("cls_branches", new ModuleList<>());
        ModuleList<RegBranch> reg = child("reg_branches", new ModuleList<>());
        for (int i = 0; i <= spec.decoderLayers(); i++) {
            clsBranches.add(cls.add(new Linear(spec.embedDims(), numClasses)));
            regBranches.add(reg.add(new RegBranch(spec.embedDims(), numRegFcs)));
        }
        child("label_embedding", new Embedding(numClasses, spec.embedDims()));
    }

    public int numClasses() {
        return numClasses;
    }

    public DinoTransformer transformer() {
        return transformer;
    }

    /**
     * @param feats  the neck's levels (N, E, H_l, W_l)
     * @param batchH the padded batch's height (mmdet's {@code batch_input_shape})
     * @param batchW its width
     */
    public Outputs forward(List<Tensor> feats, int batchH, int batchW, List<ImageMeta> metas, StageSink sink) {
        long[] hw = new long[2 * feats.size()];
        for (int l = 0; l < feats.size(); l++) {
            hw[2 * l] = feats.get(l).size(2);
            hw[2 * l + 1] = feats.get(l).size(3);
        }
        LevelMasks masks = new LevelMasks(batchH, batchW, metas, MSDeformAttn.Levels.of(hw));
        List<Tensor> pos = new ArrayList<>();
        for (int l = 0; l < feats.size(); l++) {
            Tensor mask = masks.mask(l);
            pos.add(positionalEncoding.forward(mask));
            if (sink.active()) {
                sink.put("masks", Tensors.toNdArray(mask));
            }
        }
        if (sink.active()) {
            pos.forEach(p -> sink.put("pos_embed", Tensors.toNdArray(p)));
        }
        DinoTransformer.Result r = transformer.forward(feats, masks, pos, clsBranches, regBranches, sink);
        List<Tensor> classes = new ArrayList<>();
        List<Tensor> boxes = new ArrayList<>();
        for (int l = 0; l < r.hs().size(); l++) {
            Tensor hs = r.hs().get(l);
            classes.add(clsBranches.get(l).forward(hs));
            boxes.add(regBranches.get(l).forward(hs).add(inverseSigmoid(r.references().get(l))).sigmoid());
        }
        if (sink.active()) {
            sink.put("all_cls_scores", Tensors.toNdArray(F.stack(0, classes.toArray(new Tensor[0]))));
            sink.put("all_bbox_preds", Tensors.toNdArray(F.stack(0, boxes.toArray(new Tensor[0]))));
        }
        return new Outputs(classes, boxes);
    }

    /**
     * The test-time detections of the last decoder layer ({@code get_bboxes}): sigmoid scores, the top
     * {@code maxPerImg} (query, class) pairs of each image, best first, no score threshold, no NMS;
     * boxes (cx, cy, w, h) → corners in {@code img_shape} pixels, clamped to it, and divided by the
     * scale factor where {@code rescale}. Reports {@code det_query_index} (and
     * {@code det_bboxes_img_scale}, before rescaling) to the sink, per image.
     */
    public List<Detections> detections(Outputs outputs, List<ImageMeta> metas, int maxPerImg, boolean rescale, StageSink sink) {
        Tensor cls = outputs.classScores().get(outputs.classScores().size() - 1);
        Tensor box = outputs.boxes().get(outputs.boxes().size() - 1);
        int q = (int) cls.size(1);
        int c = (int) cls.size(2);
        float[] scores = Tensors.toFloats(cls.sigmoid());
        float[] cxcywh = Tensors.toFloats(box);
        int k = Math.min(maxPerImg, q * c);
        List<Detections> out = new ArrayList<>();
        for (int b = 0; b < metas.size(); b++) {
            ImageMeta m = metas.get(b);
            int[] top = Ranking.top(scores, b * q * c, q * c, k);
            float[] boxes = new float[5 * k];
            float[] unscaled = new float[5 * k];
            int[] labels = new int[k];
            long[] queries = new long[k];
            float[] sf = m.scaleFactor();
            for (int i = 0; i < k; i++) {
                int query = top[i] / c;
                labels[i] = top[i] % c;
                queries[i] = query;
                int at = (b * q + query) * 4;
                float cx = cxcywh[at];
                float cy = cxcywh[at + 1];
                float w = cxcywh[at + 2];
                float h = cxcywh[at + 3];
                float[] corners = {cx - 0.5f * w, cy - 0.5f * h, cx + 0.5f * w, cy + 0.5f * h};
                for (int j = 0; j < 4; j++) {
                    float size = j % 2 == 0 ? m.imgW() : m.imgH();
                    float v = Math.min(Math.max(corners[j] * size, 0f), size);
                    unscaled[5 * i + j] = v;
                    boxes[5 * i + j] = rescale ? v / sf[j] : v;
                }
                float score = scores[b * q * c + top[i]];
                boxes[5 * i + 4] = score;
                unscaled[5 * i + 4] = score;
            }
            if (sink.active()) {
                sink.put("det_query_index", NdArray.ofLongs(queries, k));
                sink.put("det_bboxes_img_scale", NdArray.ofFloats(unscaled, k, 5));
            }
            out.add(new Detections(k, boxes, labels, 0, 0, null));
        }
        return out;
    }

    /** {@code log(x / (1 − x))} of x clamped to [0, 1], numerator and denominator floored at 1e-3 (mmdet's, eps 1e-3). */
    static Tensor inverseSigmoid(Tensor x) {
        double eps = 1e-3;
        Tensor c = x.clamp(new ScalarOptional(new Scalar(0.0)), new ScalarOptional(new Scalar(1.0)));
        Tensor num = c.clamp_min(new Scalar(eps));
        Tensor den = F.add(F.mul(c, -1.0), 1.0).clamp_min(new Scalar(eps));
        return num.div(den).log();
    }
}
