package io.piip4j.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.weights.LoadReport;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.StateDictLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every detection/segmentation backbone case built by the official code (DeiT, InternViT, BEiT,
 * Uni-Perceiver and ConvNeXt branches; simple- and regular-FPN outputs): the port has the same
 * parameters (count and names), and the same outputs within the README's bound.
 */
@RunsGolden("det*")
class DenseGoldenTest {

    static Stream<String> cases() {
        return Golden.claimed(DenseGoldenTest.class);
    }

    private static double maxAbs(NdArray a) {
        double m = 0;
        for (float v : a.toFloats()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxAbsDiff(NdArray a, NdArray b) {
        float[] x = a.toFloats();
        float[] y = b.toFloats();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs((double) x[i] - y[i]));
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameParameters(String name) {
        Path dir = Golden.require().resolve(name);
        PiipConfig cfg = ConfigReader.read(dir.resolve("case.json"));
        assertEquals(PiipConfig.Task.DENSE, cfg.task());
        try (PiipNetwork structure = PiipNetwork.structure(cfg)) {
            assertEquals(Golden.numParameters(dir), structure.numParameters(), "parameter count");
            // every parameter and buffer of the reference by name and shape (BEiT's
            // relative_position_index buffers are the module's own constants, checked by value)
            LoadReport names = StateDictLoader.load(structure, PthReader.readStateDict(dir.resolve("weights.pth")), false, name);
            assertTrue(names.clean(), names.summary());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithReference(String name) {
        Path dir = Golden.require().resolve(name);
        PiipConfig cfg = ConfigReader.read(dir.resolve("case.json"));
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        NdArray input = (NdArray) io.get("input");
        List<?> expected = (List<?>) io.get("output");
        try (DenseBackbone model = DenseBackbone.structure(cfg)) {
            LoadReport report = StateDictLoader.load(model, PthReader.readStateDict(dir.resolve("weights.pth")), true, name);
            assertTrue(report.clean(), report.summary());
            List<NdArray> out = Inference.run(() -> {
                List<NdArray> r = new ArrayList<>();
                for (FeaturePyramid.Level level : model.forwardFeatures(Tensors.fromNdArray(input)).levels()) {
                    Tensor t = level.map();
                    // the typed pyramid describes its maps: channels as they are, strides of the input
                    assertEquals(t.size(1), level.channels(), name + " channels");
                    assertTrue(Math.abs(t.size(2) - (double) input.shape()[2] / level.stride()) < 1, name + " stride "
                            + level.stride() + " for a " + t.size(2) + "-row map of a " + input.shape()[2] + "-row input");
                    r.add(Tensors.toNdArray(t.contiguous()));
                }
                return r;
            });
            assertEquals(expected.size(), out.size(), "number of outputs");
            for (int i = 0; i < out.size(); i++) {
                NdArray ref = (NdArray) expected.get(i);
                Golden.assertAgrees(ref, out.get(i), name + " output " + i);
                System.out.printf(java.util.Locale.ROOT, "%s output %d %s: max |port - ref| %.3g, bound %.3g%n", name, i,
                        java.util.Arrays.toString(ref.shape()), maxAbsDiff(ref, out.get(i)), 1e-4 * Math.max(1, maxAbs(ref)));
            }
        }
    }
}
