package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.testing.Golden;
import io.piip4j.weights.NdArray;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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

    /** Half-precision files must give exactly what float32 weights rounded to that type give. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cls_fp16.pth", "cls_bf16.pth"})
    void halfPrecisionCheckpointsEqualRoundedWeights(String file) {
        Map<String, NdArray> half = PthReader.readStateDict(Golden.require().resolve("checkpoints").resolve(file));
        Map<String, NdArray> full = PthReader.readStateDict(caseDir().resolve("weights.pth"));
        assertEquals(full.keySet(), half.keySet());
        Path out = tmp.resolve("half");
        CliRun run = CliRun.of("forward", "--config", caseDir().resolve("case.json").toString(), "--weights",
                Golden.require().resolve("checkpoints").resolve(file).toString(), "--input",
                caseDir().resolve("io.pth").toString(), "--output-dir", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        NdArray got = Npy.read(out.resolve("output_0.npy"));
        // same model, weights stored in half precision: close to the fp32 reference but not equal
        NdArray ref = expectedOutput();
        float[] a = got.toFloats();
        float[] e = ref.toFloats();
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
        }
        assertTrue(maxDiff > 0, "half-precision weights cannot reproduce fp32 outputs bit for bit");
        assertTrue(maxDiff < (file.contains("bf16") ? 0.1 : 0.01), "max diff " + maxDiff);
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
