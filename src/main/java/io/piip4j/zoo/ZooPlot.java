package io.piip4j.zoo;

import io.piip4j.count.ModelTask;
import io.piip4j.weights.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's headline view from the zoo: published accuracy against published backbone FLOPs,
 * one chart per task, PIIP families as lines and single-branch baselines as diamonds, every point
 * labelled. Drawn with XChart; the PNG is written atomically (a temporary file in the same folder,
 * then a rename), so a reader never sees half a picture.
 */
public final class ZooPlot {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 640;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x17becf), new Color(0x8c564b)};

    private ZooPlot() {
    }

    /** Writes the charts of one task (or of every task, stacked, when task is null) as a PNG. */
    public static void write(Path png, ModelTask task) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<BufferedImage> images = new ArrayList<>();
        for (ModelTask t : task == null ? List.of(ModelTask.DETECTION, ModelTask.SEGMENTATION, ModelTask.CLASSIFICATION) : List.of(task)) {
            XYChart chart = chart(t);
            if (chart != null) {
                images.add(BitmapEncoder.getBufferedImage(chart));
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no zoo model of task " + task + " has published accuracy and FLOPs to plot");
        }
        BufferedImage out = new BufferedImage(WIDTH, HEIGHT * images.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(images.get(i), 0, i * HEIGHT, null);
        }
        g.dispose();
        writeAtomically(png, out);
    }

    static void writeAtomically(Path png, BufferedImage image) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** The series a model belongs to: its PIIP family, or the baselines. */
    static String family(ZooModel m) {
        if (m.baseline()) {
            return "single-branch baselines";
        }
        String t = m.title();
        int sp = t.indexOf(' ');
        String fam = sp < 0 ? t : t.substring(0, sp);
        if (m.name().matches("piip-[cv]t-.*")) {
            return "PIIP, ConvNeXt/ViT branches";
        }
        return fam;
    }

    static String label(ZooModel m) {
        if (m.baseline()) {
            return m.title().replace(" (baseline)", "").replace(" Mask R-CNN", "").replace(" UperNet", "");
        }
        if (m.name().matches("piip-[cv]t-.*")) {
            return m.title().replace("PIIP-", "").replace(" Mask R-CNN", "");
        }
        return m.resolution();
    }

    static XYChart chart(ModelTask task) {
        Map<String, List<ZooModel>> series = new LinkedHashMap<>();
        for (ZooModel m : Zoo.of(task)) {
            // one figure per detector and schedule: the Mask R-CNN 1x table for detection
            boolean comparable = task != ModelTask.DETECTION || ("Mask R-CNN".equals(m.detector()) && "1x".equals(m.schedule()));
            if (comparable && m.published().flopsG() != null && m.headline() != null) {
                series.computeIfAbsent(family(m), k -> new ArrayList<>()).add(m);
            }
        }
        if (series.isEmpty()) {
            return null;
        }
        String metric = switch (task) {
            case DETECTION -> "COCO box mAP (Mask R-CNN, 1x)";
            case SEGMENTATION -> "ADE20K mIoU (UperNet)";
            case CLASSIFICATION -> "ImageNet-1K top-1 (%)";
        };
        List<ZooModel> all = series.values().stream().flatMap(List::stream).toList();
        boolean log = all.stream().mapToDouble(m -> m.published().flopsG()).max().orElse(1)
                / all.stream().mapToDouble(m -> m.published().flopsG()).min().orElse(1) > 8;
        double yRange = all.stream().mapToDouble(ZooModel::headline).max().orElse(1)
                - all.stream().mapToDouble(ZooModel::headline).min().orElse(0);
        double offset = Math.max(0.05, 0.035 * yRange);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("PIIP zoo, " + task.id() + ": published accuracy vs backbone FLOPs")
                .xAxisTitle("backbone GFLOPs, as published" + (log ? " (log scale)" : "")).yAxisTitle(metric).build();
        Styler.ChartTheme theme = Styler.ChartTheme.XChart;
        chart.getStyler().setTheme(theme.newInstance(theme));
        chart.getStyler().setXAxisLogarithmic(log);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        chart.getStyler().setAnnotationTextFontColor(new Color(0x333333));
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setDecimalPattern("#0.#");
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        int c = 0;
        for (Map.Entry<String, List<ZooModel>> e : series.entrySet()) {
            List<ZooModel> ms = new ArrayList<>(e.getValue());
            ms.sort(Comparator.comparingDouble(m -> m.published().flopsG()));
            double[] x = ms.stream().mapToDouble(m -> m.published().flopsG()).toArray();
            double[] y = ms.stream().mapToDouble(ZooModel::headline).toArray();
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            boolean base = e.getKey().equals("single-branch baselines");
            // different architectures are not a curve: only a family of resolutions is drawn as a line
            boolean scatter = base || e.getKey().startsWith("PIIP, ");
            if (scatter) {
                s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
            }
            if (base) {
                s.setMarker(SeriesMarkers.DIAMOND);
                s.setMarkerColor(Color.DARK_GRAY);
            } else {
                Color col = PALETTE[c++ % PALETTE.length];
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setMarkerColor(col);
                s.setLineColor(col);
                s.setLineStyle(new BasicStroke(1.5f));
            }
            // labels above the points, below for the families whose neighbours sit just above them
            double dy = (e.getKey().equals("PIIP-TSB") || e.getKey().equals("PIIP-SBL") ? -1 : 1) * offset;
            for (ZooModel m : ms) {
                chart.addAnnotation(new AnnotationText(label(m), m.published().flopsG(), m.headline() + dy, false));
            }
        }
        return chart;
    }

    /** A one-line description of what a plot shows, for logs. */
    static String describe(ModelTask task) {
        return String.format(Locale.ROOT, "%s: %d models", task.id(), Zoo.of(task).size());
    }
}
