package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.PiipConfig;
import io.piip4j.count.ParameterCount;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code piip info}: the model's structure and parameter counts, without allocating weights. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Parameters per branch, per interaction stage and in total, from the config alone.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Config (JSON).")
    String config;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PiipConfig cfg = Inputs.config(config);
        ParameterCount count;
        // the structure only: branch kinds that cannot run yet (BEiT, Uni-Perceiver, ConvNeXt) and
        // single-branch baselines are described and counted too
        try (PiipNetwork net = PiipNetwork.structure(cfg)) {
            count = ParameterCount.of(net);
        }
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("type", cfg.typeName());
            root.put("task", cfg.task().name().toLowerCase(Locale.ROOT));
            ObjectNode params = root.putObject("parameters");
            count.groups().forEach(params::put);
            root.put("total_parameters", count.total());
            System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return 0;
        }
        if (cfg.isBaseline()) {
            System.out.printf(Locale.ROOT, "%s (single-branch baseline, %s)%n", cfg.typeName(),
                    cfg.task().name().toLowerCase(Locale.ROOT));
        } else {
            System.out.printf(Locale.ROOT, "%s (%s), %d interactions, %s cross-attention%n", cfg.typeName(),
                    cfg.task().name().toLowerCase(Locale.ROOT), cfg.numInteractions(), cfg.interactAttnType());
        }
        for (BranchConfig b : cfg.branches()) {
            System.out.printf(Locale.ROOT, "  %-8s %-9s %4dpx  dim %4d  depth %2d  heads %2d%n", b.name(),
                    b.kind().name().toLowerCase(Locale.ROOT), b.imgSize(), b.embedDim(), b.depth(), b.numHeads());
        }
        System.out.println("parameters:");
        for (Map.Entry<String, Long> e : count.groups().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-16s %,15d%n", e.getKey(), e.getValue());
        }
        System.out.printf(Locale.ROOT, "  %-16s %,15d%n", "total", count.total());
        return 0;
    }
}
