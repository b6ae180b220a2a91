package io.piip4j.detector.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.weights.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A detector run's curves as one PNG (written atomically): validation box and mask AP per epoch
 * beside the training losses (the total and each named loss), from the run's {@code history.json}.
 */
public final class DetectionCurves {
    private static final List<String> AP = List.of("bbox_AP", "segm_AP");
    private static final List<String> LOSSES = List.of("loss", "loss_rpn_cls", "loss_rpn_bbox", "loss_cls", "loss_bbox", "loss_mask");

    private DetectionCurves() {
    }

    /** @param epochs the {@code epochs} array of a history.json */
    public static void write(Path png, String name, JsonNode epochs) {
        XYChart ap = chart(name + ": validation AP", "AP", Styler.LegendPosition.InsideSE);
        XYChart loss = chart(name + ": training losses (epoch means)", "loss", Styler.LegendPosition.InsideNE);
        for (String k : AP) {
            series(ap, k.replace("_AP", " AP"), epochs, k);
        }
        for (String k : LOSSES) {
            series(loss, k, epochs, k);
        }
        if (ap.getSeriesMap().isEmpty() && loss.getSeriesMap().isEmpty()) {
            return;
        }
        java.awt.image.BufferedImage left = BitmapEncoder.getBufferedImage(ap);
        java.awt.image.BufferedImage right = BitmapEncoder.getBufferedImage(loss);
        java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = both.createGraphics();
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        AtomicFiles.write(png, out -> javax.imageio.ImageIO.write(both, "png", out));
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

    private static XYChart chart(String title, String yTitle, Styler.LegendPosition legend) {
        XYChart c = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(legend);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridLinesVisible(true);
        return c;
    }
}
