package io.piip4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves as a PNG: test accuracy and training loss per epoch, one line per run, side
 * by side in one picture.
 */
public final class Curves {
    private Curves() {
    }

    /** @param runs run label → its per-epoch history */
    public static void write(Path png, Map<String, List<EpochStats>> runs) {
        XYChart acc = chart("Test accuracy (%)", "accuracy %", Styler.LegendPosition.InsideSE);
        XYChart loss = chart("Training loss", "loss", Styler.LegendPosition.InsideNE);
        for (Map.Entry<String, List<EpochStats>> r : runs.entrySet()) {
            List<EpochStats> h = r.getValue();
            if (h.isEmpty()) {
                continue;
            }
            List<Double> x = new ArrayList<>();
            List<Double> a = new ArrayList<>();
            List<Double> l = new ArrayList<>();
            for (EpochStats s : h) {
                x.add((double) s.epoch());
                a.add(100 * s.testAccuracy());
                l.add(s.trainLoss());
            }
            acc.addSeries(r.getKey(), x, a).setMarker(SeriesMarkers.CIRCLE);
            loss.addSeries(r.getKey(), x, l).setMarker(SeriesMarkers.CIRCLE);
        }
        writeSideBySide(png, acc, loss);
    }

    /** Two charts side by side in one PNG, written atomically. */
    static void writeSideBySide(Path png, XYChart leftChart, XYChart rightChart) {
        java.awt.image.BufferedImage left = BitmapEncoder.getBufferedImage(leftChart);
        java.awt.image.BufferedImage right = BitmapEncoder.getBufferedImage(rightChart);
        java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = both.createGraphics();
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        Outputs.write(png, out -> javax.imageio.ImageIO.write(both, "png", out));
    }

    /** Metrics rise and losses fall: their legends go in the corner the curves leave free. */
    static XYChart chart(String title, String yTitle, Styler.LegendPosition legend) {
        XYChart c = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(legend);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridLinesVisible(true);
        return c;
    }

    /** A run's history as {@code piip train} writes it ({@code OUT/history.json}): its name and per-epoch stats. */
    public static Map.Entry<String, List<EpochStats>> readHistory(Path historyJson) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode root = m.readTree(historyJson.toFile());
            List<EpochStats> h = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode e : root.path("epochs")) {
                h.add(m.treeToValue(e, EpochStats.class));
            }
            return Map.entry(root.path("name").asText(historyJson.getParent().getFileName().toString()), h);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(historyJson + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
