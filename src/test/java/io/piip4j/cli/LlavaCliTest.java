package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code piip forward} and {@code piip chat} on the tiny golden PIIP-LLaVA model: forward writes
 * the generated ids (int64, 1×N) and every position's prefill logits (float32); chat answers a
 * question about a photo end to end — with the folder's fixed prompt ids (it ships no tokenizer)
 * or with a tokenizer.json given — and reports time to first token and tokens/s.
 */
class LlavaCliTest {
    @TempDir
    Path tmp;

    private static Path caseDir() {
        return Golden.file("llava_e2e_tiny");
    }

    private static Path photo() {
        try (var files = Files.list(Golden.shared("images"))) {
            return files.filter(p -> p.toString().matches(".*\\.(jpg|jpeg|png)$")).sorted().findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void forwardWritesIdsAndPrefillLogits() {
        Path c = caseDir();
        CliRun run = CliRun.of("forward", "--config", c.resolve("case.json").toString(), "--weights", c.resolve("weights.pth").toString(),
                "--input", c.resolve("io.pth").toString(), "--output-dir", tmp.toString());
        assertEquals(0, run.exitCode(), run.err());
        NdArray ids = Npy.read(tmp.resolve("generated_ids.npy"));
        assertEquals(DType.INT64, ids.dtype());
        assertArrayEquals(new long[] {1, 8}, ids.shape());
        NdArray logits = Npy.read(tmp.resolve("prefill_logits.npy"));
        assertEquals(DType.FLOAT32, logits.dtype());
        assertArrayEquals(new long[] {1, 72, 512}, logits.shape());
        // the first position does not depend on the rotary frequencies the case could not save (see LlavaE2eGoldenTest)
        Map<String, Object> io = Golden.map(PthReader.read(c.resolve("io.pth")));
        float[] ref = Arrays.copyOf(((NdArray) io.get("prefill_logits")).toFloats(), 512);
        Golden.assertAgrees(NdArray.ofFloats(ref, 512), NdArray.ofFloats(Arrays.copyOf(logits.toFloats(), 512), 512), "first position");
    }

    @Test
    void chatAnswersWithFixedIdsWithoutTokenizer() {
        CliRun run = CliRun.of("chat", "--model", caseDir().toString(), "--image", photo().toString(), "--max-tokens", "5", "--dtype", "fp32",
                "What is in the picture?");
        assertEquals(0, run.exitCode(), run.err());
        String[] ids = run.out().strip().split(" ");
        assertEquals(5, ids.length, run.out());
        for (String id : ids) {
            int v = Integer.parseInt(id);
            assertTrue(v >= 0 && v < 512, run.out());
        }
        assertTrue(run.err().contains("has no tokenizer"), run.err());
        assertTrue(run.err().matches("(?s).*time to first token \\d+\\.\\d+ s; 5 tokens, [\\d.]+ tokens/s.*"), run.err());
    }

    @Test
    void chatAnswersTextWithATokenizer() throws Exception {
        Path tok = Path.of(getClass().getResource("/io/piip4j/llava/tiny-tokenizer.json").toURI());
        CliRun run = CliRun.of("chat", "--model", caseDir().toString(), "--image", photo().toString(), "--tokenizer", tok.toString(),
                "--max-tokens", "6", "--temperature", "0.8", "--seed", "3", "What is in the picture?");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(!run.out().isBlank(), "an answer in words");
        assertTrue(run.err().contains("time to first token"), run.err());
    }

    @Test
    void infoCountsTowerProjectorAndDecoder() throws Exception {
        CliRun run = CliRun.of("info", caseDir().toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        assertEquals(Golden.numParameters(caseDir()), j.get("total").asLong(), "the reference's parameter count");
        for (String part : new String[] {"vision tower branch1", "vision tower branch2", "vision tower interactions", "projector",
            "decoder layers", "lm_head"}) {
            assertTrue(j.get(part).asLong() > 0, part);
        }
    }

    @Test
    void chatRefusesBadSettingsInOneLine() {
        CliRun run = CliRun.of("chat", "--model", caseDir().toString(), "--image", photo().toString(), "--temperature", "-1", "q");
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("temperature"), run.err());
    }
}
