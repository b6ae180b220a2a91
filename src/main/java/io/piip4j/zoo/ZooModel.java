package io.piip4j.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.count.CostReport;
import io.piip4j.count.FlopCounter;
import io.piip4j.count.InputSize;
import io.piip4j.count.ModelTask;
import io.piip4j.count.WholeModelCost;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One released model of the zoo: its stable name, its configuration (shipped as a resource) and
 * the figures its authors published for it.
 *
 * @param title      the authors' name for the row (e.g. "PIIP-TSB Mask R-CNN")
 * @param detector   "Mask R-CNN", "DINO", "UperNet", or null for classification
 * @param resolution branch resolutions, largest first, as published (e.g. "1120/896/448")
 * @param configResource the config resource, relative to {@code configs/} without {@code .json}
 * @param metrics    published accuracy: {@code box_map}, {@code mask_map}, {@code miou} or {@code top1}
 * @param baseline   a single-branch baseline, not a PIIP model
 * @param source     where the published figures come from
 * @param checkpoint the official checkpoint's file name (to be downloaded by the user), or null
 */
public record ZooModel(String name, String title, ModelTask task, String detector, String resolution, String schedule,
        String configResource, Map<String, Double> metrics, Published published, boolean baseline, String source, String checkpoint) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The released configuration as JSON ({@code model.backbone} …), as the official code reads it. */
    public JsonNode configJson() {
        String res = "configs/" + configResource + ".json";
        try (InputStream in = ZooModel.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException(name + ": zoo resource " + res + " is missing from the build");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read zoo resource " + res, e);
        }
    }

    /** The config's file name (the official scripts derive some sizes from it). */
    public String configName() {
        return configResource.substring(configResource.lastIndexOf('/') + 1);
    }

    /** The configuration as the engine builds it. */
    public PiipConfig config() {
        try {
            return ConfigReader.parse(configJson());
        } catch (ConfigException e) {
            throw new ConfigException(name + ": " + e.getMessage(), e);
        }
    }

    /** Parameters and FLOPs in every convention, at the official input size. */
    public CostReport cost() {
        return FlopCounter.count(configJson(), configName(), null);
    }

    public CostReport cost(InputSize input) {
        return FlopCounter.count(configJson(), configName(), input);
    }

    /** The whole model's cost (backbone, neck, heads) at the official input size. */
    public WholeModelCost wholeCost() {
        return WholeModelCost.of(configJson(), configName(), null);
    }

    /** The published accuracy as one short string: "box 43.6 / mask 38.7", "mIoU 58.42", "top-1 82.1". */
    public String metricText() {
        StringBuilder s = new StringBuilder();
        metric(s, "box_map", "box");
        metric(s, "mask_map", "mask");
        metric(s, "miou", "mIoU");
        metric(s, "top1", "top-1");
        return s.toString();
    }

    /** The headline accuracy: box mAP, mIoU or top-1. */
    public Double headline() {
        for (String k : new String[] {"box_map", "miou", "top1"}) {
            if (metrics.containsKey(k)) {
                return metrics.get(k);
            }
        }
        return null;
    }

    private void metric(StringBuilder s, String key, String label) {
        Double v = metrics.get(key);
        if (v != null) {
            if (!s.isEmpty()) {
                s.append(" / ");
            }
            s.append(label).append(' ').append(v);
        }
    }
}
