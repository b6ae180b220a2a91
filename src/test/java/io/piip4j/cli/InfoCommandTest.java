package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code piip info} gives the official build's exact parameter counts for the released classifiers. */
class InfoCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "piip_3branch_tsb_368-192-128_cls_token_deit1, 144031416",
        "piip_3branch_sbl_320-160-96_cls_token_augreg, 488795832",
        "piip_3branch_sbl_384-192-128_cls_token_augreg, 488925880"})
    void releasedClassificationCounts(String name, long expected) throws Exception {
        Path cfg = Golden.require().resolveSibling("reference").resolve("configs/classification/" + name + ".json");
        CliRun run = CliRun.of("info", "--config", cfg.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(expected, json.get("total_parameters").asLong());
        long sum = 0;
        for (JsonNode v : json.get("parameters")) {
            sum += v.asLong();
        }
        assertEquals(expected, sum, "groups add up to the total");
        assertTrue(json.get("parameters").has("interactions.11"), "per-interaction groups");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cls3_deit_merged", "cls3_augreg_grouped", "cls3_normal_attn"})
    void textOutputMatchesGoldenCount(String name) {
        Path cfg = Golden.require().resolve(name).resolve("case.json");
        CliRun run = CliRun.of("info", "--config", cfg.toString());
        assertEquals(0, run.exitCode(), run.err());
        String total = String.format(java.util.Locale.ROOT, "%,d", Golden.numParameters(cfg.getParent()));
        assertTrue(run.out().lines().anyMatch(l -> l.contains("total") && l.contains(total)), run.out());
        assertTrue(run.out().contains("branch1"), run.out());
    }
}
