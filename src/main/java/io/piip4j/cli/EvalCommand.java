package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.PiipConfig;
import io.piip4j.eval.cls.LabelledImages;
import io.piip4j.eval.cls.TopKAccuracy;
import io.piip4j.predict.Classification;
import io.piip4j.predict.ImageClassifier;
import io.piip4j.predict.PiipModel;
import io.piip4j.weights.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code piip eval}: top-1 / top-5 accuracy of a classification model over an ImageNet-style
 * folder, with a per-class table and, with {@code --out}, every prediction in a JSON file.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        header = "Top-1/top-5 accuracy of a classifier over an ImageNet-style folder.",
        footer = {"", "Example:", "  piip eval --config piip-tsb-cls-368 --weights piip-tsb-cls-368 --data imagenet/val --limit 1000"},
        description = {"Top-1/top-5 accuracy of a PIIP classification model over an ImageNet-style folder "
                + "(one sub-folder per class, classes numbered in sorted folder order), with a per-class table.",
            "Detectors and segmentors are not available yet: evaluate their outputs with coco-eval / seg-eval."})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "Classification config (JSON) or zoo name.")
    String config;

    @Option(names = "--weights", required = true, description = "Checkpoint: PyTorch (.pth) or .safetensors, or a zoo name (its official checkpoint from the cache; see piip fetch, --download).")
    Path weights;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Validation folder: DIR/<class>/<image>.")
    Path data;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate at most N images, taken round-robin over the classes.")
    Integer limit;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Write the accuracies and every prediction here (atomically).")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Mixin
    RuntimeOptions runtime = new RuntimeOptions();

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        runtime.check();
        PiipConfig cfg = Inputs.config(config);
        if (cfg.task() != PiipConfig.Task.CLASSIFICATION) {
            throw new IllegalArgumentException(config + ": a detection/segmentation backbone; evaluating detectors and"
                    + " segmentors is not supported yet (no detection or segmentation heads): run coco-eval or seg-eval on their outputs");
        }
        LabelledImages all = LabelledImages.list(data);
        LabelledImages set = limit == null ? all : all.limit(limit);
        try (PiipModel model = PiipModel.load(cfg, Inputs.weights(weights, checkpoint), true, checkpoint.options())) {
            runtime.apply(model);
            ImageClassifier classifier = model.newClassifier();
            int numClasses = classifier.labels().size();
            if (set.classes().size() > numClasses) {
                throw new IllegalArgumentException(data + ": " + set.classes().size() + " class folders but the model has "
                        + numClasses + " classes");
            }
            int k = Math.min(5, numClasses);
            TopKAccuracy acc = new TopKAccuracy(set.classes().size(), k);
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode predictions = mapper.createArrayNode();
            try (EvalProgress progress = new EvalProgress(set.size(), quiet, System.err)) {
                for (int i = 0; i < set.size(); i++) {
                    List<Classification> top = classifier.classify(set.files().get(i), k);
                    int[] ranked = top.stream().mapToInt(Classification::index).toArray();
                    acc.add(set.labels()[i], ranked);
                    ObjectNode p = predictions.addObject().put("file", set.files().get(i).toString()).put("label", set.labels()[i]);
                    ArrayNode r = p.putArray("top");
                    for (int c : ranked) {
                        r.add(c);
                    }
                    progress.step(acc.top1());
                }
            }
            ObjectNode report = report(mapper, set, acc, model.config().type());
            if (out != null) {
                ObjectNode withPredictions = report.deepCopy();
                withPredictions.set("predictions", predictions);
                AtomicFiles.write(out, o -> mapper.writerWithDefaultPrettyPrinter().writeValue(o, withPredictions));
            }
            if (json) {
                System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } else {
                print(set, acc);
            }
        }
        return 0;
    }

    private ObjectNode report(ObjectMapper mapper, LabelledImages set, TopKAccuracy acc, String modelType) {
        ObjectNode o = mapper.createObjectNode();
        o.put("data", data.toString()).put("model", modelType).put("images", acc.images()).put("k", acc.k());
        o.put("top1", acc.top1()).put("top" + acc.k(), acc.topK());
        ArrayNode classes = o.putArray("classes");
        for (int c = 0; c < set.classes().size(); c++) {
            ObjectNode e = classes.addObject().put("index", c).put("name", set.classes().get(c)).put("images", acc.images(c));
            if (acc.images(c) > 0) {
                e.put("top1", acc.top1(c)).put("top" + acc.k(), acc.topK(c));
            }
        }
        return o;
    }

    private static void print(LabelledImages set, TopKAccuracy acc) {
        System.out.printf(Locale.ROOT, "%-5s %-28s %7s %8s %8s%n", "index", "class", "images", "top-1", "top-" + acc.k());
        for (int c = 0; c < set.classes().size(); c++) {
            if (acc.images(c) > 0) {
                System.out.printf(Locale.ROOT, "%-5d %-28s %7d %7.2f%% %7.2f%%%n", c, set.classes().get(c), acc.images(c),
                        100 * acc.top1(c), 100 * acc.topK(c));
            }
        }
        System.out.printf(Locale.ROOT, "%d images: top-1 %.2f%%, top-%d %.2f%%%n", acc.images(), 100 * acc.top1(), acc.k(),
                100 * acc.topK());
    }
}
