package io.piip4j.eval;

import io.piip4j.weights.AtomicFiles;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A bar per class (per-category AP, per-class IoU or accuracy), best first, as a PNG: the picture
 * people look at before the table. Classes without a value (NaN: no ground truth) are left out and
 * counted in the title.
 */
public final class PerClassChart {
    private PerClassChart() {
    }

    /**
     * Writes the chart atomically.
     *
     * @param values class name → value in [0, 1] (NaN or null where undefined), in any order
     */
    public static void write(Path png, String title, String valueName, Map<String, Double> values) {
        List<Map.Entry<String, Double>> defined = new ArrayList<>();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (e.getValue() != null && !e.getValue().isNaN()) {
                defined.add(Map.entry(e.getKey(), 100 * e.getValue()));
            }
        }
        if (defined.isEmpty()) {
            throw new IllegalArgumentException(png + ": no class has a defined " + valueName + " to chart");
        }
        defined.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        int undefined = values.size() - defined.size();
        int width = Math.max(640, 120 + 16 * defined.size());
        CategoryChart chart = new CategoryChartBuilder().width(width).height(560)
                .title(title + (undefined > 0 ? " (" + undefined + " classes without a value left out)" : ""))
                .xAxisTitle("").yAxisTitle(valueName + " (%)").build();
        Styler.ChartTheme theme = Styler.ChartTheme.XChart;
        chart.getStyler().setTheme(theme.newInstance(theme));
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setSeriesColors(new Color[] {new Color(0x2f6db3)});
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.addSeries(valueName, defined.stream().map(Map.Entry::getKey).toList(), defined.stream().map(Map.Entry::getValue).toList());
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }
}
