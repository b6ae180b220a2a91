package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.ConfigException;
import io.piip4j.predict.ConfigClasses;
import io.piip4j.predict.Labels;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.head.Detections;
import io.piip4j.head.FcnMaskHead;
import io.piip4j.head.ImageMeta;
import io.piip4j.head.RpnHead;
import io.piip4j.head.Shared2FcBBoxHead;
import io.piip4j.head.SingleRoiExtractor;
import io.piip4j.head.StageSink;
import io.piip4j.head.StandardRoiHead;
import io.piip4j.neck.Fpn;
import io.piip4j.nn.Module;
import io.piip4j.ops.AnchorGenerator;
import io.piip4j.ops.DeltaXywhBoxCoder;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.Checkpoints;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.TaskModelWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection 2.25's {@code MaskRCNN} at test time with a PIIP backbone: backbone → FPN → RPN
 * proposals → RoI heads → boxes, labels and masks, rescaled to each original image. Parameters are
 * named exactly as mmdetection's state dict ({@code backbone.…}, {@code neck.…}, {@code rpn_head.…},
 * {@code roi_head.…}), so a whole-model checkpoint loads without renaming.
 */
public final class MaskRcnn extends Module implements DetectionModel {
    /**
     * The steps a detection reports to forward hooks ({@link Module#addForwardHook}, for timing):
     * the backbone, the FPN, and the RPN ({@link #RPN_HEAD}'s convolutions, then {@link #PROPOSALS}:
     * top-k, decoding, NMS); the RoI head reports its own ({@link StandardRoiHead}).
     */
    public static final String BACKBONE = "backbone";
    public static final String NECK = "neck";
    public static final String RPN = "rpn";
    public static final String RPN_HEAD = "rpn_head";
    public static final String PROPOSALS = "proposals";

    private final MaskRcnnConfig config;
    private final PiipNetwork backbone;
    private final Fpn neck;
    private final RpnHead rpnHead;
    private final StandardRoiHead roiHead;
    private DetectionPreprocess pipeline = new DetectionPreprocess(DetectionPreprocess.DEFAULT_SCALE, true,
            new double[] {123.675, 116.28, 103.53}, new double[] {58.395, 57.12, 57.375}, true, DetectionPreprocess.DEFAULT_SIZE_DIVISOR);
    private List<String> classNames;

    public MaskRcnn(PiipConfig backboneConfig, MaskRcnnConfig config) {
        this.config = config;
        this.classNames = Labels.detection(config.bboxHead().numClasses());
        this.backbone = child("backbone", PiipNetwork.build(backboneConfig));
        this.neck = child("neck", newNeck(config));
        this.rpnHead = child("rpn_head", newRpnHead(config));
        this.roiHead = child("roi_head", newRoiHead(config));
    }

    /** The FPN a config describes (unallocated weights; also what the cost counter reads). */
    public static Fpn newNeck(MaskRcnnConfig config) {
        MaskRcnnConfig.Neck n = config.neck();
        return new Fpn(n.inChannels(), n.outChannels(), n.numOuts(), n.startLevel(), n.endLevel(), n.extra(), n.reluBeforeExtraConvs());
    }

    /** The RPN head a config describes (unallocated weights). */
    public static RpnHead newRpnHead(MaskRcnnConfig config) {
        MaskRcnnConfig.RpnHead r = config.rpnHead();
        MaskRcnnConfig.Anchors a = r.anchors();
        return new RpnHead(r.inChannels(), r.featChannels(),
                new AnchorGenerator(a.strides(), a.ratios(), a.scales(), a.octaveBaseScale(), a.scalesPerOctave(), a.centerOffset()),
                coder(r.coder()));
    }

