package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.ConfigException;
import io.piip4j.predict.ConfigClasses;
import io.piip4j.predict.Labels;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.head.StageSink;
import io.piip4j.head.dino.DinoHead;
import io.piip4j.head.dino.SinePositionalEncoding;
import io.piip4j.neck.ChannelMapper;
import io.piip4j.nn.Module;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.TaskModelWeights;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdetection's {@code DINO} (PIIP's mmdet 2.25 fork) at test time with a PIIP backbone: the
 * backbone's three DINO maps → {@link ChannelMapper} (plus a stride-2 level) → {@link DinoHead}
 * (deformable encoder, two-stage query selection, decoder with box refinement) → the top
 * {@code max_per_img} (query, class) pairs per image, boxes in original-image pixels. Parameters are
 * named as mmdetection's state dict ({@code backbone.…}, {@code neck.…}, {@code bbox_head.…}), so a
 * whole-model checkpoint loads without renaming.
 */
public final class Dino extends Module implements DetectionModel {
    /** The steps a detection reports to forward hooks: backbone, neck, head (the transformer reports its own), detections. */
    public static final String BACKBONE = "backbone";
    public static final String NECK = "neck";
    public static final String HEAD = "bbox_head";
    public static final String DETECTIONS = "detections";

    private final DinoConfig config;
    private final PiipNetwork backbone;
    private final ChannelMapper neck;
    private final DinoHead head;
    private DetectionPreprocess pipeline = new DetectionPreprocess(DetectionPreprocess.DEFAULT_SCALE, true,
            new double[] {123.675, 116.28, 103.53}, new double[] {58.395, 57.12, 57.375}, true, DetectionPreprocess.DEFAULT_SIZE_DIVISOR);
    private List<String> classNames;

    public Dino(PiipConfig backboneConfig, DinoConfig config) {
        if (!backboneConfig.dense().isDino()) {
            throw new IllegalArgumentException("backbone: a DINO detector needs the backbone's DINO outputs (is_dino=True)");
        }
        this.config = config;
        this.classNames = Labels.detection(config.numClasses());
        this.backbone = child("backbone", PiipNetwork.build(backboneConfig));
        this.neck = child("neck", newNeck(config));
        this.head = child("bbox_head", newHead(config));
    }

    /** The ChannelMapper a config describes (unallocated weights; also what the cost counter reads). */
    public static ChannelMapper newNeck(DinoConfig config) {
        DinoConfig.Neck n = config.neck();
        return new ChannelMapper(n.inChannels(), n.outChannels(), n.kernelSize(), n.gnGroups(), n.numOuts());
    }

    /** The DINO head (transformer, class and box branches) a config describes (unallocated weights). */
    public static DinoHead newHead(DinoConfig config) {
        DinoConfig.PositionalEncoding p = config.positionalEncoding();
        return new DinoHead(config.transformer(),
                new SinePositionalEncoding(p.numFeats(), p.temperature(), p.normalize(), p.scale(), p.eps(), p.offset()),
                config.numClasses(), config.numRegFcs());
    }

    public DinoConfig config() {
        return config;
    }

    public DinoHead head() {
        return head;
    }

    @Override
    public DetectionPreprocess pipeline() {
        return pipeline;
    }

    @Override
    public boolean predictsMasks() {
        return false;
    }

    /** The config's {@code classes} where it has them; else the COCO class names for 80 classes, {@code class_<i>} otherwise. */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** Builds the model a config file describes (golden case.json or released config) and loads a whole-model checkpoint strictly. */
    public static Dino load(Path configFile, Map<String, NdArray> stateDict, String source) {
        JsonNode root = MaskRcnnConfig.tree(configFile);
        return load(root, configFile.getFileName().toString(), stateDict, source);
    }

    /** As {@link #load(Path, Map, String)} from a config already parsed; {@code name} names it in errors. */
    public static Dino load(JsonNode root, String name, Map<String, NdArray> stateDict, String source) {
        PiipConfig backboneCfg;
        try {
            backboneCfg = ConfigReader.parse(root);
        } catch (ConfigException e) {
            throw new ConfigException(name + ": " + e.getMessage());
        }
        DinoConfig cfg = DinoConfig.read(root, name);
        DetectionPreprocess pipeline = DetectionPreprocess.fromConfig(root, name);
        List<String> names = ConfigClasses.read(root, name, cfg.numClasses(), "model.bbox_head.num_classes", Labels.detection(cfg.numClasses()));
        Dino model;
        try {
            model = new Dino(backboneCfg, cfg);
        } catch (IllegalArgumentException e) { // a size the config gives that the layers cannot take
            throw new ConfigException(name + ": model: " + e.getMessage(), e);
        }
        model.pipeline = pipeline;
        model.classNames = names;
        return TaskModelWeights.load(model, stateDict, source,
                List.of("bbox_head.cls_branches.0.weight", "bbox_head.label_embedding.weight"), cfg.numClasses());
    }

    /** Whether a state dict holds a whole DINO (its head's keys), not just a backbone. */
    public static boolean isWholeModel(Map<String, NdArray> stateDict) {
        return stateDict.keySet().stream().anyMatch(k -> k.startsWith("bbox_head.transformer."));
    }

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
        int batchH = (int) images.size(2);
        int batchW = (int) images.size(3);
        DinoHead.Outputs out = call(HEAD, () -> head.forward(levels, batchH, batchW, metas, sink));
        List<Detections> dets = call(DETECTIONS, () -> head.detections(out, metas, config.maxPerImg(), rescale, sink));
        if (sink.active()) {
            for (Detections d : dets) {
                sink.put("det_bboxes", NdArray.ofFloats(d.boxes(), d.count(), 5));
                long[] labels = Arrays.stream(d.labels()).asLongStream().toArray();
                sink.put("det_labels", NdArray.ofLongs(labels, labels.length));
            }
        }
        return dets;
    }
}
