package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.eval.PerClassChart;
import io.piip4j.eval.coco.CocoCategory;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoEvaluator;
import io.piip4j.eval.coco.CocoObject;
import io.piip4j.eval.coco.CocoResults;
import io.piip4j.eval.coco.CocoSummary;
import io.piip4j.eval.coco.EvalParams;
import io.piip4j.eval.coco.IouType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One COCO evaluation of a results file as {@code piip coco-eval} and {@code piip eval} (for a
 * detector) report it: pycocotools' 12 summary lines, the per-category AP table and, with
 * mmdetection's settings, its result lines; or the same as JSON.
 */
final class CocoReport {
    /** Whose settings: pycocotools' defaults, mmdetection 2.x's evaluate, or its class-agnostic proposal recall. */
    enum Settings {
        PYCOCOTOOLS("pycocotools"), MMDET("mmdet"), MMDET_PROPOSAL("mmdet-proposal");

        final String id;

        Settings(String id) {
            this.id = id;
        }
    }

    private static final List<String> MMDET_AP = List.of("mAP", "mAP_50", "mAP_75", "mAP_s", "mAP_m", "mAP_l");
    private static final List<String> MMDET_AR = List.of("AR@100", "AR@300", "AR@1000", "AR_s@1000", "AR_m@1000",
            "AR_l@1000");

    private final CocoDataset gt;
    private final IouType type;
    private final Settings settings;
    private final EvalParams params;
    private final CocoSummary summary;

    private CocoReport(CocoDataset gt, IouType type, Settings settings, EvalParams params, CocoSummary summary) {
        this.gt = gt;
        this.type = type;
        this.settings = settings;
        this.params = params;
        this.summary = summary;
    }

    /**
     * Evaluates a results file against the ground truth; with mmdetection's settings a mask
     * evaluation drops the results' boxes first (sizes then come from the masks), as it does.
     *
     * @param imageIds the images to evaluate, or null for every image of the ground truth
     */
    static CocoReport evaluate(CocoDataset gt, Path results, IouType type, Settings settings, long[] imageIds) {
        EvalParams params = switch (settings) {
            case PYCOCOTOOLS -> EvalParams.coco(type);
            case MMDET -> EvalParams.mmdet(type);
            case MMDET_PROPOSAL -> EvalParams.mmdetProposal();
        };
        if (imageIds != null) {
            params = params.withImageIds(imageIds);
        }
        List<CocoObject> dts = CocoResults.load(results, gt, settings != Settings.PYCOCOTOOLS && type == IouType.SEGM);
        return new CocoReport(gt, type, settings, params, CocoSummary.of(CocoEvaluator.evaluate(gt, dts, params)));
    }

    IouType iouType() {
        return type;
    }

    CocoSummary summary() {
        return summary;
    }

    /** The report as JSON: settings, the twelve stats at full precision, mmdetection's lines, AP per category, the summary text. */
    ObjectNode json(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        o.put("iou_type", type.id());
        o.put("settings", settings.id);
        ArrayNode md = o.putArray("max_dets");
        for (int m : params.maxDets()) {
            md.add(m);
        }
        ObjectNode stats = o.putObject("stats");
        for (int i = 0; i < 12; i++) {
            stats.put(CocoSummary.STAT_NAMES.get(i), summary.stats()[i]);
        }
        String prefix = type.id() + "_";
        if (settings == Settings.MMDET_PROPOSAL) {
            ObjectNode mm = o.putObject("mmdet");
            for (int i = 0; i < 6; i++) {
                mm.put(MMDET_AR.get(i), rounded(summary.stats()[6 + i]));
            }
        } else if (settings == Settings.MMDET) {
            ObjectNode mm = o.putObject("mmdet");
            for (int i = 0; i < 6; i++) {
                mm.put(prefix + MMDET_AP.get(i), rounded(summary.stats()[i]));
            }
            mm.put(prefix + "mAP_copypaste", copypaste());
        }
        if (settings != Settings.MMDET_PROPOSAL) {
            ArrayNode perCat = o.putArray("per_category_ap");
            for (Map.Entry<Long, Double> e : summary.perCategoryAp().entrySet()) {
                ObjectNode c = perCat.addObject().put("id", e.getKey()).put("name", gt.category(e.getKey()).name());
                if (e.getValue() == null) {
                    c.putNull("ap");
                } else {
                    c.put("ap", e.getValue());
                }
            }
        }
        ArrayNode lines = o.putArray("summary");
        summary.lines().forEach(lines::add);
        return o;
    }

    /** AP per category name (NaN where a category has no counted ground truth), in the annotation file's order. */
    Map<String, Double> perCategoryApByName() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (CocoCategory c : gt.categories()) {
            if (summary.perCategoryAp().containsKey(c.id())) {
                Double ap = summary.perCategoryAp().get(c.id());
                out.put(c.name(), ap == null ? Double.NaN : ap);
            }
        }
        return out;
    }

    /** The per-category AP as a bar chart (PNG). */
    void chart(Path png) {
        PerClassChart.write(png, type.id() + " AP per category", "AP", perCategoryApByName());
    }

    /** The 12 summary lines, then (if asked) the per-category AP table, then mmdetection's result lines. */
    void print(PrintStream out, boolean classwise) {
        summary.lines().forEach(out::println);
        if (classwise && settings != Settings.MMDET_PROPOSAL) {
            out.println();
            out.printf(Locale.ROOT, "%-24s %6s%n", "category", "AP");
            for (CocoCategory c : gt.categories()) {
                if (summary.perCategoryAp().containsKey(c.id())) {
                    Double ap = summary.perCategoryAp().get(c.id());
                    out.printf(Locale.ROOT, "%-24s %6s%n", c.name(), ap == null ? "nan" : fixed3(ap));
                }
            }
        }
        if (settings == Settings.MMDET_PROPOSAL) {
            out.println();
            for (int i = 0; i < 6; i++) {
                out.println(MMDET_AR.get(i) + ": " + fixed3(summary.stats()[6 + i]));
            }
        } else if (settings == Settings.MMDET) {
            String prefix = type.id() + "_";
            out.println();
            for (int i = 0; i < 6; i++) {
                out.println(prefix + MMDET_AP.get(i) + ": " + fixed3(summary.stats()[i]));
            }
            out.println(prefix + "mAP_copypaste: " + copypaste());
        }
    }

    /** mmdetection reports {@code float(f'{v:.3f}')}. */
    private static double rounded(double v) {
        return Double.parseDouble(fixed3(v));
    }

    private static String fixed3(double v) {
        return CocoSummary.fixed(v, 3);
    }

    private String copypaste() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(i == 0 ? "" : " ").append(fixed3(summary.stats()[i]));
        }
        return b.toString();
    }
}
