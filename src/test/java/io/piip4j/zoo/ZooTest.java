package io.piip4j.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.count.Convention;
import io.piip4j.count.CostReport;
import io.piip4j.count.FlopReport;
import io.piip4j.count.Reference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The zoo holds every model of {@code released_models.json} with its published figures, and every
 * published #Param/#FLOPs is reproduced within 1% by the convention of the authors' script that
 * made it (the classification script for all released rows, including the DeiT and InternViT-6B
 * detection and segmentation rows; the detection script for the README's ConvNeXt table).
 */
class ZooTest {

    @Test
    void everyReleasedModelIsInTheZooWithItsFigures() {
        JsonNode released = Reference.json("released_models.json").get("models");
        Set<String> seen = new HashSet<>();
        for (JsonNode m : released) {
            String config = m.get("config").asText();
            String title = m.get("name").asText();
            ZooModel z = Zoo.all().stream().filter(x -> x.configResource().equals(config) && x.title().equals(title))
                    .findFirst().orElseThrow(() -> new AssertionError("no zoo model for " + title + " (" + config + ")"));
            assertTrue(seen.add(z.name()), "one zoo name per released model: " + z.name());
            assertEquals(m.get("resolution").asText(), z.resolution(), z.name());
            for (String k : List.of("box_map", "mask_map", "miou", "top1")) {
                if (m.has(k)) {
                    assertEquals(m.get(k).asDouble(), z.metrics().get(k), z.name() + " " + k);
                }
            }
            if (m.has("params_m")) {
                assertEquals(m.get("params_m").asDouble(), z.published().paramsM(), z.name());
            }
            if (m.has("flops_g")) {
                assertEquals(m.get("flops_g").asDouble(), z.published().flopsG(), z.name());
            }
        }
        assertEquals(released.size(), seen.size());
    }

    @Test
    void namesAreStableLowercaseAndUnique() {
        Set<String> names = new HashSet<>();
        for (ZooModel z : Zoo.all()) {
            assertTrue(z.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), z.name());
            assertTrue(names.add(z.name()), z.name());
            assertNotNull(z.configJson(), z.name());
        }
        assertTrue(names.contains("piip-tsb-maskrcnn-1568-1120-672"));
        assertTrue(names.contains("piip-sbl-cls-384"));
        assertTrue(names.contains("vit-b-maskrcnn-1024"));
    }

    @Test
    void everyPublishedFigureIsReproducedWithinOnePercent() {
        List<String> problems = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        int checked = 0;
        for (ZooModel z : Zoo.all()) {
            Published p = z.published();
            CostReport r = z.cost();
            assertNotNull(r.get(Convention.TRUE), z.name());
            if (!p.any()) {
                continue;
            }
            FlopReport f = r.get(p.by());
            if (!f.available()) {
                problems.add(z.name() + ": " + p.by() + " cannot count it: " + f.unavailable());
                continue;
            }
            if (p.paramsM() != null) {
                double dev = f.totalParams() / 1e6 / p.paramsM() - 1;
                log.append(String.format(Locale.ROOT, "%-45s params %9.1f M vs %6.0f (%+.2f%%)%n", z.name(), f.totalParams() / 1e6, p.paramsM(), 100 * dev));
                if (Math.abs(dev) > 0.01) {
                    problems.add(String.format(Locale.ROOT, "%s: params %.2f M, published %.0f M", z.name(), f.totalParams() / 1e6, p.paramsM()));
                }
                checked++;
            }
            if (p.flopsG() != null) {
                double dev = f.totalFlops() / 1e9 / p.flopsG() - 1;
                log.append(String.format(Locale.ROOT, "%-45s FLOPs  %9.1f G vs %6.1f (%+.2f%%)%n", z.name(), f.totalFlops() / 1e9, p.flopsG(), 100 * dev));
                if (Math.abs(dev) > 0.01) {
                    problems.add(String.format(Locale.ROOT, "%s: FLOPs %.1f G, published %.1f G (%+.2f%%)", z.name(), f.totalFlops() / 1e9, p.flopsG(), 100 * dev));
                }
                checked++;
            }
        }
        System.out.print(log);
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
        assertTrue(checked >= 40, "checked " + checked + " published figures");
    }

    @Test
    void unknownNamesSuggestCloseOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zoo.get("piip-tsb-cls-386"));
        assertTrue(e.getMessage().contains("piip-tsb-cls-368"), e.getMessage());
        assertTrue(e.getMessage().contains("piip zoo"), e.getMessage());
        assertTrue(Zoo.closest("sbl-maskrcnn", 3).stream().allMatch(n -> n.contains("sbl-maskrcnn")));
    }

    @Test
    void loadOpensAZooModelWithTheUsersCheckpointAndRefusesOneThatDoesNotFit() {
        java.nio.file.Path weights = io.piip4j.testing.Golden.require().resolve("checkpoints").resolve("cls_bf16.pth");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> Zoo.load("piip-tsb-cls-368", weights).close());
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertEquals(3, Zoo.get("piip-tsb-cls-368").config().numBranches());
        assertEquals("piip_3branch_tsb_368-192-128_cls_token_deit1.pth", Zoo.get("piip-tsb-cls-368").checkpoint());
    }
}