    /** The RoI head (box head, and mask head where configured) a config describes (unallocated weights). */
    public static StandardRoiHead newRoiHead(MaskRcnnConfig config) {
        MaskRcnnConfig.BBoxHead b = config.bboxHead();
        Shared2FcBBoxHead bboxHead = new Shared2FcBBoxHead(b.inChannels(), b.roiFeatSize(), b.fcOutChannels(), b.numSharedFcs(),
                b.numClasses(), b.regClassAgnostic(), coder(b.coder()));
        MaskRcnnConfig.MaskHead m = config.maskHead();
        FcnMaskHead maskHead = m == null ? null
                : new FcnMaskHead(m.numConvs(), m.inChannels(), m.convOutChannels(), m.convKernelSize(), m.numClasses());
        return new StandardRoiHead(extractor(config.bboxRoiExtractor()), bboxHead,
                m == null ? null : extractor(config.maskRoiExtractor()), maskHead);
    }

    private static DeltaXywhBoxCoder coder(MaskRcnnConfig.BoxCoder c) {
        return new DeltaXywhBoxCoder(c.means(), c.stds());
    }

    private static SingleRoiExtractor extractor(MaskRcnnConfig.RoiExtractor e) {
        return new SingleRoiExtractor(e.outputSize(), e.samplingRatio(), e.aligned(), e.featmapStrides(), e.finestScale());
    }

    public PiipNetwork backbone() {
        return backbone;
    }

    public Fpn neck() {
        return neck;
    }

    public RpnHead rpnHead() {
        return rpnHead;
    }

    public StandardRoiHead roiHead() {
        return roiHead;
    }

    public MaskRcnnConfig config() {
        return config;
    }

    /** The test pipeline images go through before this model (the config's, where it was loaded from one). */
    @Override
    public DetectionPreprocess pipeline() {
        return pipeline;
    }

    @Override
    public boolean predictsMasks() {
        return config.maskHead() != null;
    }

    /** The config's {@code classes} where it has them; else the COCO class names for 80 classes, {@code class_<i>} otherwise. */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    private static List<String> classNames(JsonNode root, String name, MaskRcnnConfig cfg) {
        return ConfigClasses.read(root, name, cfg.bboxHead().numClasses(), "model.roi_head.bbox_head.num_classes",
                Labels.detection(cfg.bboxHead().numClasses()));
    }

    /**
     * Builds the model a config file describes (golden case.json or released config) and loads a
     * whole-model checkpoint strictly: every parameter by its mmdetection name and shape. A checkpoint
     * for another number of classes is refused naming the key and both shapes.
     */
    public static MaskRcnn load(Path configFile, Path weights) {
        return load(configFile, weights, PthReader.Options.DEFAULT);
    }

    public static MaskRcnn load(Path configFile, Path weights, PthReader.Options options) {
        return load(configFile, Checkpoints.readStateDict(weights, options), weights.getFileName().toString());
    }

    /** As {@link #load(Path, Path)} from a state dict already read; {@code source} names it in errors. */
    public static MaskRcnn load(Path configFile, Map<String, NdArray> stateDict, String source) {
        MaskRcnnConfig cfg = MaskRcnnConfig.read(configFile);
        PiipConfig backboneCfg = ConfigReader.read(configFile);
        return load(backboneCfg, cfg, MaskRcnnConfig.tree(configFile), configFile.getFileName().toString(), stateDict, source);
    }

