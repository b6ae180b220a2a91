package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.count.ModelTask;
import io.piip4j.testing.Golden;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Npy;
import io.piip4j.zoo.Zoo;
import io.piip4j.zoo.ZooModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo name works wherever a config is asked for: {@code info} counts it (fast, without
 * weights, 6B models included); {@code forward} and {@code classify} resolve it, build the model
 * without allocating and refuse a checkpoint that does not fit with one line (the released weights
 * are not shipped).
 */
class ZooNamesTest {
    @TempDir
    Path tmp;

    /**
     * Runs each command once before the assertions: a bytecode agent installed by the fuzz tests in
     * the same JVM logs to stderr the first time a class loads, which would break the one-line checks.
     */
    @org.junit.jupiter.api.BeforeAll
    static void loadCommandClassesOnce(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("w.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", img.toFile());
        Path x = dir.resolve("w.npy");
        Npy.write(x, NdArray.ofFloats(new float[3 * 32 * 32], new long[] {1, 3, 32, 32}));
        CliRun.of("info", "piip-tsb-cls-368", "--json");
        CliRun.of("info", "piip-tsb-cls-368", "--input", "1");
        CliRun.of("forward", "--config", "piip-tsb-cls-368", "--weights", img.toString(), "--input", x.toString(),
                "--output-dir", dir.resolve("o").toString());
        CliRun.of("classify", "--config", "piip-tsb-cls-368", "--weights", img.toString(), img.toString());
    }

    static Stream<String> names() {
        return Zoo.all().stream().map(ZooModel::name);
    }

    static Stream<String> classificationNames() {
        return Zoo.of(ModelTask.CLASSIFICATION).stream().map(ZooModel::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void infoCountsEveryZooModel(String name) throws Exception {
        CliRun run = CliRun.of("info", name, "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals(name, j.get("model").asText());
        assertTrue(j.get("total_parameters").asLong() > 1_000_000, name);
        assertTrue(j.path("conventions").path("true").path("total_flops").asLong() > 1_000_000_000L, name);
        CliRun text = CliRun.of("info", "--config", name);
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("total"), text.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void forwardResolvesEveryNameAndRefusesWeightsThatDoNotFit(String name) {
        Path input = tmp.resolve("x.npy");
        Npy.write(input, NdArray.ofFloats(new float[3 * 32 * 32], new long[] {1, 3, 32, 32}));
        Path weights = Golden.require().resolve("checkpoints").resolve("cls_bf16.pth");
        CliRun run = CliRun.of("forward", "--config", name, "--weights", weights.toString(), "--input", input.toString(),
                "--output-dir", tmp.resolve("out").toString());
        assertEquals(1, run.exitCode(), run.out());
        String err = run.errorLine();
        assertFalse(err.contains("no such config file or zoo model"), err);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classificationNames")
    void classifyResolvesClassificationNames(String name) throws Exception {
        Path img = tmp.resolve("img.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", img.toFile());
        Path weights = Golden.require().resolve("checkpoints").resolve("cls_bf16.pth");
        CliRun run = CliRun.of("classify", "--config", name, "--weights", weights.toString(), img.toString());
        assertEquals(1, run.exitCode(), run.out());
        String err = run.errorLine();
        assertTrue(err.contains("cls_bf16.pth") && err.contains("does not fit"), err);
    }

    @Test
    void unknownNamesAndDoubleArgumentsFailWithOneLine() {
        CliRun miss = CliRun.of("info", "piip-tsb-maskrcnn-1120-896-449");
        assertEquals(1, miss.exitCode());
        assertTrue(miss.errorLine().contains("did you mean piip-tsb-maskrcnn-1120-896-448"), miss.err());
        CliRun both = CliRun.of("info", "piip-tsb-cls-368", "--config", "piip-sbl-cls-384");
        assertEquals(2, both.exitCode(), "giving the model twice is a usage error");
        assertTrue(both.errorLine().contains("either"), both.err());
        CliRun forward = CliRun.of("forward", "--config", "piip-nope", "--weights", "w.pth", "--input", "x.npy", "--output-dir", "o");
        assertEquals(1, forward.exitCode());
    }

    @Test
    void inputPricesADensePyramidAtAnotherResolution() throws Exception {
        CliRun base = CliRun.of("info", "piip-tsb-maskrcnn-1120-896-448", "--json");
        CliRun big = CliRun.of("info", "piip-tsb-maskrcnn-1120-896-448", "--json", "--input", "1344x1344");
        assertEquals(0, big.exitCode(), big.err());
        ObjectMapper m = new ObjectMapper();
        long f0 = m.readTree(base.out()).path("conventions").path("authors-det").path("total_flops").asLong();
        JsonNode j = m.readTree(big.out());
        assertEquals(1344, j.path("input").get(0).asInt());
        assertTrue(j.path("conventions").path("authors-det").path("total_flops").asLong() > 1.3 * f0);
        assertTrue(j.path("conventions").path("authors-cls").has("unavailable"), "the cls script counts only its own size");
        CliRun cls = CliRun.of("info", "piip-tsb-cls-368", "--input", "224");
        assertEquals(1, cls.exitCode());
        assertTrue(cls.errorLine().contains("368x368"), cls.err());
    }

    @Test
    void theExampleCustomPyramidIsCounted() throws Exception {
        CliRun run = CliRun.of("info", "examples/piip-tsb-1344-896-448.json", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals(1344, j.path("input").get(0).asInt());
        long cls = j.path("conventions").path("authors-cls").path("total_flops").asLong();
        assertTrue(cls > 250e9 && cls < 280e9, "between the released 1120 and 1568 pyramids: " + cls);
    }
}
