package io.piip4j.bench;

import io.piip4j.config.PiipConfig;
import io.piip4j.detector.DetectionPreprocess;
import io.piip4j.detector.MaskRcnn;
import io.piip4j.detector.MaskRcnnConfig;
import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.MixedPrecision;
import io.piip4j.nn.RandomWeights;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Times a whole Mask R-CNN ({@link MaskRcnn#detect}: backbone, FPN, RPN, box head, mask head, mask
 * paste into the image) with random weights, as the official speed measurement did: one image, the
 * released head widths, and {@value #SHAPED_CLASSES} classes' scores lifted (the box classifier's
 * bias, {@link #shapeScores}) so that the config's {@code max_per_img} detections (100 for the
 * released configs) pass {@code score_thr} and class-wise NMS and reach the mask head.
 */
public final class DetectorBenchmark {
    /** How many classes get the lifted classifier bias. */
    public static final int SHAPED_CLASSES = 5;
    /**
     * Their bias: with the other logits near 0, softmax gives them about e^3 / (5 e^3 + 76) ≈ 0.11 each,
     * above the released 0.05 (with the random layers' own logits, the released model's 100 detections score 0.29–0.36).
     */
    public static final double SHAPED_BIAS = 3.0;

    private DetectorBenchmark() {
    }

    /** The timing, and the detections that reached the mask head in the last run (all images). */
    public record Result(Benchmark.Result timing, int detections) {
    }

    /**
     * The default input: the padded size the config's test pipeline gives a 4:3 landscape image whose
     * short edge is the test scale's (896 × 672 for the released 1120 × 672 scale: input 672 × 896).
     *
     * @return {@code {height, width}}
     */
    public static int[] defaultInput(DetectionPreprocess pipeline) {
        int h = pipeline.shortEdge();
        ImageMeta m = pipeline.meta((int) Math.round(h * 4.0 / 3), h);
        return new int[] {m.padH(), m.padW()};
    }

    /**
     * Builds the detector, fills it with {@link RandomWeights} (then {@link #shapeScores}), and times
     * {@code detect} on {@code s.batch()} images of {@code s.height() × s.width()} (taken as already
     * resized and padded: scale factor 1), with masks pasted at that size. bfloat16 follows
     * {@link MixedPrecision} on every product layer, heads included (as autocast would).
     */
    public static Result run(PiipConfig backbone, MaskRcnnConfig config, Benchmark.Settings s) {
        try (MaskRcnn model = new MaskRcnn(backbone, config);
                StageProfile profile = s.profile() ? StageProfile.install(model) : null) {
            RandomWeights.fill(model, 0);
            shapeScores(model, config.bboxHead().numClasses());
            InferenceWeights.keepOnlyPacked(model); // as MaskRcnn.load holds a loaded model
            if (s.dtype() == ScalarType.BFloat16) {
                MixedPrecision.toBfloat16(model);
            }
            NdArray input;
            try (Tensor x = torch.randn(s.batch(), 3, s.height(), s.width())) {
                input = Tensors.toNdArray(x);
            }
            List<ImageMeta> metas = new ArrayList<>();
            for (int i = 0; i < s.batch(); i++) {
                metas.add(new ImageMeta(s.height(), s.width(), s.height(), s.width(), s.height(), s.width(), new float[] {1, 1, 1, 1}));
            }
            int[] detections = new int[1];
            Benchmark.Result timing = Benchmark.measure(s, profile, () -> {
                int n = 0;
                for (Detections d : model.detect(input, metas, true)) {
                    n += d.count();
                }
                detections[0] = n;
            });
            return new Result(timing, detections[0]);
        }
    }

    /**
     * Lifts the first {@value #SHAPED_CLASSES} classes: the box classifier's bias becomes
     * {@value #SHAPED_BIAS} for them and 0 for the other classes and the background. Random weights
     * otherwise score every class near 1 / (classes + 1), below {@code score_thr}, and nothing would
     * reach the mask head.
     */
    static void shapeScores(MaskRcnn model, int numClasses) {
        Parameter bias = model.namedParameters().get("roi_head.bbox_head.fc_cls.bias");
        Tensor b = torch.zeros(numClasses + 1);
        b.narrow(0, 0, Math.min(SHAPED_CLASSES, numClasses)).fill_(new Scalar(SHAPED_BIAS));
        bias.set(b);
    }
}
