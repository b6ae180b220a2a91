package io.piip4j.bench.jmh;

import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.MixedPrecision;
import io.piip4j.nn.RandomWeights;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path of DINO's encoder: one layer's multi-scale deformable self-attention over all four
 * levels (every token a query; one gather-and-weight pass over all levels, heads and points), at the
 * released transformer's sizes (256 channels, 8 heads, 4 points) and the levels (strides 8, 16, 32,
 * 64) of a padded input: {@code 1568x2016} is what the released PIIP-SBL DINO pipeline (scale
 * 2332×1400, padding to 224) makes of a 4:3 photo. Run with {@code ./bench/jmh DinoEncoderBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class DinoEncoderBenchmarks {
    /** Padded input, height x width. */
    @Param({"672x896", "1568x2016"})
    public String input;

    @Param({"fp32", "bf16"})
    public String dtype;

    /** Model width, heads, points (the released config's). */
    public int dim = 256;
    public int heads = 8;
    public int points = 4;

    private MSDeformAttn attention;
    private MSDeformAttn.Levels levels;
    private Tensor tokens;
    private Tensor queries;
    private Tensor reference;
    private Tensor padding;

    @Setup
    public void setup() {
        String[] hw = input.split("x");
        long h = Long.parseLong(hw[0]);
        long w = Long.parseLong(hw[1]);
        long[] shapes = new long[8];
        long lh = (h + 7) / 8;
        long lw = (w + 7) / 8;
        for (int l = 0; l < 4; l++) { // strides 8, 16, 32 from the backbone, 64 from the neck's stride-2 convolution
            shapes[2 * l] = lh;
            shapes[2 * l + 1] = lw;
            lh = (lh + 1) / 2;
            lw = (lw + 1) / 2;
        }
        levels = MSDeformAttn.Levels.of(shapes);
        attention = new MSDeformAttn(dim, 4, heads, points, 1.0, dim);
        RandomWeights.fill(attention, 0);
        if (dtype.equals("bf16")) {
            MixedPrecision.toBfloat16(attention);
        }
        long len = levels.tokens();
        tokens = torch.randn(1, len, dim);
        queries = tokens.add(torch.randn(1, len, dim)); // + positional and level embedding
        reference = cellCentres(levels);
        padding = torch.zeros(1, len).to(ScalarType.Bool); // an unpadded image still passes the mask
    }

    /** (1, Len, 4, 2): each token's cell centre, the same normalised point on every level. */
    private static Tensor cellCentres(MSDeformAttn.Levels levels) {
        int len = (int) levels.tokens();
        float[] v = new float[len * 4 * 2];
        int t = 0;
        for (int l = 0; l < levels.count(); l++) {
            long h = levels.heights()[l];
            long w = levels.widths()[l];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++, t++) {
                    for (int k = 0; k < 4; k++) {
                        v[(t * 4 + k) * 2] = (x + 0.5f) / w;
                        v[(t * 4 + k) * 2 + 1] = (y + 0.5f) / h;
                    }
                }
            }
        }
        return Tensors.fromFloats(v, 1, len, 4, 2);
    }

    @TearDown
    public void tearDown() {
        attention.close();
    }

    @Benchmark
    public float encoderDeformableAttention() {
        return Inference.run(() -> attention.forward(queries, reference, tokens, levels, padding).sum().item_float());
    }
}
