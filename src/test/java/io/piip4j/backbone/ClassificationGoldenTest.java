package io.piip4j.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every classification case built by the official code agrees with our port within the README's bound. */
@RunsGolden("cls*")
class ClassificationGoldenTest {

    static Stream<String> cases() {
        return Golden.claimed(ClassificationGoldenTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithReference(String name) {
        Path dir = Golden.require().resolve(name);
        PiipConfig cfg = ConfigReader.read(dir.resolve("case.json"));
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        NdArray input = (NdArray) io.get("input");
        NdArray expected = (NdArray) io.get("output");
        try (PiipClassifier model = new PiipClassifier(cfg)) {
            assertEquals(Golden.numParameters(dir), model.numParameters(), "parameter count");
            LoadReport report = StateDictLoader.load(model, PthReader.readStateDict(dir.resolve("weights.pth")), true, name);
            assertTrue(report.clean(), report.summary());
            NdArray out = Inference.run(() -> Tensors.toNdArray(model.forward(Tensors.fromNdArray(input))));
            assertArrayEquals(expected.shape(), out.shape());
            Golden.assertAgrees(expected, out, name);
        }
    }
}
