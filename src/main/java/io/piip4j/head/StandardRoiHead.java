package io.piip4j.head;

import io.piip4j.nn.Module;
import io.piip4j.ops.MaskPaste;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.25's {@code StandardRoIHead} at test time ({@code simple_test}): RoI features of the
 * proposals, box head, per-image decoding and class-wise NMS; then RoI features of the detections,
 * mask head, the mask of each detection's class pasted into the original image.
 */
public final class StandardRoiHead extends Module {
    /**
     * The steps a test run reports to forward hooks (for timing): {@link #BOX} (RoIAlign of the
     * proposals, the fully connected layers, decoding and class-wise NMS), {@link #MASK} (RoIAlign
     * of the detections, the mask head's convolutions) and {@link #MASK_PASTE}; each of the first
     * two also reports its parts.
     */
    public static final String BOX = "box";
    public static final String BOX_ROI_ALIGN = "box_roi_align";
    public static final String BOX_FCS = "box_fcs";
    public static final String BOX_NMS = "box_nms";
    public static final String MASK = "mask";
    public static final String MASK_ROI_ALIGN = "mask_roi_align";
    public static final String MASK_CONVS = "mask_convs";
    public static final String MASK_PASTE = "mask_paste";

    private final SingleRoiExtractor bboxRoiExtractor;
    private final Shared2FcBBoxHead bboxHead;
    private final SingleRoiExtractor maskRoiExtractor;
    private final FcnMaskHead maskHead;

    /** @param maskHead null for a box-only detector (then {@code maskRoiExtractor} is ignored) */
    public StandardRoiHead(SingleRoiExtractor bboxRoiExtractor, Shared2FcBBoxHead bboxHead, SingleRoiExtractor maskRoiExtractor,
            FcnMaskHead maskHead) {
        this.bboxRoiExtractor = bboxRoiExtractor;
        this.bboxHead = child("bbox_head", bboxHead);
        this.maskRoiExtractor = maskRoiExtractor;
        this.maskHead = maskHead == null ? null : child("mask_head", maskHead);
    }

    public Shared2FcBBoxHead bboxHead() {
        return bboxHead;
    }

    public SingleRoiExtractor bboxRoiExtractor() {
        return bboxRoiExtractor;
    }

    /** Null for a box-only detector. */
    public FcnMaskHead maskHead() {
        return maskHead;
    }

    public SingleRoiExtractor maskRoiExtractor() {
        return maskRoiExtractor;
    }

    /**
     * @param proposals per image, {@code n × 5} ({@code x1 y1 x2 y2 score})
     * @param rescale   boxes and masks in original-image pixels (else in resized-image pixels)
     */
    public List<Detections> simpleTest(List<Tensor> feats, List<float[]> proposals, List<ImageMeta> metas, boolean rescale,
            TestConfigs.Rcnn cfg, StageSink sink) {
        List<Detections> dets = call(BOX, () -> boxes(feats, proposals, metas, rescale, cfg, sink));
        return maskHead == null ? dets : withMasks(feats, dets, metas, rescale, cfg, sink);
    }

    private List<Detections> boxes(List<Tensor> feats, List<float[]> proposals, List<ImageMeta> metas, boolean rescale,
            TestConfigs.Rcnn cfg, StageSink sink) {
        float[] rois = SingleRoiExtractor.toRois(proposals, 5);
        int n = rois.length / 5;
        List<Detections> dets = new ArrayList<>();
        if (n == 0) { // no proposal in any image: nothing to classify
            for (int img = 0; img < proposals.size(); img++) {
                dets.add(new Detections(0, new float[0], new int[0], 0, 0, null));
            }
            return dets;
        }
        Tensor roiFeats = call(BOX_ROI_ALIGN, () -> bboxRoiExtractor.forward(feats, rois, n));
        if (sink.active()) {
            sink.put("bbox_roi_feats_first32", Tensors.toNdArray(roiFeats.narrow(0, 0, Math.min(32, n))));
        }
        Tensor[] out = call(BOX_FCS, () -> bboxHead.forward(roiFeats));
        return call(BOX_NMS, () -> {
            float[] scores = Tensors.toFloats(F.softmax(out[0], -1));
            float[] deltas = Tensors.toFloats(out[1]);
            int scoreWidth = (int) out[0].size(1);
            int deltaWidth = (int) out[1].size(1);
            int start = 0;
            for (int img = 0; img < proposals.size(); img++) {
                int k = proposals.get(img).length / 5;
                ImageMeta meta = metas.get(img);
                if (sink.active()) {
                    sink.put("rcnn_cls_score", Tensors.toNdArray(out[0].narrow(0, start, k)));
                    sink.put("rcnn_bbox_pred", Tensors.toNdArray(out[1].narrow(0, start, k)));
                }
                float[] boxes = new float[4 * k];
                for (int i = 0; i < k; i++) {
                    System.arraycopy(rois, 5 * (start + i) + 1, boxes, 4 * i, 4);
                }
                float[] s = java.util.Arrays.copyOfRange(scores, start * scoreWidth, (start + k) * scoreWidth);
                float[] d = java.util.Arrays.copyOfRange(deltas, start * deltaWidth, (start + k) * deltaWidth);
                Detections det = bboxHead.detect(boxes, s, d, k, meta.imgH(), meta.imgW(), rescale ? meta.scaleFactor() : null, cfg);
                if (sink.active()) {
                    sink.put("det_bboxes", io.piip4j.tensor.NdArray.ofFloats(det.boxes(), det.count(), 5));
                    sink.put("det_labels", io.piip4j.tensor.NdArray.ofFloats(toFloats(det.labels()), det.count()));
                }
                dets.add(det);
                start += k;
            }
            return dets;
        });
    }

