package io.piip4j.cli;

import java.nio.file.Path;

import io.piip4j.config.BranchConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.count.Convention;
import io.piip4j.count.CostReport;
import io.piip4j.count.FlopReport;
import io.piip4j.count.InputSize;
import io.piip4j.count.ModelTask;
import io.piip4j.count.WholeModelCost;
import io.piip4j.tensor.Capabilities;
import io.piip4j.zoo.Published;
import io.piip4j.zoo.ZooModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip info}: the model's structure, parameters and FLOPs, from the config alone. */
@Command(name = "info", mixinStandardHelpOptions = true,
        header = "Parameters and FLOPs of a model from its config, or this machine's engine (--system).",
        footer = {"", "Examples:", "  piip info piip-tsb-maskrcnn-1120-896-448 --input 800x1333", "  piip info --system"},
        description = {"Parameters and FLOPs (multiply-adds) per branch, per interaction stage, for merging/outputs and "
                + "in total, computed from the config alone (no weights are allocated).",
            "FLOPs in three conventions: authors-det (mmdetection/get_flops_det.py: the dense backbone as trained), "
                + "authors-cls (classification/get_flops.py: the classification-style model it builds from any config; "
                + "the README's DeiT and InternViT-6B figures), true (every operation of the forward pass as built)."})
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|CONFIG", description = "Zoo model name or config file (JSON).")
    String positional;

    @Option(names = "--config", paramLabel = "NAME|CONFIG", description = "Same as the positional argument.")
    String config;

    @Option(names = "--input", paramLabel = "HxW", description = "The image fed to the model, HxW or N pixels "
            + "(default: the official scripts' size for the config). Dense models only.")
    String input;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--system", description = "Instead of a model: this machine and engine (versions, natives, CPU features, "
            + "threads, and the kernels each dtype's products run on).")
    boolean system;

    @Override
    public Integer call() throws Exception {
        if (system) {
            if (positional != null || config != null || input != null) {
                throw new UsageException("info --system describes the machine: give no model with it");
            }
            printSystem(json);
            return 0;
        }
        if ((positional == null) == (config == null)) {
            throw new UsageException(positional == null
                    ? "info: name a zoo model or a config file (piip info NAME|CONFIG)"
                    : "info: give the model once, either as NAME|CONFIG or with --config");
        }
        String spec = positional != null ? positional : config;
        if (LlavaInfo.describes(Path.of(spec))) {
            LlavaInfo.print(Path.of(spec), json);
            return 0;
        }
        ConfigSource src = Inputs.source(spec);
        WholeModelCost whole = WholeModelCost.of(src.json(), src.name(), input == null ? null : InputSize.parse(input));
        CostReport r = whole.backbone();
        Convention built = r.task() == ModelTask.CLASSIFICATION ? Convention.CLS_SCRIPT : Convention.DET_SCRIPT;
        if (json) {
            ObjectNode root = toJson(src, r, built);
            WholeModelRows.toJson(root, whole);
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            print(src, r, built);
            WholeModelRows.print(whole);
        }
        return 0;
    }

    private static void printSystem(boolean json) throws Exception {
        Map<String, String> rows = Capabilities.get().rows();
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            rows.forEach(o::put);
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(o));
            return;
        }
        rows.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-18s %s%n", k, v));
    }

    private static ObjectNode toJson(ConfigSource src, CostReport r, Convention built) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("model", src.zoo() != null ? src.zoo().name() : src.spec());
        root.put("type", backbone(src.json()).path("type").asText(r.task() == ModelTask.CLASSIFICATION ? typeOf(backbone(src.json())) : ""));
        root.put("task", r.task().id());
        FlopReport b = r.get(built);
        root.putArray("input").add(b.inputHeight()).add(b.inputWidth());
        ObjectNode params = root.putObject("parameters");
        b.params().forEach(params::put);
        root.put("total_parameters", b.totalParams());
        root.put("parameters_counted_by", built.id());
        ObjectNode convs = root.putObject("conventions");
        for (Convention c : Convention.values()) {
            FlopReport f = r.get(c);
            ObjectNode o = convs.putObject(c.id());
            o.put("description", c.description());
            if (!f.available()) {
                o.put("unavailable", f.unavailable());
                continue;
            }
            o.putArray("input").add(f.inputHeight()).add(f.inputWidth());
            ObjectNode fp = o.putObject("parameters");
            f.params().forEach(fp::put);
            o.put("total_parameters", f.totalParams());
            ObjectNode ff = o.putObject("flops");
            f.flops().forEach(ff::put);
            o.put("total_flops", f.totalFlops());
            if (c != Convention.TRUE) {
                o.put("hooked_flops", f.hookedFlops());
                o.put("analytic_flops", f.analyticFlops());
            }
        }
        if (src.zoo() != null && src.zoo().published().any()) {
            Published p = src.zoo().published();
            ObjectNode pub = root.putObject("published");
            FlopReport f = r.get(p.by());
            pub.put("by", p.by().id());
            if (!f.available()) {
                pub.put("not_comparable", p.by().id() + " does not count this input (" + f.unavailable() + ")");
            }
            if (p.paramsM() != null) {
                pub.put("params_m", p.paramsM());
                if (f.available()) {
                    pub.put("params_deviation", f.totalParams() / 1e6 / p.paramsM() - 1);
                }
            }
            if (p.flopsG() != null) {
                pub.put("flops_g", p.flopsG());
                if (f.available()) {
                    pub.put("flops_deviation", f.totalFlops() / 1e9 / p.flopsG() - 1);
                }
            }
            pub.put("source", src.zoo().source());
        }
        return root;
    }

    private static void print(ConfigSource src, CostReport r, Convention built) {
        JsonNode bb = backbone(src.json());
        ZooModel z = src.zoo();
        FlopReport b = r.get(built);
        if (z != null) {
            System.out.printf(Locale.ROOT, "%s: %s (%s), %s%n", z.name(), z.title(), r.task().id(), z.resolution());
        } else {
            System.out.printf(Locale.ROOT, "%s (%s)%n", src.spec(), r.task().id());
        }
        String type = bb.path("type").asText(typeOf(bb));
        int interactions = bb.path("branch1").path("interaction_indexes").size();
        System.out.printf(Locale.ROOT, "%s%s, input 3x%dx%d%n", type,
                interactions > 0 ? ", " + interactions + " interactions, " + bb.path("interact_attn_type").asText("normal") + " cross-attention" : "",
                b.inputHeight(), b.inputWidth());
        List<BranchConfig> asBuilt = builtBranches(src);
        for (int i = 1; i <= 4; i++) {
            JsonNode br = bb.path("branch" + i);
            if (br.isObject()) {
                // the branches as the reference builds them (kind rules, PIIPFourBranch's branch4 quirk)
                System.out.println("  " + (asBuilt != null ? branchLine(asBuilt.get(i - 1), br)
                        : branchLine("branch" + i, br, r.task())));
            }
        }
        List<Convention> shown = new ArrayList<>();
        for (Convention c : List.of(Convention.DET_SCRIPT, Convention.CLS_SCRIPT, Convention.TRUE)) {
            if (r.get(c).available()) {
                shown.add(c);
            }
        }
        Set<String> groups = new LinkedHashSet<>(b.params().keySet());
        shown.forEach(c -> groups.addAll(r.get(c).flops().keySet()));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%n%-16s %15s", "group", "parameters"));
        for (Convention c : shown) {
            head.append(String.format(Locale.ROOT, " %14s", c.id() + " G"));
        }
        System.out.println(head);
        for (String g : groups) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s %15s", g, count(b.params().get(g))));
            for (Convention c : shown) {
                line.append(String.format(Locale.ROOT, " %14s", giga(r.get(c).flops().get(g))));
            }
            System.out.println(line);
        }
        StringBuilder total = new StringBuilder(String.format(Locale.ROOT, "%-16s %,15d", "total", b.totalParams()));
        for (Convention c : shown) {
            total.append(String.format(Locale.ROOT, " %14.3f", r.get(c).totalFlops() / 1e9));
        }
        System.out.println(total);
        System.out.println();
        System.out.println("parameters: the module as built (" + built.id() + " counts every parameter of it)");
        for (Convention c : Convention.values()) {
            FlopReport f = r.get(c);
            if (!f.available()) {
                System.out.println(c.id() + ": not counted: " + f.unavailable());
            } else if (c != Convention.TRUE && f.totalParams() != b.totalParams()) {
                System.out.printf(Locale.ROOT, "%s: counts the classification-style model get_flops.py builds from this config: %,d parameters%n",
                        c.id(), f.totalParams());
            }
        }
        FlopReport authors = r.get(built);
        FlopReport tru = r.get(Convention.TRUE);
        System.out.printf(Locale.ROOT, "true vs %s: %+.1f%% FLOPs (attention matmuls, softmax, GELU, norms, interpolation and "
                + "deformable sampling, which mmcv's hooks do not see, against the scripts' analytic terms%s)%n",
                built.id(), 100.0 * (tru.totalFlops() / (double) authors.totalFlops() - 1),
                built == Convention.DET_SCRIPT ? "; the FPN outputs the script skips" : "");
        if (z != null && z.published().any()) {
            Published p = z.published();
            FlopReport f = r.get(p.by());
            StringBuilder s = new StringBuilder("published (" + z.source() + "):");
            if (p.paramsM() != null) {
                s.append(String.format(Locale.ROOT, " #Param %.0f M", p.paramsM()));
            }
            if (p.flopsG() != null) {
                s.append(String.format(Locale.ROOT, " #FLOPs %s G", trim(p.flopsG())));
            }
            if (!f.available()) {
                // the convention of the published figures cannot count this input: say so instead of printing zeros
                System.out.println(s + "; " + p.by().id() + " does not count this input (" + f.unavailable()
                        + "): leave out --input to compare with the published figures");
                return;
            }
            s.append("; ").append(p.by().id()).append(" gives");
            if (p.paramsM() != null) {
                s.append(String.format(Locale.ROOT, " %.1f M (%+.2f%%)", f.totalParams() / 1e6, 100 * (f.totalParams() / 1e6 / p.paramsM() - 1)));
            }
            if (p.flopsG() != null) {
                s.append(String.format(Locale.ROOT, " %.1f G (%+.2f%%)", f.totalFlops() / 1e9, 100 * (f.totalFlops() / 1e9 / p.flopsG() - 1)));
            }
            System.out.println(s);
            if (p.by() != built && p.flopsG() != null) {
                System.out.printf(Locale.ROOT, "the published figures describe the classification-style model: the backbone as trained has "
                        + "%.1f M parameters and %.1f G FLOPs by %s (%+.0f%%), %.1f G true%n", b.totalParams() / 1e6,
                        r.get(built).totalFlops() / 1e9, built.id(), 100 * (r.get(built).totalFlops() / 1e9 / p.flopsG() - 1),
                        tru.totalFlops() / 1e9);
            }
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
    }

    private static String count(Long v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%,d", v);
    }

    private static String giga(Long v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v / 1e9);
    }

    static JsonNode backbone(JsonNode root) {
        if (root.has("config") && root.get("config").isObject()) {
            JsonNode config = root.get("config");
            return config.path("model").isObject() ? config.get("model").path("backbone") : config; // a whole-model case.json
        }
        return root.has("model") ? root.path("model").path("backbone") : root;
    }

    private static String typeOf(JsonNode bb) {
        int n = 0;
        while (n < 4 && bb.has("branch" + (n + 1))) {
            n++;
        }
        return switch (n) {
            case 2 -> "PIIPTwoBranch";
            case 3 -> "PIIPThreeBranch";
            case 4 -> "PIIPFourBranch";
            default -> "?";
        };
    }

    /** The built branches of a PIIP config; null for configs the reader does not take (baselines). */
    private static List<BranchConfig> builtBranches(ConfigSource src) {
        try {
            return Inputs.config(src.spec()).branches();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String branchLine(BranchConfig b, JsonNode br) {
        String family = b.kind().name().toLowerCase(Locale.ROOT);
        if (b.kind() == io.piip4j.config.BranchKind.CONVNEXT) {
            return String.format(Locale.ROOT, "%-8s %-12s %5dpx  %s", b.name(), family, b.imgSize(), br.path("pretrained").asText(""));
        }
        return String.format(Locale.ROOT, "%-8s %-12s %5dpx  dim %4d  depth %2d  heads %2d", b.name(), family, b.imgSize(),
                b.embedDim(), b.depth(), b.numHeads());
    }

    private static String branchLine(String name, JsonNode br, ModelTask task) {
        String pretrained = br.path("pretrained").asText("");
        String family;
        if (task == ModelTask.CLASSIFICATION) {
            family = br.path("model_type").asText("deit");
        } else if (pretrained.contains("convnext")) {
            family = "convnext";
        } else if (pretrained.contains("deit")) {
            family = "deit";
        } else if (pretrained.contains("beit")) {
            family = "beit";
        } else if (pretrained.contains("perceiver")) {
            family = "uniperceiver";
        } else {
            family = "internvit";
        }
        int size = br.has("real_size") ? br.get("real_size").asInt() : br.path("img_size").asInt(224);
        if (family.equals("convnext")) {
            return String.format(Locale.ROOT, "%-8s %-12s %5dpx  %s", name, family, size, pretrained);
        }
        return String.format(Locale.ROOT, "%-8s %-12s %5dpx  dim %4s  depth %2s  heads %2s", name, family, size,
                br.path("embed_dim").asText("?"), br.path("depth").asText("?"), br.path("num_heads").asText("?"));
    }
}
