package io.piip4j.backbone;

import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Not a test: a one-off probe of a dense backbone's memory, run under {@code /usr/bin/time -v} to
 * read the peak resident set. Builds the model from a config with random weights (scale 0.02) and
 * runs one forward pass on a random batch-1 image of the given size.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.piip4j.backbone.DenseMemoryProbe CONFIG SIZE
 * </pre>
 */
public final class DenseMemoryProbe {
    private DenseMemoryProbe() {
    }

    public static void main(String[] args) {
        PiipConfig cfg = ConfigReader.read(Path.of(args[0]));
        long size = Long.parseLong(args[1]);
        try (PiipNetwork net = PiipNetwork.build(cfg)) {
            for (Parameter p : net.namedParameters().values()) {
                p.set(torch.randn(p.shape()).mul(new org.bytedeco.pytorch.Scalar(0.02)));
            }
            io.piip4j.nn.InferenceWeights.keepOnlyPacked(net); // as PiipModel holds a loaded model
            long t0 = System.nanoTime();
            List<long[]> shapes = Inference.run(() -> {
                List<Tensor> outs = net.forwardOutputs(torch.randn(1, 3, size, size));
                return outs.stream().map(Tensors::shape).toList();
            });
            System.out.printf("%s on %dx%d: %d parameters, forward %.1f s, outputs %s%n", args[0], size, size,
                    net.numParameters(), (System.nanoTime() - t0) / 1e9,
                    shapes.stream().map(java.util.Arrays::toString).toList());
        }
    }
}
