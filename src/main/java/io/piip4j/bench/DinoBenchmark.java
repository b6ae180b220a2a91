package io.piip4j.bench;

import io.piip4j.config.PiipConfig;
import io.piip4j.detector.Dino;
import io.piip4j.detector.DinoConfig;
import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.MixedPrecision;
import io.piip4j.nn.RandomWeights;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Times a whole DINO ({@link Dino#detect}: backbone, ChannelMapper, deformable encoder over the four
 * levels, two-stage query selection, decoder, top {@code max_per_img} detections) with random
 * weights on {@code s.batch()} images of {@code s.height() × s.width()} (taken as resized and padded).
 * DINO has no score threshold, so random weights give the full {@code max_per_img} detections and
 * need no shaping. The stage split ({@link StageProfile}) names backbone, neck, head (encoder and
 * its deformable attention, query selection, decoder) and detections.
 */
public final class DinoBenchmark {
    private DinoBenchmark() {
    }

    /** The timing, and the detections of the last run (all images). */
    public record Result(Benchmark.Result timing, int detections) {
    }

    public static Result run(PiipConfig backbone, DinoConfig config, Benchmark.Settings s) {
        try (Dino model = new Dino(backbone, config); StageProfile profile = s.profile() ? StageProfile.install(model) : null) {
            RandomWeights.fill(model, 0);
            InferenceWeights.keepOnlyPacked(model); // as Dino.load holds a loaded model
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
}