    /**
     * As {@link #load(Path, Path)} from a config already parsed (a zoo model's JSON, say);
     * {@code name} names the config in errors, {@code source} the checkpoint.
     */
    /**
     * The model a config describes (mmdetection config or golden case.json), with the config's test
     * pipeline and weights not yet set: for training from scratch ({@code detector.train.DetectorInit}).
     */
    public static MaskRcnn create(JsonNode root, String name) {
        PiipConfig backboneCfg;
        try {
            backboneCfg = ConfigReader.parse(root);
        } catch (ConfigException e) {
            throw new ConfigException(name + ": " + e.getMessage());
        }
        MaskRcnnConfig cfg = MaskRcnnConfig.read(root, name);
        List<String> names = classNames(root, name, cfg);
        MaskRcnn model;
        try {
            model = new MaskRcnn(backboneCfg, cfg);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": model: " + e.getMessage(), e);
        }
        model.pipeline = DetectionPreprocess.fromConfig(root, name);
        model.classNames = names;
        return model;
    }

    public static MaskRcnn load(JsonNode root, String name, Map<String, NdArray> stateDict, String source) {
        PiipConfig backboneCfg;
        try {
            backboneCfg = ConfigReader.parse(root);
        } catch (ConfigException e) {
            throw new ConfigException(name + ": " + e.getMessage());
        }
        return load(backboneCfg, MaskRcnnConfig.read(root, name), root, name, stateDict, source);
    }

    private static MaskRcnn load(PiipConfig backboneCfg, MaskRcnnConfig cfg, JsonNode root, String name,
            Map<String, NdArray> stateDict, String source) {
        DetectionPreprocess pipeline = DetectionPreprocess.fromConfig(root, name);
        List<String> names = classNames(root, name, cfg);
        MaskRcnn model;
        try {
            model = new MaskRcnn(backboneCfg, cfg);
        } catch (IllegalArgumentException e) { // a size the config gives that the layers cannot take
            throw new ConfigException(name + ": model: " + e.getMessage(), e);
        }
        model.pipeline = pipeline;
        model.classNames = names;
        return TaskModelWeights.load(model, stateDict, source, List.of("roi_head.bbox_head.fc_cls.weight", "roi_head.bbox_head.fc_reg.weight",
                "roi_head.mask_head.conv_logits.weight"), cfg.bboxHead().numClasses());
    }

    /** Whether a state dict holds a whole two-stage detector (RoI head keys), not just a backbone. */
    public static boolean isWholeModel(Map<String, NdArray> stateDict) {
        return stateDict.keySet().stream().anyMatch(k -> k.startsWith("roi_head."));
    }

    /**
     * Detects on a normalised, padded batch (B, 3, H, W), one meta per image.
     *
     * @param rescale boxes and masks in original-image pixels, as mmdetection's {@code rescale=True}
     */
    @Override
    public List<Detections> detect(NdArray images, List<ImageMeta> metas, boolean rescale) {
        return detect(images, metas, rescale, StageSink.NONE);
    }

    /** As {@link #detect(NdArray, List, boolean)}, reporting every intermediate stage to {@code sink}. */
    @Override
    public List<Detections> detect(NdArray images, List<ImageMeta> metas, boolean rescale, StageSink sink) {
        DetectionModel.checkBatch(images, metas);
        return Inference.run(() -> forward(Tensors.fromNdArray(images), metas, rescale, sink));
    }

    private List<Detections> forward(Tensor images, List<ImageMeta> metas, boolean rescale, StageSink sink) {
        List<Tensor> feats = call(BACKBONE, () -> backbone.forwardOutputs(images));
        sink.putAll("backbone", feats);
        List<Tensor> levels = call(NECK, () -> neck.forward(feats));
        sink.putAll("neck", levels);
        List<float[]> proposals = call(RPN, () -> {
            RpnHead.Outputs rpn = call(RPN_HEAD, () -> rpnHead.forward(levels));
            sink.putAll("rpn_cls_score", rpn.clsScores());
            sink.putAll("rpn_bbox_pred", rpn.bboxPreds());
            return call(PROPOSALS, () -> {
                List<float[]> out = new ArrayList<>();
                for (int i = 0; i < metas.size(); i++) {
                    float[] p = rpnHead.proposals(rpn, i, metas.get(i).imgH(), metas.get(i).imgW(), config.rpnTest());
                    out.add(p);
                    if (sink.active()) {
                        sink.put("proposals", NdArray.ofFloats(p, p.length / 5, 5));
                    }
                }
                return out;
            });
        });
        return roiHead.simpleTest(levels, proposals, metas, rescale, config.rcnnTest(), sink);
    }
}