    private List<Detections> withMasks(List<Tensor> feats, List<Detections> dets, List<ImageMeta> metas, boolean rescale,
            TestConfigs.Rcnn cfg, StageSink sink) {
        List<float[]> maskBoxes = new ArrayList<>();
        int total = 0;
        for (int img = 0; img < dets.size(); img++) {
            Detections d = dets.get(img);
            float[] sf = metas.get(img).scaleFactor();
            float[] b = new float[4 * d.count()];
            for (int i = 0; i < d.count(); i++) {
                for (int c = 0; c < 4; c++) {
                    float v = d.boxes()[5 * i + c];
                    b[4 * i + c] = rescale ? v * sf[c] : v;
                }
            }
            maskBoxes.add(b);
            total += d.count();
        }
        List<Detections> result = new ArrayList<>();
        if (total == 0) {
            for (int img = 0; img < dets.size(); img++) {
                int[] hw = outputSize(metas.get(img), rescale);
                result.add(dets.get(img).withMasks(hw[0], hw[1], new byte[0]));
            }
            return result;
        }
        float[] rois = SingleRoiExtractor.toRois(maskBoxes, 4);
        int n = total;
        Tensor logits = call(MASK, () -> {
            Tensor roiFeats = call(MASK_ROI_ALIGN, () -> maskRoiExtractor.forward(feats, rois, n));
            if (sink.active()) {
                sink.put("mask_roi_feats_first8", Tensors.toNdArray(roiFeats.narrow(0, 0, Math.min(8, n))));
            }
            return call(MASK_CONVS, () -> maskHead.forward(roiFeats));
        });
        return call(MASK_PASTE, () -> paste(logits, dets, maskBoxes, metas, rescale, cfg, sink));
    }

    /** Each detection's mask of its class, pasted into the (original) image and binarised. */
    private static List<Detections> paste(Tensor logits, List<Detections> dets, List<float[]> maskBoxes, List<ImageMeta> metas,
            boolean rescale, TestConfigs.Rcnn cfg, StageSink sink) {
        List<Detections> result = new ArrayList<>();
        int m = (int) logits.size(2);
        int classes = (int) logits.size(1);
        float[] all = Tensors.toFloats(logits);
        int start = 0;
        for (int img = 0; img < dets.size(); img++) {
            Detections d = dets.get(img);
            ImageMeta meta = metas.get(img);
            int k = d.count();
            float[] chosen = new float[k * m * m];
            for (int i = 0; i < k; i++) {
                System.arraycopy(all, ((start + i) * classes + d.labels()[i]) * m * m, chosen, i * m * m, m * m);
            }
            if (sink.active()) {
                sink.put("mask_logits", io.piip4j.tensor.NdArray.ofFloats(chosen, k, m, m));
            }
            int[] hw = outputSize(meta, rescale);
            float[] boxes = maskBoxes.get(img);
            if (rescale) {
                float[] sf = meta.scaleFactor();
                for (int i = 0; i < boxes.length; i++) {
                    boxes[i] = boxes[i] / sf[i % 4];
                }
            }
            byte[] masks = new byte[0];
            if (k > 0) {
                float[] probs;
                try (Tensor t = Tensors.fromFloats(chosen, k, m, m); Tensor p = t.sigmoid()) {
                    probs = Tensors.toFloats(p);
                }
                masks = MaskPaste.paste(probs, m, boxes, k, hw[0], hw[1], cfg.maskThrBinary());
            }
            result.add(d.withMasks(hw[0], hw[1], masks));
            start += k;
        }
        return result;
    }

    /** The mask size: the original image's, or without rescaling the original size times the scale factor. */
    private static int[] outputSize(ImageMeta meta, boolean rescale) {
        if (rescale) {
            return new int[] {meta.oriH(), meta.oriW()};
        }
        float[] sf = meta.scaleFactor();
        return new int[] {(int) Math.rint(meta.oriH() * (double) sf[1]), (int) Math.rint(meta.oriW() * (double) sf[0])};
    }

    private static float[] toFloats(int[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
