package io.piip4j.cli;

import static io.piip4j.testing.ArrayAsserts.assertSameArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Close;
import io.piip4j.testing.Golden;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.PthWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code piip forward} reproduces the golden outputs from every checkpoint layout, and rejects bad input cleanly. */
class ForwardCommandTest {
    @TempDir
    Path tmp;

    private static Path caseDir() {
        return Golden.require().resolve("cls3_deit_merged");
    }

    private NdArray expectedOutput() {
        return (NdArray) Golden.map(PthReader.read(caseDir().resolve("io.pth"))).get("output");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"weights.pth", "checkpoints/cls_training_checkpoint.pth"})
    void fp32CheckpointsReproduceReference(String weights) {
        Path w = weights.startsWith("checkpoints/") ? Golden.require().resolve(weights) : caseDir().resolve(weights);
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights", w.toString(),
                "--input", caseDir().resolve("io.pth").toString(), "--output-dir", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Golden.assertAgrees(expectedOutput(), Npy.read(out.resolve("output_0.npy")), weights);
        assertFalse(Files.exists(out.resolve("output_1.npy")));
    }

    @Test
    void npyInputWorksToo() {
        Path input = tmp.resolve("x.npy");
        Npy.write(input, (NdArray) Golden.map(PthReader.read(caseDir().resolve("io.pth"))).get("input"));
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                caseDir().resolve("weights.pth").toString(), "--input", input.toString(), "--output-dir", tmp.toString());
        assertEquals(0, run.exitCode(), run.err());
        Golden.assertAgrees(expectedOutput(), Npy.read(tmp.resolve("output_0.npy")), "npy input");
    }

    /**
     * A half-precision fixture (checkpoints.json: "cls3_deit_merged weights stored as float16 /
     * bfloat16") holds exactly the fp32 golden weights rounded by libtorch to that type (bit for bit),
     * and {@code piip forward} with it gives what it gives with those rounded weights in float32.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"cls_fp16.pth, float16", "cls_bf16.pth, bfloat16"})
    void halfPrecisionCheckpointsEqualRoundedWeights(String file, String type) throws Exception {
        Path fixture = Golden.file("checkpoints", file);
        String what = new ObjectMapper().readTree(Golden.file("checkpoints", "checkpoints.json").toFile()).path(file).asText();
        assertTrue(what.startsWith("cls3_deit_merged weights stored as " + type), what);
        ScalarType half = type.equals("float16") ? ScalarType.Half : ScalarType.BFloat16;

        Map<String, NdArray> full = PthReader.readStateDict(caseDir().resolve("weights.pth"));
        Map<String, NdArray> stored = PthReader.readStateDict(fixture);
        assertEquals(full.keySet(), stored.keySet());
        Map<String, NdArray> roundedFp32 = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : full.entrySet()) {
            String k = e.getKey();
            if (e.getValue().dtype() != DType.FLOAT32) {
                assertSameArray(e.getValue(), stored.get(k), k); // integer buffers are not rounded
                roundedFp32.put(k, e.getValue());
                continue;
            }
            // libtorch's rounding, not the reader's conversion: compare the stored 16-bit patterns
            try (Tensor f = Tensors.fromNdArray(e.getValue()); Tensor h = f.to(half); Tensor back = h.to(ScalarType.Float)) {
                assertSameArray(Tensors.toNdArray(h), stored.get(k), file + " " + k);
                roundedFp32.put(k, Tensors.toNdArray(back));
            }
        }

        Path rounded = tmp.resolve("rounded.pth");
        PthWriter.write(rounded, roundedFp32);
        NdArray fromHalf = forward(fixture, tmp.resolve("half"));
        NdArray fromRounded = forward(rounded, tmp.resolve("rounded"));
        try (Tensor a = Tensors.fromNdArray(fromHalf); Tensor b = Tensors.fromNdArray(fromRounded)) {
            double err = Close.maxRelative(a, b); // both run float32 on the same values: 0 here
            assertTrue(err <= 1e-6, file + ": forward differs from the rounded fp32 weights' by " + err);
        }
        // and rounding is visible: the outputs are not the fp32 reference's
        assertFalse(Arrays.equals(expectedOutput().toFloats(), fromHalf.toFloats()), file + " gave the fp32 outputs");
    }

    private NdArray forward(Path weights, Path out) {
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights", weights.toString(),
                "--input", caseDir().resolve("io.pth").toString(), "--output-dir", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        return Npy.read(out.resolve("output_0.npy"));
    }

    @Test
    void legacyFormatGivesOneLineError() {
        Path legacy = Golden.require().resolve("checkpoints/cls_legacy_format.pth");
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                legacy.toString(), "--input", caseDir().resolve("io.pth").toString(), "--output-dir", tmp.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("cls_legacy_format.pth") && run.errorLine().contains("legacy"), run.err());
    }

    @Test
    void wrongInputShapeIsRejectedAndNothingWritten() {
        Path input = tmp.resolve("small.npy");
        Npy.write(input, NdArray.ofFloats(new float[3 * 64 * 64], 1, 3, 64, 64));
        Path out = tmp.resolve("never");
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                caseDir().resolve("weights.pth").toString(), "--input", input.toString(), "--output-dir", out.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("128x128") && run.errorLine().contains("64x64"), run.err());
        assertFalse(Files.exists(out), "no output folder for a failed run");
    }

    @Test
    void checkpointThatDoesNotFitTheConfig() {
        Path other = Golden.require().resolve("cls2_deit_sephead/weights.pth");
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                other.toString(), "--input", caseDir().resolve("io.pth").toString(), "--output-dir", tmp.toString());
        assertEquals(1, run.exitCode());
        String line = run.errorLine();
        assertTrue(line.contains("weights.pth") && line.contains("does not fit") && line.contains("missing"), line);
    }

    @Test
    void missingAndCorruptCheckpoints() throws Exception {
        String cfg = caseDir().resolve("case.json").toString();
        String in = caseDir().resolve("io.pth").toString();
        CliRun missing = CliRun.of("forward", "--config", cfg, "--weights", tmp.resolve("nope.pth").toString(), "--input", in,
                "--output-dir", tmp.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.errorLine().contains("nope.pth"), missing.err());

        Path corrupt = tmp.resolve("corrupt.pth");
        byte[] good = Files.readAllBytes(caseDir().resolve("weights.pth"));
        Files.write(corrupt, java.util.Arrays.copyOf(good, good.length / 3));
        CliRun bad = CliRun.of("forward", "--config", cfg, "--weights", corrupt.toString(), "--input", in,
                "--output-dir", tmp.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.errorLine().contains("corrupt.pth"), bad.err());
    }

    @Test
    void verboseShowsTheStackTrace() {
        CliRun run = CliRun.of("forward", "--verbose", "--config", caseDir().resolve("case.json").toString(), "--weights",
                tmp.resolve("nope.pth").toString(), "--input", caseDir().resolve("io.pth").toString(), "--output-dir", tmp.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("\tat "), run.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                caseDir().resolve("weights.pth").toString(), "--input", caseDir().resolve("io.pth").toString(),
                "--output-dir", tmp.toString(), "--no-such-option");
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("--no-such-option"), run.err());
    }

    @Test
    void badConfigNamesTheKey() throws Exception {
        Path cfg = tmp.resolve("bad.json");
        String text = Files.readString(caseDir().resolve("case.json")).replaceFirst("\"embed_dim\": 64", "\"embed_dim\": -64");
        Files.writeString(cfg, text);
        CliRun run = CliRun.of("info", "--config", cfg.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("config.branch2.embed_dim"), run.err());
    }

    @Test
    void bfloat16RunStaysNearTheReference() {
        Path out = tmp.resolve("bf16");
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                caseDir().resolve("weights.pth").toString(), "--input", caseDir().resolve("io.pth").toString(),
                "--output-dir", out.toString(), "--dtype", "bf16");
        assertEquals(0, run.exitCode(), run.err());
        float[] a = Npy.read(out.resolve("output_0.npy")).toFloats();
        float[] e = expectedOutput().toFloats();
        double scale = 1;
        double err = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            err = Math.max(err, Math.abs(a[i] - e[i]));
        }
        assertTrue(err > 0 && err <= 2e-2 * scale, "bf16 error " + err);
    }

    @Test
    void cudaWithoutAGpuIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.bytedeco.pytorch.global.torch.cuda_is_available());
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                caseDir().resolve("weights.pth").toString(), "--input", caseDir().resolve("io.pth").toString(),
                "--output-dir", tmp.resolve("gpu").toString(), "--device", "cuda");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("CUDA is not available"), run.err());
        assertFalse(Files.exists(tmp.resolve("gpu").resolve("output_0.npy")));
    }
}
