package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PickleGlobal;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.PthWriter;
import io.piip4j.weights.SafetensorsBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that read checkpoints refuse globals off the allow-list, naming them, unless the
 * user trusts them with {@code --trust-global}; and they read {@code .safetensors} weights.
 */
class CheckpointSafetyCliTest {
    @TempDir
    Path tmp;

    private static Path caseDir() {
        return Golden.require().resolve("cls3_deit_merged");
    }

    private CliRun forward(Path weights, String... extra) {
        String[] base = {"forward", "--config", caseDir().resolve("case.json").toString(), "--weights", weights.toString(),
            "--input", caseDir().resolve("io.pth").toString(), "--output-dir", tmp.resolve("out").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    private NdArray expected() {
        return (NdArray) Golden.map(PthReader.read(caseDir().resolve("io.pth"))).get("output");
    }

    @Test
    void aCheckpointNamingAnUntrustedGlobalIsRefusedUntilTrusted() {
        // a training checkpoint whose metadata stores a config class, as mmengine's do
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("state_dict", PthReader.readStateDict(caseDir().resolve("weights.pth")));
        ckpt.put("meta", Map.of("cfg_class", new PickleGlobal("mmengine.config.config", "ConfigDict")));
        Path f = tmp.resolve("with_meta.pth");
        PthWriter.write(f, ckpt);

        CliRun refused = forward(f);
        assertEquals(1, refused.exitCode());
        assertEquals("piip: " + f + ": refuses to load global 'mmengine.config.config.ConfigDict' (not on the allow-list; "
                + "pass --trust-global mmengine.config.config.ConfigDict to allow)", refused.errorLine());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing is written after a refusal");

        CliRun trusted = forward(f, "--trust-global", "mmengine.config.config.ConfigDict", "--trust-global", "x.Y");
        assertEquals(0, trusted.exitCode(), trusted.err());
        Golden.assertAgrees(expected(), Npy.read(tmp.resolve("out").resolve("output_0.npy")), "trusted");

        CliRun bad = forward(f, "--trust-global", "ConfigDict");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.errorLine().contains("a trusted global is written module.name, not 'ConfigDict'"), bad.err());
    }

    @Test
    void aPickleThatWouldRunACommandInPythonIsRefusedAndRunsNothingEvenWhenTrusted() throws Exception {
        Path marker = tmp.resolve("pwned");
        // what pickle.dumps of an object whose __reduce__ returns (os.system, ('touch ...',)) gives, protocol 0
        byte[] evil = ("cposix\nsystem\n(Vtouch " + marker + "\ntR.").getBytes(StandardCharsets.UTF_8);
        Path f = Files.write(tmp.resolve("evil.pth"), evil);
        CliRun run = forward(f);
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("refuses to load global 'posix.system'"), run.err());
        // trusting it only builds an inert record of the call: still nothing runs
        CliRun trusted = forward(f, "--trust-global", "posix.system");
        assertEquals(1, trusted.exitCode());
        assertFalse(trusted.errorLine().contains("refuses"), trusted.err());
        assertFalse(Files.exists(marker));
    }

    @Test
    void safetensorsWeightsGiveTheSameOutputsAndClasses() throws Exception {
        Path st = SafetensorsBuilder.write(tmp.resolve("weights.safetensors"),
                PthReader.readStateDict(caseDir().resolve("weights.pth")));
        CliRun run = forward(st);
        assertEquals(0, run.exitCode(), run.err());
        Golden.assertAgrees(expected(), Npy.read(tmp.resolve("out").resolve("output_0.npy")), "safetensors");

        Path dir = Golden.require().resolve("cls2_deit_sephead");
        Path st2 = SafetensorsBuilder.write(tmp.resolve("cls2.safetensors"), PthReader.readStateDict(dir.resolve("weights.pth")));
        Path photo = Golden.require().resolveSibling("images").resolve("extreme_ironing.jpg");
        CliRun pth = CliRun.of("classify", "--config", dir.resolve("case.json").toString(), "--weights",
                dir.resolve("weights.pth").toString(), "--json", photo.toString());
        CliRun safe = CliRun.of("classify", "--config", dir.resolve("case.json").toString(), "--weights", st2.toString(),
                "--json", photo.toString());
        assertEquals(0, safe.exitCode(), safe.err());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(pth.out()), json.readTree(safe.out()));
    }

    @Test
    void aDamagedSafetensorsFileIsOneLine() throws Exception {
        Path st = SafetensorsBuilder.write(tmp.resolve("w.safetensors"),
                PthReader.readStateDict(caseDir().resolve("weights.pth")));
        byte[] b = Files.readAllBytes(st);
        Path cut = Files.write(tmp.resolve("cut.safetensors"), java.util.Arrays.copyOf(b, b.length / 2));
        CliRun run = forward(cut);
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().startsWith("piip: " + cut + ": truncated"), run.err());
    }
}
