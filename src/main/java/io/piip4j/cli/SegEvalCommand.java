package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.eval.EvalException;
import io.piip4j.eval.PerClassChart;
import io.piip4j.eval.seg.LabelMap;
import io.piip4j.eval.seg.SegmentationMetrics;
import io.piip4j.eval.seg.SegmentationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code piip seg-eval}: mIoU / mAcc / aAcc of prediction PNGs against label PNGs, paired by file
 * name, equal to mmsegmentation 0.27.
 */
@Command(name = "seg-eval", mixinStandardHelpOptions = true,
        header = "mIoU / mAcc / aAcc of PNG class maps, equal to mmsegmentation 0.27.",
        footer = {"", "Example:", "  piip seg-eval --pred preds/ --labels annotations/validation --num-classes 150 --reduce-zero-label"},
        description = {"Semantic-segmentation metrics (per-class IoU and Acc, mIoU, mAcc, aAcc) equal to mmsegmentation 0.27, "
                + "over single-channel PNG class maps paired by file name."})
final class SegEvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pred", required = true, paramLabel = "DIR", description = "Predicted class maps (PNG).")
    Path pred;

    @Option(names = "--labels", required = true, paramLabel = "DIR", description = "Label maps (PNG), same names.")
    Path labels;

    @Option(names = "--num-classes", paramLabel = "N", description = "Number of classes (default: the largest class seen + 1).")
    Integer numClasses;

    @Option(names = "--reduce-zero-label", description = "ADE20K-style labels: 0 is ignored, the others move down by one.")
    boolean reduceZeroLabel;

    @Option(names = "--ignore-index", defaultValue = "255", paramLabel = "I", description = "Label to ignore (default ${DEFAULT-VALUE}).")
    int ignoreIndex;

    @Option(names = "--float32", description = "Report mmsegmentation's test-path numbers (float32 sums and division).")
    boolean float32;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw the IoU per class as a bar chart (PNG, written atomically).")
    Path chart;

    @Option(names = "--json", description = "Machine-readable output (NaN as null).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (numClasses != null && numClasses < 1) {
            throw new ParameterException(spec.commandLine(), "--num-classes must be at least 1, got " + numClasses);
        }
        List<Path[]> pairs = pairs(pred, labels);
        List<LabelMap[]> maps = new ArrayList<>();
        int seen = 0;
        for (Path[] p : pairs) {
            LabelMap pm = LabelMap.read(p[0]);
            LabelMap lm = LabelMap.read(p[1]);
            maps.add(new LabelMap[] {pm, lm});
            if (numClasses == null) {
                seen = Math.max(seen, largestClass(pm, lm) + 1);
            }
        }
        int n = numClasses != null ? numClasses : Math.max(seen, 1);
        SegmentationMetrics m = new SegmentationMetrics(n, ignoreIndex, reduceZeroLabel);
        for (LabelMap[] pl : maps) {
            m.add(pl[0], pl[1]);
        }
        SegmentationResult r = float32 ? m.resultFloat32() : m.result();
        if (chart != null) {
            Map<String, Double> iou = new LinkedHashMap<>();
            for (int c = 0; c < n; c++) {
                iou.put("class " + c, r.iou()[c]);
            }
            PerClassChart.write(chart, "IoU per class", "IoU", iou);
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("images", m.images()).put("num_classes", n).put("ignore_index", ignoreIndex)
                    .put("reduce_zero_label", reduceZeroLabel).put("path", float32 ? "float32" : "float64");
            put(o, "aAcc", r.aAcc());
            put(o, "mIoU", r.mIoU());
            put(o, "mAcc", r.mAcc());
            ArrayNode iou = o.putArray("IoU");
            ArrayNode acc = o.putArray("Acc");
            for (int c = 0; c < n; c++) {
                add(iou, r.iou()[c]);
                add(acc, r.acc()[c]);
            }
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            return 0;
        }
        System.out.printf(Locale.ROOT, "%d image pairs, %d classes%s%n", m.images(), n, numClasses == null ? " (largest class seen + 1)" : "");
        System.out.printf(Locale.ROOT, "%-8s %8s %8s%n", "class", "IoU", "Acc");
        for (int c = 0; c < n; c++) {
            System.out.printf(Locale.ROOT, "%-8d %8s %8s%n", c, percent(r.iou()[c]), percent(r.acc()[c]));
        }
        System.out.printf(Locale.ROOT, "aAcc %s  mIoU %s  mAcc %s%n", percent(r.aAcc()), percent(r.mIoU()), percent(r.mAcc()));
        return 0;
    }

    /** Label files and their predictions, matched by file name; a file on one side only is an error. */
    private static List<Path[]> pairs(Path predDir, Path labelDir) {
        TreeMap<String, Path> p = pngs(predDir);
        TreeMap<String, Path> l = pngs(labelDir);
        for (String name : p.keySet()) {
            if (!l.containsKey(name)) {
                throw new EvalException(p.get(name) + ": no label " + labelDir.resolve(name) + " for this prediction");
            }
        }
        List<Path[]> out = new ArrayList<>();
        for (String name : l.keySet()) {
            if (!p.containsKey(name)) {
                throw new EvalException(l.get(name) + ": no prediction " + predDir.resolve(name) + " for this label");
            }
            out.add(new Path[] {p.get(name), l.get(name)});
        }
        if (out.isEmpty()) {
            throw new EvalException(labelDir + ": no PNG label maps");
        }
        return out;
    }

    private static TreeMap<String, Path> pngs(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new EvalException(dir + ": no such folder");
        }
        TreeMap<String, Path> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .forEach(f -> m.put(f.getFileName().toString(), f));
        } catch (IOException e) {
            throw new EvalException(dir + ": cannot list folder (" + e.getMessage() + ")");
        }
        return m;
    }

    private int largestClass(LabelMap pm, LabelMap lm) {
        int max = 0;
        for (int v : lm.values()) {
            int c = SegmentationMetrics.reduced(v, reduceZeroLabel);
            if (c != ignoreIndex) {
                max = Math.max(max, c);
            }
        }
        for (int v : pm.values()) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static void add(ArrayNode a, double v) {
        if (Double.isNaN(v)) {
            a.addNull();
        } else {
            a.add(v);
        }
    }
}
