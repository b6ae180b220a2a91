package io.piip4j.count;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Every value of {@code flops_official.json} — #Param and #FLOPs that the official scripts compute
 * for each released config, by the script that ran — is reproduced from the config alone:
 * parameters exactly, FLOPs within 1% (the hooked count and the analytic terms separately too),
 * and where the script fails on a config, the counter refuses it for the same reason.
 */
class FlopsOfficialTest {

    static Convention conventionOf(String run) {
        return switch (run) {
            case "detection_script" -> Convention.DET_SCRIPT;
            case "classification_script", "classification_script_on_mmdet_config" -> Convention.CLS_SCRIPT;
            default -> throw new AssertionError("unknown run " + run);
        };
    }

    static CostReport count(String key) {
        JsonNode cfg = Reference.json("configs/" + key + ".json");
        return FlopCounter.count(cfg, key.substring(key.indexOf('/') + 1), null);
    }

    @Test
    void everyOfficialRowIsReproduced() {
        JsonNode table = Reference.json("flops_official.json").get("table");
        List<String> problems = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        int checked = 0;
        for (JsonNode row : table) {
            String key = row.get("key").asText();
            Convention c = conventionOf(row.get("run").asText());
            FlopReport r = count(key).get(c);
            if (row.has("not_computed")) {
                String why = row.get("not_computed").asText();
                if (r.available()) {
                    problems.add(key + " [" + c + "]: the script fails (" + why + ") but we counted it");
                } else if (!why.equals(r.unavailable())
                        // the script's NotImplementedError for a ConvNeXt baseline has no text: ours says which class
                        && !(why.endsWith(": ") && r.unavailable().startsWith(why.strip().replaceAll(":$", "")))) {
                    problems.add(key + " [" + c + "]: refused for '" + r.unavailable() + "', the script for '" + why + "'");
                }
                checked++;
                continue;
            }
            if (!r.available()) {
                problems.add(key + " [" + c + "]: not counted (" + r.unavailable() + ")");
                continue;
            }
            long params = row.get("params_raw").asLong();
            double flops = row.get("flops_raw").asDouble();
            double dev = r.totalFlops() / flops - 1;
            log.append(String.format(Locale.ROOT, "%-80s %-6s params %11d (%+d)  flops %16d (%+.5f%%)%n",
                    key, c, r.totalParams(), r.totalParams() - params, r.totalFlops(), 100 * dev));
            if (r.totalParams() != params) {
                problems.add(String.format(Locale.ROOT, "%s [%s]: params %d, official %d (%+d)", key, c, r.totalParams(), params, r.totalParams() - params));
            }
            if (Math.abs(dev) > 0.01) {
                problems.add(String.format(Locale.ROOT, "%s [%s]: FLOPs %d, official %.0f (%+.3f%%)", key, c, r.totalFlops(), flops, 100 * dev));
            }
            JsonNode detail = Reference.json("flops_official.json").get("results").get(key).get("runs").get(row.get("run").asText());
            if (detail != null && detail.has("flops") && detail.get("flops").has("hook_counted")) {
                double hooked = detail.get("flops").get("hook_counted").asDouble();
                double analytic = flops - hooked;
                if (Math.abs(r.hookedFlops() / hooked - 1) > 0.01 || Math.abs(r.analyticFlops() - analytic) > Math.max(1, 0.01 * analytic)) {
                    problems.add(String.format(Locale.ROOT, "%s [%s]: hooked %d vs %.0f, analytic %d vs %.0f", key, c,
                            r.hookedFlops(), hooked, r.analyticFlops(), analytic));
                }
            }
            checked++;
        }
        System.out.print(log);
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + table.size() + " rows differ:\n" + String.join("\n", problems));
        }
        assertEquals(table.size(), checked, "every row checked");
    }

    @Test
    void detectionBackboneCountsMatchParamCounts() {
        JsonNode counts = Reference.json("param_counts.json");
        JsonNode table = counts.has("counts") ? counts.get("counts") : counts;
        int checked = 0;
        for (var it = table.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNumber() || !e.getKey().startsWith("detection/") && !e.getKey().startsWith("segmentation/")) {
                continue;
            }
            CostReport r = count(e.getKey());
            assertEquals(e.getValue().asLong(), r.get(Convention.DET_SCRIPT).totalParams(), e.getKey());
            assertEquals(e.getValue().asLong(), r.get(Convention.TRUE).totalParams(), e.getKey());
            checked++;
        }
        assertTrue(checked > 0 || table.size() == 0, "param_counts.json has dense entries");
    }

    @Test
    void trueCostIsAtLeastWhatTheHooksSee() {
        for (String key : List.of("detection/3branch__mask_rcnn_deit_tsb_1120_896_448_fpn_1x_coco_bs16",
                "classification/piip_3branch_tsb_368-192-128_cls_token_deit1")) {
            CostReport r = count(key);
            FlopReport t = r.get(Convention.TRUE);
            FlopReport a = r.reports().get(key.startsWith("detection") ? Convention.DET_SCRIPT : Convention.CLS_SCRIPT);
            assertTrue(t.totalFlops() > a.hookedFlops(), key);
            assertFalse(t.flops().isEmpty());
        }
    }
}
