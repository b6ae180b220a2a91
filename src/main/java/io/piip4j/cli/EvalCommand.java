package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.PiipConfig;
import io.piip4j.detector.CocoDetections;
import io.piip4j.detector.DetectionImages;
import io.piip4j.detector.Detector;
import io.piip4j.detector.DetectionModel;
import io.piip4j.eval.PerClassChart;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoImage;
import io.piip4j.eval.coco.IouType;
import io.piip4j.eval.cls.LabelledImages;
import io.piip4j.eval.cls.TopKAccuracy;
import io.piip4j.predict.Classification;
import io.piip4j.predict.ImageClassifier;
import io.piip4j.predict.PiipModel;
import io.piip4j.weights.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code piip eval}: top-1 / top-5 accuracy of a classification model over an ImageNet-style
 * folder, with a per-class table and, with {@code --out}, every prediction in a JSON file; or a
 * detector (Mask R-CNN, DINO) over a COCO-format set: its results JSON and COCO box (and mask) AP with
 * mmdetection's settings, as {@code piip coco-eval --mmdet} computes them from that file.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        header = "Accuracy of a classifier over an ImageNet-style folder, or COCO AP of a detector (Mask R-CNN, DINO) over a COCO-format set.",
        footer = {"", "Examples:", "  piip eval --config piip-tsb-cls-368 --weights piip-tsb-cls-368 --data imagenet/val --limit 1000",
            "  piip eval --ann shapes/instances.json --images shapes/images   (the built-in shapes detector)",
            "  piip eval --config piip-tsb-maskrcnn-1120-896-448 --weights piip-tsb-maskrcnn-1120-896-448 \\",
            "      --ann coco/annotations/instances_val2017.json --images coco/val2017 --out val.json"},
        description = {"With --data: top-1/top-5 accuracy of a PIIP classification model over an ImageNet-style folder "
                + "(one sub-folder per class, classes numbered in sorted folder order), with a per-class table.",
            "With --ann and --images: a detector (Mask R-CNN or DINO) on every image of the COCO annotation file (file_name under the "
                + "folder), its detections written as COCO results JSON (--out, default eval/results.json), then box and "
                + "mask (Mask R-CNN) AP/AR with mmdetection's settings (as coco-eval --mmdet on that file): both 12-line summaries, AP "
                + "per category and mmdetection's result lines. An image that cannot be read is reported on its own line "
                + "and skipped (exit code 1). Without --config/--weights: the built-in shapes detector (on a piip make-shapes set).",
            "Segmentors are not available yet: evaluate their outputs with seg-eval."})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "Classification or detector config (JSON) or zoo name; with --ann, omit it with --weights"
            + " for the built-in shapes detector.")
    String config;

    @Option(names = "--weights", description = "Checkpoint: PyTorch (.pth) or .safetensors, or a zoo name (its official checkpoint from the cache; see piip fetch, --download).")
    Path weights;

    @Option(names = "--data", paramLabel = "DIR", description = "A classifier's validation folder: DIR/<class>/<image>.")
    Path data;

    @Option(names = "--ann", paramLabel = "A.json", description = "A detector's ground truth: COCO instances JSON (with --images).")
    Path ann;

    @Option(names = "--images", paramLabel = "DIR", description = "The folder of the annotation file's images (their file_name under it).")
    Path imageDir;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate at most N images: round-robin over the classes; "
            + "for a detector the first N by image id (and AP over those only).")
    Integer limit;

    @Option(names = "--out", paramLabel = "DIR|FILE", description = "Classifier: write the accuracies and every prediction "
            + "to FILE.json. Detector: the COCO results JSON, FILE.json or DIR/results.json (default eval/results.json). Atomically.")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw top-1 accuracy (classifier) or box AP (detector) per class as a bar chart (PNG, written atomically).")
    Path chart;

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
        boolean coco = ann != null || imageDir != null;
        if (coco && data != null) {
            throw new UsageException("--data (a classifier's image folder) and --ann/--images (a detector's COCO set) exclude each other");
        }
        if (coco && (ann == null || imageDir == null)) {
            throw new UsageException(ann == null ? "--images needs --ann (the COCO annotation file)" : "--ann needs --images (the folder of its images)");
        }
        if (!coco && data == null) {
            throw new UsageException("give --data DIR (a classifier) or --ann A.json --images DIR (a detector: Mask R-CNN or DINO)");
        }
        runtime.check();
        if (coco) {
            Inputs.checkDetectorPair(config, weights);
            return evaluateDetector();
        }
        if (config == null || weights == null) {
            throw new UsageException("--data needs --config and --weights (the classifier to evaluate)");
        }
        PiipConfig cfg = Inputs.config(config);
        if (cfg.task() != PiipConfig.Task.CLASSIFICATION) {
            throw new IllegalArgumentException(config + ": not a classifier; --data evaluates classifiers (a detector is"
                    + " evaluated with --ann and --images; segmentors are not supported yet: run seg-eval on their outputs)");
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
            try (Progress progress = new Progress("eval", set.size(), quiet, System.err)) {
                for (int i = 0; i < set.size(); i++) {
                    List<Classification> top = classifier.classify(set.files().get(i), k);
                    int[] ranked = top.stream().mapToInt(Classification::index).toArray();
                    acc.add(set.labels()[i], ranked);
                    ObjectNode p = predictions.addObject().put("file", set.files().get(i).toString()).put("label", set.labels()[i]);
                    ArrayNode r = p.putArray("top");
                    for (int c : ranked) {
                        r.add(c);
                    }
                    progress.step(String.format(Locale.ROOT, " top-1 %.2f%%", 100 * acc.top1()));
                }
            }
            ObjectNode report = report(mapper, set, acc, model.config().type());
            if (out != null) {
                ObjectNode withPredictions = report.deepCopy();
                withPredictions.set("predictions", predictions);
                AtomicFiles.write(out, o -> mapper.writerWithDefaultPrettyPrinter().writeValue(o, withPredictions));
            }
            if (chart != null) {
                Map<String, Double> top1 = new LinkedHashMap<>();
                for (int c = 0; c < set.classes().size(); c++) {
                    top1.put(set.classes().get(c), acc.images(c) == 0 ? Double.NaN : acc.top1(c));
                }
                PerClassChart.write(chart, "top-1 accuracy per class", "top-1", top1);
            }
            if (json) {
                System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } else {
                print(set, acc);
            }
        }
        return 0;
    }

    /** A detector over the annotation file's images: results JSON, then box (and mask) AP with mmdetection's settings. */
    private Integer evaluateDetector() throws Exception {
        runtime.requireCpuFloat32("a detector");
        CocoDataset gt = CocoDataset.load(ann);
        List<CocoImage> images = gt.images().stream().sorted(Comparator.comparingLong(CocoImage::id))
                .limit(limit == null ? Long.MAX_VALUE : limit).toList();
        for (CocoImage im : images) {
            if (im.fileName() == null) {
                throw new IllegalArgumentException(ann + ": image " + im.id() + " has no file_name");
            }
        }
        if (!Files.isDirectory(imageDir)) {
            throw new IllegalArgumentException(imageDir + ": no such folder");
        }
        Path resultsFile = resultsFile();
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode results = mapper.createArrayNode();
        int failed = 0;
        boolean masks;
        try (DetectionModel model = Inputs.detector(config, weights, checkpoint, "piip eval --ann/--images")) {
            masks = model.predictsMasks();
            Detector detector = model.newDetector();
            int numClasses = detector.classNames().size();
            for (int label = 0; label < numClasses; label++) {
                int id = CocoDetections.categoryId(label, numClasses);
                if (gt.category(id) == null) {
                    throw new IllegalArgumentException(ann + ": has no category " + id + " ('" + detector.classNames().get(label)
                            + "'), which the detector predicts; the annotation file must list the detector's " + numClasses + " categories");
                }
            }
            try (Progress progress = new Progress("eval", images.size(), quiet, System.err)) {
                for (CocoImage im : images) {
                    Path file = imageDir.resolve(im.fileName());
                    try {
                        DetectionImages.Pixels pixels = DetectionImages.read(file);
                        if (im.width() > 0 && im.height() > 0 && (pixels.width() != im.width() || pixels.height() != im.height())) {
                            throw new IllegalArgumentException("image is " + pixels.width() + "x" + pixels.height() + " but "
                                    + ann.getFileName() + " says " + im.width() + "x" + im.height() + " (width x height)");
                        }
                        CocoDetections.append(results, im.id(), detector.detect(pixels), numClasses);
                    } catch (RuntimeException | OutOfMemoryError e) {
                        failed++;
                        String msg = Errors.oneLine(e);
                        System.err.println("piip: " + (msg.startsWith(file.toString()) ? msg : file + ": " + msg));
                    }
                    progress.step(" " + results.size() + " detections");
                }
            }
        }
        Path parent = resultsFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.write(resultsFile, o -> mapper.writeValue(o, results));
        long[] ids = limit == null ? null : images.stream().mapToLong(CocoImage::id).toArray();
        CocoReport bbox = CocoReport.evaluate(gt, resultsFile, IouType.BBOX, CocoReport.Settings.MMDET, ids);
        // a detector without masks (DINO) has box AP only
        CocoReport segm = masks ? CocoReport.evaluate(gt, resultsFile, IouType.SEGM, CocoReport.Settings.MMDET, ids) : null;
        if (chart != null) {
            bbox.chart(chart);
        }
        if (json) {
            ObjectNode o = mapper.createObjectNode();
            o.put("annotations", ann.toString()).put("images", imageDir.toString()).put("results", resultsFile.toString());
            o.put("evaluated_images", images.size()).put("failed_images", failed).put("detections", results.size());
            o.set("bbox", bbox.json(mapper));
            if (segm != null) {
                o.set("segm", segm.json(mapper));
            }
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } else {
            int done = images.size() - failed;
            System.out.println(resultsFile + ": " + results.size() + " detections of " + done + (done == 1 ? " image" : " images"));
            for (CocoReport r : segm == null ? List.of(bbox) : List.of(bbox, segm)) {
                System.out.println();
                System.out.println("Evaluating " + r.iouType().id() + "...");
                r.print(System.out, true);
            }
        }
        if (failed > 0) {
            System.err.println("piip: " + failed + " of " + images.size() + " images failed");
            return 1;
        }
        return 0;
    }

    /** Where the detector's results go: --out FILE.json (or an existing file), DIR/results.json, or eval/results.json. */
    private Path resultsFile() {
        if (out == null) {
            return Path.of("eval", "results.json");
        }
        if (Files.isDirectory(out)) {
            return out.resolve("results.json");
        }
        String name = String.valueOf(out.getFileName()).toLowerCase(Locale.ROOT);
        return name.endsWith(".json") || Files.isRegularFile(out) ? out : out.resolve("results.json");
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
