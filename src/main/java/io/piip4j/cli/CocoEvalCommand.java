package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.IouType;
import java.nio.file.Path;
import java.util.Locale;
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

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw the AP per class as a bar chart (PNG, written atomically).")
    Path chart;

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
        CocoReport.Settings settings = proposal ? CocoReport.Settings.MMDET_PROPOSAL
                : mmdet ? CocoReport.Settings.MMDET : CocoReport.Settings.PYCOCOTOOLS;
        CocoDataset gt = CocoDataset.load(ann);
        CocoReport report = CocoReport.evaluate(gt, results, type, settings, null);
        if (chart != null) {
            if (settings == CocoReport.Settings.MMDET_PROPOSAL) {
                throw new UsageException("--chart draws AP per category; --proposal is class-agnostic");
            }
            report.chart(chart);
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("annotations", ann.toString());
            o.put("results", results.toString());
            o.setAll(report.json(mapper));
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } else {
            report.print(System.out, classwise);
        }
        return 0;
    }
}
