package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.head.ImageMeta;
import io.piip4j.head.TestConfigs;
import io.piip4j.neck.Fpn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The neck, heads and {@code test_cfg} of an mmdetection {@code MaskRCNN} model config, read from a
 * golden case.json ({@code config.model}) or a released config ({@code model}); every size,
 * threshold and count comes from there. Errors name the file and the key.
 */
public record MaskRcnnConfig(Neck neck, RpnHead rpnHead, RoiExtractor bboxRoiExtractor, BBoxHead bboxHead,
        RoiExtractor maskRoiExtractor, MaskHead maskHead, TestConfigs.Rpn rpnTest, TestConfigs.Rcnn rcnnTest) {

    public record Neck(int[] inChannels, int outChannels, int numOuts, int startLevel, int endLevel, Fpn.ExtraSource extra,
            boolean reluBeforeExtraConvs) {
    }

    public record BoxCoder(float[] means, float[] stds) {
    }

    public record Anchors(int[] strides, float[] ratios, float[] scales, Double octaveBaseScale, int scalesPerOctave,
            double centerOffset) {
    }

    public record RpnHead(int inChannels, int featChannels, Anchors anchors, BoxCoder coder) {
    }

    public record RoiExtractor(int outputSize, int samplingRatio, boolean aligned, int outChannels, int[] featmapStrides,
            float finestScale) {
    }

    public record BBoxHead(int inChannels, int roiFeatSize, int fcOutChannels, int numSharedFcs, int numClasses,
            boolean regClassAgnostic, BoxCoder coder) {
    }

    public record MaskHead(int numConvs, int inChannels, int convOutChannels, int convKernelSize, int numClasses) {
    }

    /** Reads the file's model config. */
    public static MaskRcnnConfig read(Path file) {
        return read(tree(file), file.getFileName().toString());
    }

    /** The model config of a parsed case.json or released config; {@code name} names it in errors. */
    public static MaskRcnnConfig read(JsonNode root, String name) {
        return parse(model(root, name), name);
    }

    /** Whether a config's JSON (case.json or released config) describes a Mask R-CNN. */
    public static boolean describes(JsonNode root) {
        return modelNode(root).path("type").asText("").equals("MaskRCNN");
    }

    /** The model config of a case.json ({@code config.model}) or a released config ({@code model}); missing: a missing node. */
    static JsonNode modelNode(JsonNode root) {
        return root.has("config") ? root.path("config").path("model") : root.path("model");
    }

    /** case.json's {@code img_metas}. */
    public static List<ImageMeta> imageMetas(Path caseJson) {
        return imageMetas(tree(caseJson), caseJson.getFileName().toString());
    }

    /**
     * The {@code img_metas} of a case.json; where there are none (a released config), each of the
     * {@code batch} images is taken as is: {@code height × width}, unscaled.
     */
    public static List<ImageMeta> imageMetas(JsonNode root, String src, int batch, int height, int width) {
        if (root.has("img_metas")) {
            List<ImageMeta> metas = imageMetas(root, src);
            if (metas.size() != batch) {
                throw new ConfigException(src + ": img_metas: " + metas.size() + " images, but the input holds " + batch);
            }
            return metas;
        }
        List<ImageMeta> out = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            out.add(new ImageMeta(height, width, height, width, height, width, new float[] {1, 1, 1, 1}));
        }
        return out;
    }

    private static List<ImageMeta> imageMetas(JsonNode root, String src) {
        JsonNode metas = root.get("img_metas");
        if (metas == null || !metas.isArray()) {
            throw new ConfigException(src + ": img_metas: expected a list");
        }
        List<ImageMeta> out = new ArrayList<>();
        for (int i = 0; i < metas.size(); i++) {
            ConfigObject r = new ConfigObject(metas.get(i), src + ": img_metas[" + i + "]");
            int[] ori = r.ints("ori_shape", null);
            int[] img = r.ints("img_shape", null);
            int[] pad = r.ints("pad_shape", img);
            float[] sf = r.floats("scale_factor", null);
            if (sf.length == 1) {
                sf = new float[] {sf[0], sf[0], sf[0], sf[0]};
            }
            try {
                out.add(new ImageMeta(ori[0], ori[1], img[0], img[1], pad[0], pad[1], sf));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(src + ": img_metas[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    static JsonNode tree(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file.getFileName() + ": cannot read JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode model(JsonNode root, String file) {
        JsonNode m = root.has("config") ? root.get("config").get("model") : root.get("model");
        if (m == null || !m.isObject()) {
            throw new ConfigException(file + ": no model config (config.model or model)");
        }
        String type = m.path("type").asText("");
        if (!type.equals("MaskRCNN") && !type.equals("FasterRCNN")) {
            throw new ConfigException(file + ": model.type: expected MaskRCNN, got '" + type + "'");
        }
        return m;
    }

    static MaskRcnnConfig parse(JsonNode model, String src) {
        ConfigObject m = new ConfigObject(model, src + ": model");
        ConfigObject neck = m.object("neck");
        neck.expectType("FPN");
        Object extra = null;
        JsonNode ex = neck.node.get("add_extra_convs");
        if (ex != null && !ex.isNull()) {
            extra = ex.isBoolean() ? (Object) ex.asBoolean() : ex.asText();
        }
        Fpn.ExtraSource source;
        try {
            source = Fpn.ExtraSource.parse(extra);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(neck.where + ".add_extra_convs: " + e.getMessage());
        }
        Neck n = new Neck(neck.ints("in_channels", null), neck.positive("out_channels"), neck.positive("num_outs"),
                neck.integer("start_level", 0), neck.integer("end_level", -1), source,
                neck.bool("relu_before_extra_convs", false));

        ConfigObject rpn = m.object("rpn_head");
        rpn.expectType("RPNHead");
        ConfigObject ag = rpn.object("anchor_generator");
        ag.expectType("AnchorGenerator");
        JsonNode obs = ag.node.get("octave_base_scale");
        Anchors anchors = new Anchors(ag.ints("strides", null), ag.floats("ratios", null),
                ag.node.has("scales") ? ag.floats("scales", null) : null, obs == null || obs.isNull() ? null : obs.asDouble(),
                ag.integer("scales_per_octave", 0), ag.number("center_offset", 0.0));
        if (!rpn.object("loss_cls").bool("use_sigmoid", false)) {
            throw new ConfigException(rpn.where + ".loss_cls.use_sigmoid: only sigmoid objectness is supported");
        }
        RpnHead rpnHead = new RpnHead(rpn.positive("in_channels"), rpn.integer("feat_channels", 256), anchors, coder(rpn));

        ConfigObject roi = m.object("roi_head");
        roi.expectType("StandardRoIHead");
        RoiExtractor bboxEx = extractor(roi.object("bbox_roi_extractor"));
        ConfigObject bh = roi.object("bbox_head");
        bh.expectType("Shared2FCBBoxHead");
        BBoxHead bboxHead = new BBoxHead(bh.positive("in_channels"), bh.integer("roi_feat_size", 7),
                bh.integer("fc_out_channels", 1024), 2, bh.positive("num_classes"), bh.bool("reg_class_agnostic", false), coder(bh));
        RoiExtractor maskEx = null;
        MaskHead maskHead = null;
        if (roi.node.has("mask_head") && !roi.node.get("mask_head").isNull()) {
            maskEx = extractor(roi.object("mask_roi_extractor"));
            ConfigObject mh = roi.object("mask_head");
            mh.expectType("FCNMaskHead");
            if (!mh.text("upsample_cfg.type", "deconv").equals("deconv")) {
                throw new ConfigException(mh.where + ".upsample_cfg.type: only deconv is supported");
            }
            maskHead = new MaskHead(mh.integer("num_convs", 4), mh.positive("in_channels"), mh.integer("conv_out_channels", 256),
                    mh.integer("conv_kernel_size", 3), mh.positive("num_classes"));
        }
        ConfigObject test = m.object("test_cfg");
        ConfigObject tr = test.object("rpn");
        ConfigObject trNms = tr.object("nms");
        TestConfigs.Rpn rpnTest = new TestConfigs.Rpn(tr.integer("nms_pre", -1), tr.integer("max_per_img", -1),
                (float) trNms.number("iou_threshold", Double.NaN), (float) tr.number("min_bbox_size", 0));
        ConfigObject tc = test.object("rcnn");
        ConfigObject tcNms = tc.object("nms");
        if (!tcNms.text("type", "nms").equals("nms") || !trNms.text("type", "nms").equals("nms")) {
            throw new ConfigException(test.where + ": only nms (not soft_nms) is supported");
        }
        TestConfigs.Rcnn rcnnTest = new TestConfigs.Rcnn((float) tc.number("score_thr", Double.NaN),
                (float) tcNms.number("iou_threshold", Double.NaN), tc.integer("max_per_img", -1),
                (float) tc.number("mask_thr_binary", 0.5));
        return new MaskRcnnConfig(n, rpnHead, bboxEx, bboxHead, maskEx, maskHead, rpnTest, rcnnTest);
    }

    private static BoxCoder coder(ConfigObject head) {
        ConfigObject c = head.object("bbox_coder");
        c.expectType("DeltaXYWHBBoxCoder");
        if (c.bool("add_ctr_clamp", false) || !c.bool("clip_border", true)) {
            throw new ConfigException(c.where + ": add_ctr_clamp / clip_border=False are not supported");
        }
        float[] means = c.floats("target_means", new float[] {0, 0, 0, 0});
        float[] stds = c.floats("target_stds", new float[] {1, 1, 1, 1});
        if (means.length != 4 || stds.length != 4) {
            throw new ConfigException(c.where + ": target_means and target_stds need 4 values");
        }
        return new BoxCoder(means, stds);
    }

    private static RoiExtractor extractor(ConfigObject r) {
        r.expectType("SingleRoIExtractor");
        ConfigObject layer = r.object("roi_layer");
        layer.expectType("RoIAlign");
        if (!layer.text("pool_mode", "avg").equals("avg")) {
            throw new ConfigException(layer.where + ".pool_mode: only avg is supported");
        }
        return new RoiExtractor(layer.positive("output_size"), layer.integer("sampling_ratio", 0), layer.bool("aligned", true),
                r.positive("out_channels"), r.ints("featmap_strides", null), (float) r.number("finest_scale", 56));
    }
}
