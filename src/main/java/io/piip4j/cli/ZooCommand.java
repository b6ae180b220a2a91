package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.count.Convention;
import io.piip4j.count.CostReport;
import io.piip4j.count.FlopReport;
import io.piip4j.count.ModelTask;
import io.piip4j.count.WholeModelCost;
import io.piip4j.zoo.Published;
import io.piip4j.zoo.Zoo;
import io.piip4j.zoo.ZooModel;
import io.piip4j.zoo.ZooPlot;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code piip zoo}: the released models, their published figures and ours. */
@Command(name = "zoo", mixinStandardHelpOptions = true,
        header = "The released PIIP models by name, with published accuracy and cost.",
        footer = {"", "Examples:", "  piip zoo", "  piip zoo --plot zoo.png"},
        description = {"The released PIIP models by name (use a name wherever a config is asked for), with their "
                + "published accuracy, #Param and #FLOPs, our count in the convention that reproduces each published "
                + "figure (and its deviation), and the true FLOPs of the forward pass as built.",
            "Weights are not shipped: 'piip fetch NAME' downloads a model's official checkpoint into the cache."})
final class ZooCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--task", paramLabel = "TASK", description = "Only detection, segmentation or classification.")
    String task;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw published accuracy against FLOPs per task (PNG).")
    Path plot;

    @Override
    public Integer call() throws Exception {
        ModelTask only = task == null ? null : parseTask(task);
        List<ZooModel> models = only == null ? Zoo.all() : Zoo.of(only);
        if (plot != null) {
            if (!plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw new UsageException("--plot " + plot + ": expected a .png file name");
            }
            ZooPlot.write(plot, only);
            System.out.println(plot);
            return 0;
        }
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ArrayNode arr = m.createArrayNode();
            for (ZooModel z : models) {
                WholeModelCost w = z.wholeCost();
                ObjectNode o = toJson(m, z, w.backbone());
                wholeJson(o, w);
                arr.add(o);
            }
            System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
            return 0;
        }
        System.out.printf(Locale.ROOT, "%-44s %-12s %-19s %-21s %21s %24s %-11s %9s %8s %18s%n", "NAME", "TASK", "RESOLUTION",
                "PUBLISHED ACCURACY", "#PARAM M pub/ours", "#FLOPS G pub/ours", "BY", "TRUE G", "vs BUILT", "WHOLE M / TRUE G");
        for (ZooModel z : models) {
            WholeModelCost w = z.wholeCost();
            CostReport r = w.backbone();
            Published p = z.published();
            Convention built = r.task() == ModelTask.CLASSIFICATION ? Convention.CLS_SCRIPT : Convention.DET_SCRIPT;
            Convention by = p.by() != null ? p.by() : built;
            FlopReport f = r.get(by);
            FlopReport t = r.get(Convention.TRUE);
            String params = figure(p.paramsM(), f.totalParams() / 1e6);
            String flops = figure(p.flopsG(), f.totalFlops() / 1e9);
            System.out.printf(Locale.ROOT, "%-44s %-12s %-19s %-21s %21s %24s %-11s %9.1f %+7.0f%% %18s%n", z.name(), taskText(z),
                    z.resolution(), z.metricText(), params, flops, by.id(), t.totalFlops() / 1e9,
                    100 * (t.totalFlops() / (double) r.get(built).totalFlops() - 1),
                    w.available() ? String.format(Locale.ROOT, "%.1f / %.1f", w.totalParams() / 1e6, w.totalFlops(Convention.TRUE) / 1e9) : "-");
        }
        System.out.println();
        System.out.println("ours: counted from the config by the convention (BY) of the authors' script that reproduces the published "
                + "figure; (…) where nothing was published. TRUE G: every operation of the forward pass as built; vs BUILT: "
                + "against the authors' script for the model as built (authors-det for dense models). WHOLE: the whole "
                + "detector (backbone, neck, heads; RoI heads on test_cfg's proposals, DINO on its queries), '-' where its "
                + "heads are not counted yet; the published figures are the backbone's alone.");
        System.out.println("The published DeiT and InternViT-6B detection/segmentation figures describe the classification-style "
                + "model of get_flops.py, not the detection backbone that is trained: 'piip info NAME' shows both.");
        return 0;
    }

    private static String figure(Double published, double ours) {
        if (published == null) {
            return String.format(Locale.ROOT, "- (%.1f)", ours);
        }
        return String.format(Locale.ROOT, "%s/%.1f %+.1f%%", trim(published), ours, 100 * (ours / published - 1));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
    }

    private static String taskText(ZooModel z) {
        return switch (z.task()) {
            case DETECTION -> "det " + (z.detector() == null ? "" : z.detector().replace("Mask R-CNN", "MaskRCNN"));
            case SEGMENTATION -> "seg " + (z.detector() == null ? "" : z.detector());
            case CLASSIFICATION -> "cls";
        };
    }

    /** The whole model's parameters and FLOPs ({@code piip info NAME --json} has them part by part). */
    private static void wholeJson(ObjectNode o, WholeModelCost w) {
        ObjectNode wo = o.putObject("whole_model");
        if (!w.available()) {
            wo.put("unavailable", w.unavailable());
            return;
        }
        wo.put("kind", w.kind());
        wo.put("parameters", w.totalParams());
        ObjectNode f = wo.putObject("flops");
        for (Convention c : Convention.values()) {
            if (w.totalFlops(c) != null) {
                f.put(c.id(), w.totalFlops(c));
            }
        }
    }

    static ModelTask parseTask(String s) {
        for (ModelTask t : ModelTask.values()) {
            if (t.id().startsWith(s.toLowerCase(Locale.ROOT)) && s.length() >= 3) {
                return t;
            }
        }
        throw new UsageException("--task: unknown task '" + s + "' (expected detection, segmentation or classification)");
    }

    private static ObjectNode toJson(ObjectMapper m, ZooModel z, CostReport r) {
        ObjectNode o = m.createObjectNode();
        o.put("name", z.name());
        o.put("title", z.title());
        o.put("task", z.task().id());
        o.put("detector", z.detector());
        o.put("resolution", z.resolution());
        o.put("schedule", z.schedule());
        o.put("baseline", z.baseline());
        ObjectNode metrics = o.putObject("metrics");
        z.metrics().forEach(metrics::put);
        Published p = z.published();
        ObjectNode pub = o.putObject("published");
        if (p.any()) {
            FlopReport f = r.get(p.by());
            pub.put("by", p.by().id());
            if (p.paramsM() != null) {
                pub.put("params_m", p.paramsM());
                pub.put("ours_params", f.totalParams());
                pub.put("params_deviation", f.totalParams() / 1e6 / p.paramsM() - 1);
            }
            if (p.flopsG() != null) {
                pub.put("flops_g", p.flopsG());
                pub.put("ours_flops", f.totalFlops());
                pub.put("flops_deviation", f.totalFlops() / 1e9 / p.flopsG() - 1);
            }
        }
        pub.put("source", z.source());
        ObjectNode convs = o.putObject("conventions");
        for (Convention c : Convention.values()) {
            FlopReport f = r.get(c);
            ObjectNode co = convs.putObject(c.id());
            if (f.available()) {
                co.put("parameters", f.totalParams());
                co.put("flops", f.totalFlops());
            } else {
                co.put("unavailable", f.unavailable());
            }
        }
        o.put("config", "io/piip4j/zoo/configs/" + z.configResource() + ".json");
        o.put("checkpoint", z.checkpoint());
        return o;
    }
}
