package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.eval.coco.CocoCategory;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoEvaluator;
import io.piip4j.eval.coco.CocoObject;
import io.piip4j.eval.coco.CocoResults;
import io.piip4j.eval.coco.CocoSummary;
import io.piip4j.eval.coco.EvalParams;
import io.piip4j.eval.coco.IouType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code piip coco-eval}: COCO box / mask AP and AR of a results file against ground truth,
 * equal to pycocotools' COCOeval (and, with {@code --mmdet}, to mmdetection 2.x's evaluate).
 */
@Command(name = "coco-eval", mixinStandardHelpOptions = true,
        header = "COCO box/mask AP and AR of a results file, equal to pycocotools.",
        footer = {"", "Example:", "  piip coco-eval --ann instances_val2017.json --results bbox_results.json --iou-type bbox"},
        description = {"COCO detection metrics (AP, AP50, AP75, APs/m/l, AR1/10/100, ARs/m/l) of a results file, "
                + "equal to pycocotools' COCOeval; prints its 12-line summary.",
            "--mmdet uses mmdetection 2.x's settings (maxDets 100/300/1000; for masks the results' boxes are dropped "
                + "so sizes use the mask area) and adds its result lines; --proposal is its class-agnostic proposal recall."})
final class CocoEvalCommand implements Callable<Integer> {
    private static final List<String> MMDET_AP = List.of("mAP", "mAP_50", "mAP_75", "mAP_s", "mAP_m", "mAP_l");
    private static final List<String> MMDET_AR = List.of("AR@100", "AR@300", "AR@1000", "AR_s@1000", "AR_m@1000",
            "AR_l@1000");

    @Spec
    CommandSpec spec;

    @Option(names = "--ann", required = true, paramLabel = "A.json", description = "Ground truth (COCO instances JSON).")
    Path ann;

    @Option(names = "--results", required = true, paramLabel = "R.json", description = "Detections (COCO results JSON list).")
    Path results;

    @Option(names = "--iou-type", defaultValue = "bbox", paramLabel = "TYPE", description = "bbox or segm (default ${DEFAULT-VALUE}).")
    String iouType;

    @Option(names = "--mmdet", description = "mmdetection 2.x's settings and result lines.")
    boolean mmdet;

    @Option(names = "--proposal", description = "mmdetection's proposal metric: class-agnostic box AR@100/300/1000.")
    boolean proposal;

    @Option(names = "--classwise", description = "Also print AP per category.")
    boolean classwise;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        IouType type = switch (iouType.toLowerCase(Locale.ROOT)) {
            case "bbox" -> IouType.BBOX;
            case "segm" -> IouType.SEGM;
            default -> throw new ParameterException(spec.commandLine(), "--iou-type must be bbox or segm, got '" + iouType + "'");
        };
        if (proposal && type != IouType.BBOX) {
            throw new ParameterException(spec.commandLine(), "--proposal evaluates boxes; leave out --iou-type segm");
        }
        EvalParams params = proposal ? EvalParams.mmdetProposal() : mmdet ? EvalParams.mmdet(type) : EvalParams.coco(type);
        CocoDataset gt = CocoDataset.load(ann);
        List<CocoObject> dts = CocoResults.load(results, gt, (mmdet || proposal) && type == IouType.SEGM);
        CocoSummary s = CocoSummary.of(CocoEvaluator.evaluate(gt, dts, params));
        String prefix = type.id() + "_";
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("annotations", ann.toString());
            o.put("results", results.toString());
            o.put("iou_type", type.id());
            o.put("settings", proposal ? "mmdet-proposal" : mmdet ? "mmdet" : "pycocotools");
            ArrayNode md = o.putArray("max_dets");
            for (int m : params.maxDets()) {
                md.add(m);
            }
            ObjectNode stats = o.putObject("stats");
            for (int i = 0; i < 12; i++) {
                stats.put(CocoSummary.STAT_NAMES.get(i), s.stats()[i]);
            }
            if (mmdet || proposal) {
                ObjectNode mm = o.putObject("mmdet");
                if (proposal) {
                    for (int i = 0; i < 6; i++) {
                        mm.put(MMDET_AR.get(i), rounded(s.stats()[6 + i]));
                    }
                } else {
                    for (int i = 0; i < 6; i++) {
                        mm.put(prefix + MMDET_AP.get(i), rounded(s.stats()[i]));
                    }
                    mm.put(prefix + "mAP_copypaste", copypaste(s));
                }
            }
            if (!proposal) {
                ArrayNode perCat = o.putArray("per_category_ap");
                for (Map.Entry<Long, Double> e : s.perCategoryAp().entrySet()) {
                    ObjectNode c = perCat.addObject().put("id", e.getKey()).put("name", gt.category(e.getKey()).name());
                    if (e.getValue() == null) {
                        c.putNull("ap");
                    } else {
                        c.put("ap", e.getValue());
                    }
                }
            }
            ArrayNode lines = o.putArray("summary");
            s.lines().forEach(lines::add);
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            return 0;
        }
        s.lines().forEach(System.out::println);
        if (classwise && !proposal) {
            System.out.println();
            System.out.printf(Locale.ROOT, "%-24s %6s%n", "category", "AP");
            for (CocoCategory c : gt.categories()) {
                if (s.perCategoryAp().containsKey(c.id())) {
                    Double ap = s.perCategoryAp().get(c.id());
                    System.out.printf(Locale.ROOT, "%-24s %6s%n", c.name(), ap == null ? "nan" : fixed3(ap));
                }
            }
        }
        if (proposal) {
            System.out.println();
            for (int i = 0; i < 6; i++) {
                System.out.println(MMDET_AR.get(i) + ": " + fixed3(s.stats()[6 + i]));
            }
        } else if (mmdet) {
            System.out.println();
            for (int i = 0; i < 6; i++) {
                System.out.println(prefix + MMDET_AP.get(i) + ": " + fixed3(s.stats()[i]));
            }
            System.out.println(prefix + "mAP_copypaste: " + copypaste(s));
        }
        return 0;
    }

    /** mmdetection reports {@code float(f'{v:.3f}')}. */
    private static double rounded(double v) {
        return Double.parseDouble(fixed3(v));
    }

    private static String fixed3(double v) {
        return CocoSummary.fixed(v, 3);
    }

    private static String copypaste(CocoSummary s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(i == 0 ? "" : " ").append(fixed3(s.stats()[i]));
        }
        return b.toString();
    }
}
