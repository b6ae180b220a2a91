package io.piip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A dense-task run's curves as one PNG (written atomically), from its {@code history.json}: the
 * headline validation metrics per epoch (box and mask AP; mIoU) beside the training losses (the
 * total and every named loss the history holds).
 */
public final class TaskCurves {
    private TaskCurves() {
    }

    /**
     * @param epochs  the {@code epochs} array of a history.json
     * @param metrics the validation metrics to draw, e.g. {@code bbox_AP}, {@code segm_AP}
     */
    public static void write(Path png, String name, JsonNode epochs, List<String> metrics) {
        XYChart val = Curves.chart(name + ": validation", "metric", Styler.LegendPosition.InsideSE);
        XYChart loss = Curves.chart(name + ": training losses (epoch means)", "loss", Styler.LegendPosition.InsideNE);
        for (String k : metrics) {
            series(val, k.replace('_', ' '), epochs, k);
        }
        for (String k : lossKeys(epochs)) {
            series(loss, k, epochs, k);
        }
        if (val.getSeriesMap().isEmpty() && loss.getSeriesMap().isEmpty()) {
            return;
        }
        Curves.writeSideBySide(png, val, loss);
    }

    /** The history's loss entries in their order: {@code loss} (the sum) and each named loss. */
    private static Set<String> lossKeys(JsonNode epochs) {
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode e : epochs) {
            for (Iterator<String> it = e.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (k.equals("loss") || k.startsWith("loss_") || k.contains(".loss")) {
                    keys.add(k);
                }
            }
        }
        return keys;
    }

    private static void series(XYChart c, String label, JsonNode epochs, String key) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (JsonNode e : epochs) {
            if (e.has(key) && e.get(key).isNumber() && e.get(key).asDouble() >= 0) {
                x.add(e.get("epoch").asDouble());
                y.add(e.get(key).asDouble());
            }
        }
        if (!x.isEmpty()) {
            c.addSeries(label, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
    }

    /**
     * Several dense-task runs in one picture: {@code metric} (e.g. {@code bbox_AP}, {@code mIoU}) per
     * epoch beside the total training loss, one line per run.
     *
     * @param runs run name → the {@code epochs} array of its history.json
     */
    public static void compare(Path png, Map<String, JsonNode> runs, String metric) {
        XYChart val = Curves.chart("validation " + metric.replace('_', ' '), metric.replace('_', ' '), Styler.LegendPosition.InsideSE);
        XYChart loss = Curves.chart("training loss (epoch means)", "loss", Styler.LegendPosition.InsideNE);
        for (Map.Entry<String, JsonNode> r : runs.entrySet()) {
            series(val, r.getKey(), r.getValue(), metric);
            series(loss, r.getKey(), r.getValue(), "loss");
        }
        if (val.getSeriesMap().isEmpty()) {
            throw new IllegalArgumentException("no run's history has '" + metric + "'");
        }
        Curves.writeSideBySide(png, val, loss);
    }
}
