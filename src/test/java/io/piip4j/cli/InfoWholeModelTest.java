package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code piip info} on whole detectors: the neck and head rows add up to the official build's
 * whole-model parameter count, while the backbone's rows and totals stay those of the backbone.
 */
class InfoWholeModelTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "maskrcnn_det3_deit_window_b2_c, 'neck,rpn_head,roi_head.bbox_head,roi_head.mask_head'",
        "dino_det3_deit_window_b2_c, 'neck,encoder,query selection,decoder,cls/reg branches,label_embedding'"})
    void jsonCarriesThePartsAndTheOfficialWholeCount(String name, String partNames) throws Exception {
        Path dir = Golden.file(name);
        CliRun run = CliRun.of("info", dir.resolve("case.json").toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode whole = json.get("whole_model");
        assertEquals(Golden.numParameters(dir), whole.get("total_parameters").asLong(), "the official whole-model count");
        List<String> names = new ArrayList<>();
        long sum = whole.path("backbone").path("parameters").asLong();
        long trueFlops = whole.path("backbone").path("flops").path("true").asLong();
        for (JsonNode p : whole.get("parts")) {
            names.add(p.get("name").asText());
            sum += p.get("parameters").asLong();
            trueFlops += p.path("flops").path("true").asLong();
            assertEquals(p.get("hooked_flops").asLong() + p.get("analytic_flops").asLong(), p.path("flops").path("authors-det").asLong());
        }
        assertEquals(List.of(partNames.split(",")), names);
        assertEquals(whole.get("total_parameters").asLong(), sum, "the rows add up");
        assertEquals(whole.path("total_flops").path("true").asLong(), trueFlops, "the rows add up");
        // the top level stays the backbone's
        assertEquals(json.get("total_parameters").asLong(), whole.path("backbone").path("parameters").asLong());
        assertTrue(json.get("total_parameters").asLong() < Golden.numParameters(dir));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"maskrcnn_det3_deit_window_b2_c, 1000 proposals", "dino_det3_deit_window_b2_c, 2 layers on 50 queries"})
    void textShowsTheRowsWithTheirAssumptions(String name, String assumption) {
        Path dir = Golden.file(name);
        CliRun run = CliRun.of("info", "--config", dir.resolve("case.json").toString());
        assertEquals(0, run.exitCode(), run.err());
        String total = String.format(Locale.ROOT, "%,d", Golden.numParameters(dir));
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("whole model ") && l.contains(total)), run.out());
        assertTrue(run.out().contains(assumption), run.out());
        assertTrue(run.out().contains("count it alone"), "says the published figures are the backbone's: " + run.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"piip-sbl-dino-1792-1120-672", "piip-tsb-maskrcnn-1120-896-448"})
    void zooDetectorsHaveWholeModelRows(String name) throws Exception {
        CliRun run = CliRun.of("info", name, "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode whole = json.get("whole_model");
        assertTrue(whole.get("parts").size() >= 4, whole.toString());
        assertTrue(whole.get("total_parameters").asLong() > json.get("total_parameters").asLong());
        assertTrue(whole.path("total_flops").path("true").asLong() > json.path("conventions").path("true").path("total_flops").asLong());
    }

    /** Every released detector has its whole cost in the zoo; segmentation models wait for their heads' cost. */
    @org.junit.jupiter.api.Test
    void zooJsonHasEveryDetectorsWholeCost() throws Exception {
        CliRun run = CliRun.of("zoo", "--json", "--task", "detection");
        assertEquals(0, run.exitCode(), run.err());
        int dino = 0;
        for (JsonNode m : new ObjectMapper().readTree(run.out())) {
            JsonNode w = m.get("whole_model");
            String name = m.get("name").asText();
            assertTrue(w.has("parameters"), name + ": " + w);
            assertEquals(m.get("detector").asText(), w.get("kind").asText(), name);
            assertTrue(w.get("parameters").asLong() > m.path("conventions").path("authors-det").path("parameters").asLong(), name);
            assertTrue(w.path("flops").path("true").asLong() > m.path("conventions").path("true").path("flops").asLong(), name);
            dino += w.get("kind").asText().equals("DINO") ? 1 : 0;
        }
        assertEquals(2, dino, "the two released DINO models");
    }
}
