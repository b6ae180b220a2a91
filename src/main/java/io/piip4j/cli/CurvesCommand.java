package io.piip4j.cli;

import io.piip4j.train.Curves;
import io.piip4j.train.EpochStats;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip curves}: the training curves of several runs in one picture. */
@Command(name = "curves", mixinStandardHelpOptions = true,
        header = "Plot training curves of 'piip train' runs (PNG).",
        footer = {"", "Example:", "  piip curves runs/piip runs/vit --out curves.png"},
        description = {"Plot test accuracy and training loss per epoch of 'piip train' runs side by side (PNG).",
            "Detector and segmentor runs: a validation metric (--metric; by default box AP, else mIoU) beside the training loss."})
final class CurvesCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Output folders of 'piip train' (each holds history.json).")
    List<Path> runs;

    @Option(names = "--out", required = true, description = "The PNG to write.")
    Path out;

    @Option(names = "--metric", paramLabel = "KEY", description = "Detector/segmentor runs: the history key to plot "
            + "(bbox_AP, segm_AP, bbox_AP50, mIoU, aAcc, mAcc; default: bbox_AP where present, else mIoU).")
    String metric;

    @Override
    public Integer call() {
        Map<String, com.fasterxml.jackson.databind.JsonNode> dense = new LinkedHashMap<>();
        for (Path r : runs) {
            Path file = Inputs.existing(r.resolve("history.json"), "run history");
            com.fasterxml.jackson.databind.JsonNode root;
            try {
                root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
            } catch (java.io.IOException e) {
                throw new io.piip4j.config.ConfigException(file + ": cannot read (" + e.getMessage() + ")");
            }
            com.fasterxml.jackson.databind.JsonNode first = root.path("epochs").path(0);
            if (first.has("test_acc")) {
                continue; // a classifier's run: drawn below
            }
            String label = root.path("name").asText(r.getFileName().toString());
            if (dense.containsKey(label)) { // two runs of one recipe: tell them apart by their folders
                label = label + " (" + r.getFileName() + ")";
            }
            dense.put(label, root.path("epochs"));
        }
        if (!dense.isEmpty()) {
            if (dense.size() != runs.size()) {
                throw new UsageException("classifier runs and detector/segmentor runs cannot share one picture");
            }
            String key = metric != null ? metric
                    : dense.values().iterator().next().path(0).has("bbox_AP") ? "bbox_AP" : "mIoU";
            try {
                io.piip4j.train.TaskCurves.compare(out, dense, key);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--metric " + key + ": " + e.getMessage());
            }
            System.out.println(out);
            return 0;
        }
        Map<String, List<EpochStats>> all = new LinkedHashMap<>();
        for (Path r : runs) {
            Map.Entry<String, List<EpochStats>> h = Curves.readHistory(Inputs.existing(r.resolve("history.json"), "run history"));
            all.put(h.getKey(), h.getValue());
        }
        Curves.write(out, all);
        System.out.println(out);
        return 0;
    }
}
