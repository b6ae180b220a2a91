package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.data.Augment;
import io.piip4j.data.Batches;
import io.piip4j.data.ImageSet;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Inference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty training steps after warm-up must not grow the process's resident memory by more than a
 * small bound: each step allocates several MB natively (a 32-image batch at 48 px, activations,
 * gradients), so leaking a step's tensors would add well over the bound.
 */
class NativeMemoryTest {
    @TempDir
    Path dir;

    @Test
    void fiftyStepsKeepNativeMemoryFlat() throws Exception {
        Inference.setThreads(1);
        Recipe r = Recipe.read(TinyRecipes.write(dir, TinyRecipes.vit(1, 32, 48), 128, 16));
        ImageSet train = TrainerTest.data(r)[0];
        try (TrainableClassifier m = r.buildModel()) {
            torch.manual_seed(0);
            m.initialize();
            List<Parameter> params = new ArrayList<>(m.module().namedParameters().values());
            params.forEach(p -> p.get().set_requires_grad(true));
            m.module().train(true);
            try (AdamW opt = new AdamW(ParamGroups.build(m, 0.05, 1.0), 0.9, 0.999, 1e-8)) {
                opt.setLearningRate(1e-3);
                TrainStep step = new TrainStep(m, opt, params, new InputPipeline(r.mean(), r.std(), m.inputSize()), 0.1, 1.0);
                int[] order = Batches.order(train.size(), 1, 0);
                Augment aug = new Augment(1, true);
                for (int i = 0; i < 10; i++) {
                    step.run(Batches.train(train, order, i % 4, 32, aug, 1, 0));
                }
                System.gc();
                long before = Pointer.physicalBytes();
                for (int i = 0; i < 50; i++) {
                    step.run(Batches.train(train, order, i % 4, 32, aug, 1, 0));
                }
                System.gc();
                long after = Pointer.physicalBytes();
                long grown = after - before;
                System.out.println("native memory over 50 steps: " + (before >> 20) + " -> " + (after >> 20) + " MB");
                assertTrue(grown < 32L << 20, "resident memory grew by " + (grown >> 20) + " MB over 50 steps ("
                        + (before >> 20) + " → " + (after >> 20) + " MB)");
            }
        }
    }
}
