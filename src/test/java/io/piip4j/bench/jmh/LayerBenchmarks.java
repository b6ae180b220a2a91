package io.piip4j.bench.jmh;

import io.piip4j.backbone.merge.BranchMerge;
import io.piip4j.backbone.interaction.DeformInputs;
import io.piip4j.backbone.interaction.InteractionUnit;
import io.piip4j.nn.RandomWeights;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.MixedPrecision;
import io.piip4j.nn.Module;
import io.piip4j.nn.WindowedAttention;
import io.piip4j.tensor.Inference;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
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
 * The hot layers of PIIP at the shapes of PIIP-TSB 368/192/128 (classification) and of its
 * detection sibling's windowed branch, each in float32 and bfloat16. Run with {@code ./bench/jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LayerBenchmarks {
    @Param({"fp32", "bf16"})
    public String dtype;

    private MSDeformAttn deform;
    private WindowedAttention window;
    private InteractionUnit unit;
    private Module merge;
    private Tensor query;
    private Tensor feat;
    private DeformInputs small;
    private DeformInputs large;
    private Tensor smallTokens;
    private Tensor largeTokens;
    private Tensor windowTokens;
    private Tensor mergeMap;

    @Setup
    public void setup() {
        // branch2 (dim 384, 12×12 tokens) ⇄ branch3 (dim 192, 23×23 tokens)
        deform = new MSDeformAttn(192, 12, 4, 0.5, 192);
        unit = new InteractionUnit(384, 192, "deform", 12, 4, 0.5, true, 0.25, true, true);
        window = new WindowedAttention(192, 3, true, null, 1e-6, 14, WindowedAttention.Padding.AFTER_QKV);
        merge = BranchMerge.create(192, 768, false);
        for (Module m : new Module[] {deform, unit, window, merge}) {
            RandomWeights.fill(m, 0);
            if (dtype.equals("bf16")) {
                MixedPrecision.toBfloat16(m);
            }
        }
        query = torch.randn(1, 529, 192);
        feat = torch.randn(1, 144, 192);
        small = DeformInputs.fromSmaller(192, 192, 192.0 / 368);
        large = DeformInputs.fromLarger(368, 368, 192.0 / 368);
        smallTokens = torch.randn(1, 144, 384);
        largeTokens = torch.randn(1, 529, 192);
        windowTokens = torch.randn(1, 70 * 70, 192); // 1120 px at patch 16
        mergeMap = torch.randn(1, 192, 23, 23);
    }

    @TearDown
    public void tearDown() {
        for (Module m : new Module[] {deform, unit, window, merge}) {
            m.close();
        }
    }

    private static float run(Supplier<Tensor> body) {
        return Inference.run(() -> body.get().sum().item_float());
    }

    @Benchmark
    public float deformableAttention() {
        return run(() -> deform.forward(query, large.reference(), feat, 12, 12));
    }

    @Benchmark
    public float windowedAttention() {
        return run(() -> window.forward(windowTokens, 70, 70));
    }

    @Benchmark
    public float interactionUnit() {
        return run(() -> unit.forward(smallTokens, largeTokens, small, large, 12, 12, 23, 23)[0]);
    }

    @Benchmark
    public float branchMerge() {
        return run(() -> BranchMerge.forward(merge, mergeMap));
    }
}
