package io.piip4j.bench;

import io.piip4j.config.PiipConfig;
import io.piip4j.head.ImageMeta;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.RandomWeights;
import io.piip4j.segmentor.SegmentationPreprocess;
import io.piip4j.segmentor.UperNet;
import io.piip4j.segmentor.UperNetConfig;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Times a whole UperNet ({@link UperNet#segment}: backbone and decode head per window, window
 * averaging, logits resized to the image, argmax) with random weights, in {@code whole} or
 * {@code slide} mode. With profiling the split is {@code backbone}, {@code decode_head} (summed over
 * the windows) and {@code class_maps}; the window accumulation is the rest.
 */
public final class SegmentorBenchmark {
    private SegmentorBenchmark() {
    }

    /** The timing, and how many windows one image was cut into. */
    public record Result(Benchmark.Result timing, int windows) {
    }

    /**
     * The default input: whole mode, the backbone's square; slide mode, the size the config's test
     * pipeline gives a 4:3 landscape image whose short edge is the crop's (512 × 683 for the
     * released 512 crop: two windows).
     *
     * @return {@code {height, width}}
     */
    public static int[] defaultInput(PiipConfig backbone, UperNetConfig config, SegmentationPreprocess pipeline, UperNetConfig.Mode mode) {
        int size = backbone.branches().get(backbone.numBranches() - 1).imgSize();
        if (mode == UperNetConfig.Mode.WHOLE) {
            return new int[] {size, size};
        }
        int crop = config.test().cropSize() == null ? size : config.test().cropSize()[0];
        int[] wh = pipeline.resizedSize((int) Math.round(crop * 4.0 / 3), crop);
        return new int[] {wh[1], wh[0]};
    }

    /**
     * Builds the segmentor, fills it with {@link RandomWeights}, and times {@code segment} on
     * {@code s.batch()} images of {@code s.height() × s.width()} (taken as already resized: the class
     * map is made at that size). Float32 only.
     */
    public static Result run(PiipConfig backbone, UperNetConfig config, UperNetConfig.Mode mode, Benchmark.Settings s) {
        if (s.dtype() != ScalarType.Float) {
            throw new IllegalArgumentException("--dtype: the UperNet segmentor runs in float32 for now");
        }
        try (UperNet model = new UperNet(backbone, config);
                StageProfile profile = s.profile() ? StageProfile.install(model) : null) {
            RandomWeights.fill(model, 0);
            InferenceWeights.keepOnlyPacked(model); // as UperNet.load holds a loaded model
            NdArray input;
            try (Tensor x = torch.randn(s.batch(), 3, s.height(), s.width())) {
                input = Tensors.toNdArray(x);
            }
            List<ImageMeta> metas = new ArrayList<>();
            for (int i = 0; i < s.batch(); i++) {
                metas.add(new ImageMeta(s.height(), s.width(), s.height(), s.width(), s.height(), s.width(), new float[] {1, 1, 1, 1}));
            }
            int windows = mode == UperNetConfig.Mode.SLIDE ? model.windows(s.height(), s.width()).count() : 1;
            Benchmark.Result timing = Benchmark.measure(s, profile, () -> model.segment(input, metas, mode, false));
            return new Result(timing, windows);
        }
    }
}
