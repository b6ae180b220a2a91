package io.piip4j.segmentor;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.backbone.DenseBackbone;
import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.ConfigException;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.head.FcnHead;
import io.piip4j.head.ImageMeta;
import io.piip4j.head.StageSink;
import io.piip4j.head.UperHead;
import io.piip4j.model.InputSpec;
import io.piip4j.model.TaskModel;
import io.piip4j.predict.ConfigClasses;
import io.piip4j.predict.Labels;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Scoped;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.Checkpoints;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.TaskModelWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * mmsegmentation 0.27's {@code EncoderDecoder} at test time with the PIIP backbone, a
 * {@link UperHead} decode head and an {@link FcnHead} auxiliary head (built so checkpoints load;
 * not run at inference): {@code encode_decode} (backbone → decode head → logits bilinearly resized
 * to the input), in {@code whole} or {@code slide} mode, then the logits cut to each image's
 * {@code img_shape}, resized to its {@code ori_shape}, softmax and argmax. Parameters are named as
 * mmseg's state dict ({@code backbone.…}, {@code decode_head.…}, {@code auxiliary_head.…}).
 *
 * <p>The mmseg PIIP backbone adds its position embeddings at the last branch's size without
 * resizing them, so the backbone takes exactly {@link #inputSize()} square inputs: a smaller input
 * (a whole-mode image, a sliding window of an image smaller than the crop) is padded with zeros at
 * the bottom and right up to it and the padding cut off the logits again, as mmseg's
 * "remove padding area" does; a larger whole-mode input is refused (slide over it instead).
 */
public final class UperNet extends TaskModel {
    /** Steps reported to forward hooks: the backbone, the decode head (per window in slide mode). */
    public static final String BACKBONE = "backbone";
    public static final String DECODE_HEAD = "decode_head";
    /** Step reported to forward hooks: the logits cut to each image, resized to its original size, argmax. */
    public static final String CLASS_MAPS = "class_maps";
    /** Classes resized to the original image at once when making a class map: bounds that step's memory. */
    static final int CLASS_CHUNK = 16;

    /** Told after each sliding window: {@code done} of {@code total} windows of the current batch. */
    @FunctionalInterface
    public interface WindowListener {
        WindowListener NONE = (done, total) -> {
        };

        void window(int done, int total);
    }

    private final UperNetConfig config;
    private final PiipConfig backboneConfig;
    private final DenseBackbone backbone;
    private final UperHead decodeHead;
    private final FcnHead auxiliaryHead;
    private final int inputSize;
    private SegmentationPreprocess pipeline;
    private List<String> classNames;

    public UperNet(PiipConfig backboneConfig, UperNetConfig config) {
        if (backboneConfig.task() != PiipConfig.Task.DENSE) {
            throw new IllegalArgumentException("the segmentor needs a dense (mmseg) backbone, got a " + backboneConfig.task() + " config");
        }
        this.config = config;
        this.backboneConfig = backboneConfig;
        this.inputSize = backboneConfig.branches().get(backboneConfig.numBranches() - 1).imgSize();
        UperNetConfig.Test t = config.test();
        if (t.mode() == UperNetConfig.Mode.SLIDE && (t.cropSize()[0] > inputSize || t.cropSize()[1] > inputSize)) {
            throw new IllegalArgumentException("test_cfg.crop_size " + Arrays.toString(t.cropSize()) + " is larger than the backbone's input size "
                    + inputSize + " (its position embeddings are not resized)");
        }
        this.backbone = child("backbone", (DenseBackbone) PiipNetwork.build(backboneConfig));
        UperNetConfig.DecodeHead d = config.decodeHead();
        int outputs = 4; // the PIIP dense backbone's pyramid: strides 4, 8, 16, 32
        for (int i : d.inIndex()) {
            checkIndex(i, outputs, "decode_head.in_index");
        }
        this.decodeHead = child("decode_head", d.create());
        UperNetConfig.AuxHead a = config.auxHead();
        if (a != null) {
            checkIndex(a.inIndex(), outputs, "auxiliary_head.in_index");
        }
        this.auxiliaryHead = a == null ? null : child("auxiliary_head", a.create(Math.floorMod(a.inIndex(), outputs)));
        this.classNames = Labels.segmentation(config.numClasses());
        this.pipeline = new SegmentationPreprocess(new int[] {4 * inputSize, inputSize}, inputSize,
                new double[] {123.675, 116.28, 103.53}, new double[] {58.395, 57.12, 57.375}, true);
    }

    private static void checkIndex(int i, int outputs, String key) {
        if (i < -outputs || i >= outputs) {
            throw new IllegalArgumentException(key + ": " + i + " is not one of the backbone's " + outputs + " outputs");
        }
    }

    @Override
    public PiipConfig config() {
        return backboneConfig;
    }

    public UperNetConfig segmentorConfig() {
        return config;
    }

    /** The side of the square the backbone takes (its last branch's {@code img_size}); smaller inputs are padded. */
    public int inputSize() {
        return inputSize;
    }

    @Override
    public InputSpec input() {
        return new InputSpec(inputSize, false);
    }

    public int numClasses() {
        return config.numClasses();
    }

    /** The test pipeline images go through before this model (the config's, where it was loaded from one). */
    public SegmentationPreprocess pipeline() {
        return pipeline;
    }

    /** The class names: the config's {@code classes} where it names them, else ADE20K's for 150 classes, {@code class_<i>} otherwise. */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * A predictor for this model (image in, {@link ClassMap} out) in the config's test mode, with
     * its test pipeline. One per thread; cheap.
     */
    public Segmenter newSegmenter() {
        return new Segmenter(this, config.test().mode());
    }

    /** Whole-mode logits at the input's size ({@code encode_decode}), for a (B, 3, H, W) batch no larger than {@link #inputSize()}. */
    @Override
    public List<Tensor> forwardOutputs(Tensor images) {
        return List.of(encodeDecode(images, StageSink.NONE, false));
    }

    /** The backbone (PIIP or a single-branch baseline). */
    public DenseBackbone backbone() {
        return backbone;
    }

    /** The decode head's and (null without one) the auxiliary head's logits, each at its own map's size. */
    public record HeadLogits(Tensor decode, Tensor aux) {
    }

    /**
     * The training forward ({@code forward_train} before the losses): a (B, 3, S, S) batch at the
     * backbone's input size S through the backbone, the decode head and the auxiliary head.
     */
    public HeadLogits headLogits(Tensor images) {
        if (images.dim() != 4 || images.size(2) != inputSize || images.size(3) != inputSize) {
            throw new IllegalArgumentException("training input must be (batch, 3, " + inputSize + ", " + inputSize + "), got "
                    + Arrays.toString(images.sizes().vec().get()));
        }
        List<Tensor> feats = call(BACKBONE, () -> backbone.forwardOutputs(images));
        Tensor decode = call(DECODE_HEAD, () -> decodeHead.forward(feats));
        return new HeadLogits(decode, auxiliaryHead == null ? null : auxiliaryHead.forward(feats));
    }

    // ---- loading ----

    public static UperNet load(Path configFile, Path weights) {
        return load(configFile, Checkpoints.readStateDict(weights, PthReader.Options.DEFAULT), weights.getFileName().toString());
    }

    /** As {@link #load(Path, Path)} from a state dict already read; {@code source} names it in errors. */
    public static UperNet load(Path configFile, Map<String, NdArray> stateDict, String source) {
        JsonNode root = UperNetConfig.tree(configFile);
        return load(root, configFile.getFileName().toString(), stateDict, source);
    }

    /**
     * Builds the segmentor a parsed config describes (golden case.json or released config) and loads
     * a whole-model checkpoint strictly; {@code name} names the config in errors, {@code source} the
     * checkpoint. A checkpoint for another number of classes is refused naming the key and both shapes.
     */
    public static UperNet load(JsonNode root, String name, Map<String, NdArray> stateDict, String source) {
        UperNet model = create(root, name);
        return TaskModelWeights.load(model, stateDict, source,
                List.of("decode_head.conv_seg.weight", "auxiliary_head.conv_seg.weight"), model.numClasses());
    }

    /** The segmentor a parsed config describes, its parameters not yet assigned (to be loaded or initialised for training). */
    public static UperNet create(JsonNode root, String name) {
        PiipConfig backboneCfg;
        try {
            backboneCfg = ConfigReader.parse(root);
        } catch (ConfigException e) {
            throw new ConfigException(name + ": " + e.getMessage());
        }
        UperNetConfig cfg = UperNetConfig.read(root, name);
        UperNet model;
        try {
            model = new UperNet(backboneCfg, cfg);
        } catch (IllegalArgumentException e) { // a size the config gives that the layers cannot take
            throw new ConfigException(name + ": model: " + e.getMessage(), e);
        }
        model.pipeline = SegmentationPreprocess.fromConfig(root, name, model.slideCrop());
        model.classNames = ConfigClasses.read(root, name, cfg.numClasses(), "model.decode_head.num_classes", model.classNames);
        return model;
    }

    /** Whether a state dict holds a whole segmentor (decode-head keys), not just a backbone. */
    public static boolean isWholeModel(Map<String, NdArray> stateDict) {
        return stateDict.keySet().stream().anyMatch(k -> k.startsWith("decode_head."));
    }


    /** The crop side slide mode uses (the config's crop height; the input size for whole-mode configs). */
    int slideCrop() {
        int[] crop = config.test().cropSize();
        return crop == null ? inputSize : crop[0];
    }

    /** The sliding windows an {@code height × width} model input is cut into in slide mode. */
    public SlideWindows windows(int height, int width) {
        UperNetConfig.Test t = config.test().withMode(UperNetConfig.Mode.SLIDE, inputSize);
        return SlideWindows.of(height, width, t.cropSize(), t.stride());
    }

    // ---- inference ----

    /**
     * Segments a normalised batch (B, 3, H, W), one meta per image ({@code img_shape} ≤ H×W, the
     * size to cut the logits to; {@code ori_shape}, the size of the map returned).
     *
     * @param confidence also return each pixel's probability of its class
     */
    public List<ClassMap> segment(NdArray images, List<ImageMeta> metas, UperNetConfig.Mode mode, boolean confidence) {
        return segment(images, metas, mode, confidence, WindowListener.NONE, StageSink.NONE);
    }

    /**
     * As {@link #segment(NdArray, List, UperNetConfig.Mode, boolean)}, telling {@code windows} after
     * each sliding window and reporting the stages to {@code sink}: {@code backbone}, {@code decode_logits}
     * and {@code aux_logits} (of the first window in slide mode), {@code seg_logit} (at the input's
     * size, as mmseg's inference has it before rescaling), {@code seg_pred_input_size}, and per image
     * {@code probs} (softmax at the original size), {@code probs_max} and {@code seg_pred} (argmax, int64).
     */
    public List<ClassMap> segment(NdArray images, List<ImageMeta> metas, UperNetConfig.Mode mode, boolean confidence,
            WindowListener windows, StageSink sink) {
        long[] s = images.shape();
        if (s.length != 4 || s[1] != 3 || s[0] != metas.size() || s[0] < 1) {
            throw new IllegalArgumentException("input must be (batch, 3, height, width) with one image meta per image, got shape "
                    + Arrays.toString(s) + " and " + metas.size() + " metas");
        }
        for (ImageMeta m : metas) {
            if (m.imgH() > s[2] || m.imgW() > s[3]) {
                throw new IllegalArgumentException("img_shape " + m.imgH() + "x" + m.imgW() + " exceeds the input's " + s[2] + "x" + s[3]);
            }
        }
        if (mode == UperNetConfig.Mode.WHOLE && (s[2] > inputSize || s[3] > inputSize)) {
            throw new IllegalArgumentException("whole mode takes images of at most " + inputSize + "x" + inputSize + " (the backbone's size), got "
                    + s[2] + "x" + s[3] + "; use slide mode");
        }
        List<String> names = classNames();
        return Inference.run(() -> {
            Tensor x = Tensors.fromNdArray(images);
            if (x.scalar_type().value != ScalarType.Float.value) {
                x = x.to(ScalarType.Float);
            }
            Tensor segLogit = mode == UperNetConfig.Mode.SLIDE ? slide(x, windows, sink) : encodeDecode(x, sink, true);
            if (sink.active()) {
                sink.put("seg_logit", Tensors.toNdArray(segLogit));
                sink.put("seg_pred_input_size", Tensors.toNdArray(torch.argmax(segLogit, new LongOptional(1), false)));
            }
            return call(CLASS_MAPS, () -> {
                List<ClassMap> out = new ArrayList<>();
                for (int i = 0; i < metas.size(); i++) {
                    ImageMeta m = metas.get(i);
                    Tensor one = segLogit.narrow(0, i, 1).narrow(2, 0, m.imgH()).narrow(3, 0, m.imgW()); // remove the padding area
                    if (sink.active()) {
                        Scoped.run(() -> reportFull(one, m, sink));
                    }
                    out.add(classMap(one, m.oriH(), m.oriW(), confidence, names));
                }
                return out;
            });
        });
    }

    /**
     * {@code encode_decode} on a batch no larger than the backbone's square: padded up to it, logits
     * bilinearly resized to the padded size, the padding cut off again.
     */
    private Tensor encodeDecode(Tensor x, StageSink sink, boolean report) {
        long h = x.size(2);
        long w = x.size(3);
        boolean pad = h < inputSize || w < inputSize;
        return Scoped.one(() -> {
            Tensor in = pad ? F.pad(x, 0, inputSize - w, 0, inputSize - h) : x;
            List<Tensor> feats = call(BACKBONE, () -> backbone.forwardOutputs(in));
            Tensor logits = call(DECODE_HEAD, () -> decodeHead.forward(feats));
            if (report && sink.active()) {
                feats.forEach(f -> sink.put("backbone", Tensors.toNdArray(f)));
                sink.put("decode_logits", Tensors.toNdArray(logits));
                if (auxiliaryHead != null) {
                    sink.put("aux_logits", Tensors.toNdArray(auxiliaryHead.forward(feats)));
                }
            }
            Tensor up = F.interpolateBilinear(logits, in.size(2), in.size(3));
            return pad ? up.narrow(2, 0, h).narrow(3, 0, w).contiguous() : up;
        });
    }

    /**
     * mmseg's {@code slide_inference} before rescaling: each window's logits summed into an
     * accumulator of the input's size, divided by how many windows cover each pixel. Windows run
     * one at a time (their activations freed before the next), so memory is the accumulator plus
     * one window's forward pass, whatever the image's size.
     */
    private Tensor slide(Tensor x, WindowListener listener, StageSink sink) {
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        SlideWindows sw = windows(h, w);
        long b = x.size(0);
        Tensor preds = torch.zeros(b, numClasses(), h, w);
        Tensor count = torch.zeros(b, 1, h, w);
        int k = 0;
        for (SlideWindows.Window win : sw.windows()) {
            boolean first = k == 0;
            Scoped.run(() -> {
                Tensor crop = x.narrow(2, win.y1(), win.height()).narrow(3, win.x1(), win.width());
                Tensor logits = encodeDecode(crop, sink, first);
                preds.narrow(2, win.y1(), win.height()).narrow(3, win.x1(), win.width()).add_(logits);
                count.narrow(2, win.y1(), win.height()).narrow(3, win.x1(), win.width()).add_(new Scalar(1.0));
            });
            listener.window(++k, sw.count());
        }
        return preds.div_(count); // in place: the accumulator becomes the averaged logits
    }

    /** The reference's outputs for one image: softmax of the logits resized to the original size, its maximum and argmax. */
    private static void reportFull(Tensor logit, ImageMeta m, StageSink sink) {
        Tensor probs = F.softmax(F.interpolateBilinear(logit, m.oriH(), m.oriW()), 1);
        sink.put("probs", Tensors.toNdArray(probs));
        sink.put("probs_max", Tensors.toNdArray(probs.amax(new long[] {1}, false)));
        sink.put("seg_pred", Tensors.toNdArray(torch.argmax(probs, new LongOptional(1), false)));
    }

    /**
     * The class map of one image's logits (1, C, h, w): resized to the original size
     * {@link #CLASS_CHUNK} classes at a time (bilinear resizing treats channels independently, so
     * this is exact) with a running maximum and argmax (the first class wins ties, as argmax does);
     * the confidence, {@code 1 / Σ exp(l − max)}, in a second pass. Memory: one chunk at the
     * original size, not all classes.
     */
    private static ClassMap classMap(Tensor logit, int oriH, int oriW, boolean confidence, List<String> names) {
        int classes = (int) logit.size(1);
        // the running maximum and its class, updated in place chunk by chunk (each chunk's temporaries freed)
        Tensor best = torch.full(new long[] {1, oriH, oriW}, new Scalar(Float.NEGATIVE_INFINITY));
        Tensor bestClass = torch.zeros(new long[] {1, oriH, oriW}, new org.bytedeco.pytorch.TensorOptions(
                new org.bytedeco.pytorch.ScalarTypeOptional(ScalarType.Long)));
        for (int c0 = 0; c0 < classes; c0 += CLASS_CHUNK) {
            int c = c0;
            int n = Math.min(CLASS_CHUNK, classes - c0);
            Scoped.run(() -> {
                Tensor part = F.interpolateBilinear(logit.narrow(1, c, n), oriH, oriW);
                Tensor max = part.amax(new long[] {1}, false);
                Tensor arg = torch.argmax(part, new LongOptional(1), false).add(new Scalar(c));
                Tensor better = max.gt(best); // strictly: an earlier class keeps a tie, as argmax does
                bestClass.copy_(torch.where(better, arg, bestClass));
                best.copy_(torch.where(better, max, best));
            });
        }
        java.nio.IntBuffer ints = Tensors.toNdArray(bestClass.to(ScalarType.Int)).data().asIntBuffer();
        int[] labels = new int[ints.remaining()];
        ints.get(labels);
        float[] conf = null;
        if (confidence) {
            Tensor sum = torch.zeros(1, oriH, oriW);
            for (int c0 = 0; c0 < classes; c0 += CLASS_CHUNK) {
                int c = c0;
                int n = Math.min(CLASS_CHUNK, classes - c0);
                Scoped.run(() -> {
                    Tensor part = F.interpolateBilinear(logit.narrow(1, c, n), oriH, oriW);
                    sum.add_(part.sub(best.unsqueeze(1)).exp().sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()));
                });
            }
            conf = Tensors.toFloats(sum.reciprocal());
        }
        return new ClassMap(oriW, oriH, labels, conf, names);
    }
}
