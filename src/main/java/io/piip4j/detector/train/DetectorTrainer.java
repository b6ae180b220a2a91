package io.piip4j.detector.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.detector.CocoDetections;
import io.piip4j.detector.DetectionImages;
import io.piip4j.detector.Detector;
import io.piip4j.detector.DetectorClasses;
import io.piip4j.detector.MaskRcnn;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoEvaluator;
import io.piip4j.eval.coco.CocoImage;
import io.piip4j.eval.coco.CocoResults;
import io.piip4j.eval.coco.CocoSummary;
import io.piip4j.eval.coco.EvalParams;
import io.piip4j.eval.coco.IouType;
import io.piip4j.head.ImageMeta;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.ThreadPools;
import io.piip4j.train.AdamW;
import io.piip4j.train.LrSchedule;
import io.piip4j.train.ParamGroups;
import io.piip4j.train.Progress;
import io.piip4j.weights.AtomicFiles;
import io.piip4j.weights.PthWriter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a Mask R-CNN from scratch on a COCO-format folder: the released training pipeline
 * ({@link TrainTransform}), batches of images of different sizes padded to the largest, the
 * model's named losses ({@link MaskRcnnLosses}) summed, AdamW (no weight decay on 1-D parameters
 * and biases), linear warm-up then cosine decay per step, optional gradient clipping; after every
 * epoch the weights ({@code OUT/model.pth}, mmdetection's keys) and, with a validation folder,
 * box and mask AP by the project's COCO evaluator ({@code OUT/history.json}, {@code OUT/curves.png}).
 *
 * <p>Each step runs in its own {@code PointerScope}, so native memory stays flat from step to step.
 * Not yet here: resuming an interrupted run (the classifier trainer's exact resume), layer-wise
 * learning-rate decay of the backbone.
 */
public final class DetectorTrainer {
    /** Output folder, console, and an optional stop after a number of steps (smoke tests). */
    public record Options(Path outDir, boolean quiet, PrintStream log, int stopAfterSteps) {
    }

    private final DetectionRecipe recipe;
    private final Options opt;

    public DetectorTrainer(DetectionRecipe recipe, Options options) {
        this.recipe = recipe;
        this.opt = options;
    }

    /** Runs the recipe; returns the last validation summary (box AP first), or null without a validation folder. */
    public Map<String, Double> run() throws Exception {
        try (AutoCloseable pools = ThreadPools.training()) {
            return fit();
        }
    }

    private Map<String, Double> fit() throws Exception {
        JsonNode root = new ObjectMapper().readTree(recipe.modelConfig().toFile());
        String name = recipe.modelConfig().getFileName().toString();
        CocoTrainingSet train = CocoTrainingSet.load(recipe.trainAnnotations(), recipe.trainImages());
        List<CocoTrainingSet.Sample> samples = recipe.trainLimit() > 0
                ? train.samples().subList(0, Math.min(recipe.trainLimit(), train.size())) : train.samples();
        Files.createDirectories(opt.outDir());
        try (MaskRcnn model = MaskRcnn.create(root, name)) {
            int numClasses = model.config().bboxHead().numClasses();
            if (numClasses != train.classes().size()) {
                throw new ConfigException(name + ": the model has " + numClasses + " classes (num_classes), "
                        + recipe.trainAnnotations().getFileName() + " has " + train.classes().size() + " categories");
            }
            // the names the trained model will label with must be the training set's, in category-id order
            if (DetectorClasses.given(root) && !model.classNames().equals(train.classes())) {
                throw new ConfigException(name + ": " + DetectorClasses.KEY + " " + model.classNames() + " differ from "
                        + recipe.trainAnnotations().getFileName() + "'s categories in id order " + train.classes());
            }
            torch.manual_seed(recipe.seed());
            DetectorInit.initialize(model, recipe.seed());
            MaskRcnnTrainConfig cfg = MaskRcnnTrainConfig.read(io.piip4j.config.JsonPath.object(modelSection(root), "model"));
            MaskRcnnLosses losses = new MaskRcnnLosses(model, cfg, recipe.seed());
            TrainTransform transform = new TrainTransform(model.pipeline(), recipe.flip());
            List<Parameter> params = new ArrayList<>(model.namedParameters().values());
            params.forEach(p -> p.get().set_requires_grad(true));
            int perEpoch = samples.size() / recipe.batchSize();
            if (perEpoch == 0) {
                throw new ConfigException("batch_size " + recipe.batchSize() + " is larger than the " + samples.size() + " training images");
            }
            long total = (long) perEpoch * recipe.epochs();
            LrSchedule schedule = new LrSchedule(recipe.lr(), recipe.minLr(), recipe.warmupLr(),
                    Math.min(total, Math.round(recipe.warmupEpochs() * perEpoch)), total);
            ArrayNode history = new ObjectMapper().createArrayNode();
            Map<String, Double> lastEval = null;
            try (AdamW optimizer = new AdamW(groups(model), recipe.beta1(), recipe.beta2(), recipe.eps())) {
                opt.log().printf(Locale.ROOT, "%s: %d images, %d classes, %d steps per epoch, %,d parameters%n", recipe.name(),
                        samples.size(), numClasses, perEpoch, model.numParameters());
                long step = 0;
                for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
                    model.train(true);
                    int[] order = order(samples.size(), recipe.seed(), epoch);
                    Map<String, Double> sums = new LinkedHashMap<>();
                    long t0 = System.nanoTime();
                    try (Progress bar = new Progress(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, recipe.epochs()),
                            (long) perEpoch * recipe.batchSize(), 0, opt.quiet(), opt.log())) {
                        for (int b = 0; b < perEpoch; b++, step++) {
                            if (opt.stopAfterSteps() > 0 && step >= opt.stopAfterSteps()) {
                                writeWeights(model);
                                return lastEval;
                            }
                            optimizer.setLearningRate(schedule.at(step));
                            Map<String, Double> values = step(model, losses, optimizer, params, samples, order, b, epoch, transform);
                            values.forEach((k, v) -> sums.merge(k, v, Double::sum));
                            bar.step(recipe.batchSize(), String.format(Locale.ROOT, " loss %.4f", sums.get("loss") / (b + 1)));
                        }
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    ObjectNode e = history.addObject();
                    e.put("epoch", epoch + 1);
                    e.put("lr", schedule.at(Math.max(0, step - 1)));
                    e.put("seconds", seconds);
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d:", epoch + 1, recipe.epochs()));
                    for (Map.Entry<String, Double> s : sums.entrySet()) {
                        e.put(s.getKey(), s.getValue() / perEpoch);
                        line.append(String.format(Locale.ROOT, " %s %.4f", s.getKey(), s.getValue() / perEpoch));
                    }
                    writeWeights(model);
                    if (recipe.valAnnotations() != null) {
                        lastEval = validate(model);
                        lastEval.forEach(e::put);
                        line.append(String.format(Locale.ROOT, " | val bbox AP %.3f", lastEval.get("bbox_AP")));
                        if (lastEval.containsKey("segm_AP")) {
                            line.append(String.format(Locale.ROOT, " segm AP %.3f", lastEval.get("segm_AP")));
                        }
                    }
                    opt.log().println(line.append(String.format(Locale.ROOT, " | %.1f img/s", perEpoch * recipe.batchSize() / seconds)));
                    ObjectMapper m = new ObjectMapper();
                    ObjectNode h = m.createObjectNode();
                    h.put("name", recipe.name());
                    h.set("epochs", history);
                    AtomicFiles.write(opt.outDir().resolve("history.json"), o -> m.writerWithDefaultPrettyPrinter().writeValue(o, h));
                    try {
                        DetectionCurves.write(opt.outDir().resolve("curves.png"), recipe.name(), history);
                    } catch (RuntimeException ex) {
                        // the picture is a convenience: it must not cost the run its history and weights
                        opt.log().println("curves.png not written: " + ex.getMessage());
                    }
                }
            }
            return lastEval;
        }
    }

    /** An mmdetection config's {@code model} object, or a golden case's {@code config.model}. */
    private static JsonNode modelSection(JsonNode root) {
        if (root.has("model")) {
            return root.get("model");
        }
        return root.path("config").path("model");
    }

    private Map<String, Double> step(MaskRcnn model, MaskRcnnLosses losses, AdamW optimizer, List<Parameter> params,
            List<CocoTrainingSet.Sample> samples, int[] order, int batch, int epoch, TrainTransform transform) {
        try (PointerScope scope = new PointerScope()) {
            List<TrainTransform.Example> ex = new ArrayList<>();
            for (int i = 0; i < recipe.batchSize(); i++) {
                int k = order[batch * recipe.batchSize() + i];
                // the augmentation draws depend on (seed, epoch, image) only
                ex.add(transform.apply(samples.get(k), new Random(recipe.seed() * 1_000_003L + epoch * 100_003L + k)));
            }
            int h = ex.stream().mapToInt(e -> e.meta().padH()).max().orElseThrow();
            int w = ex.stream().mapToInt(e -> e.meta().padW()).max().orElseThrow();
            float[] pixels = new float[ex.size() * 3 * h * w];
            List<ImageMeta> metas = new ArrayList<>();
            List<GroundTruth> gts = new ArrayList<>();
            for (int i = 0; i < ex.size(); i++) {
                TrainTransform.Example e = ex.get(i);
                int ph = e.meta().padH();
                int pw = e.meta().padW();
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < ph; y++) {
                        System.arraycopy(e.chw(), (c * ph + y) * pw, pixels, ((i * 3 + c) * h + y) * w, pw);
                    }
                }
                metas.add(e.meta());
                gts.add(e.truth());
            }
            Tensor images = Tensors.fromFloats(pixels, ex.size(), 3, h, w);
            Map<String, Tensor> named = losses.losses(images, metas, gts);
            Tensor loss = null;
            for (Tensor t : named.values()) {
                loss = loss == null ? t : loss.add(t);
            }
            optimizer.zeroGrad();
            loss.backward();
            if (recipe.clipGrad() > 0) {
                TensorVector all = new TensorVector();
                params.forEach(p -> all.push_back(p.get()));
                torch.clip_grad_norm_(all, recipe.clipGrad(), 2.0, false);
            }
            optimizer.step();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", loss.item_double());
            named.forEach((k, v) -> values.put(k, v.item_double()));
            if (!Double.isFinite(values.get("loss"))) {
                throw new IllegalStateException("the loss is not finite (" + values + "): lower optim.lr or set optim.clip_grad");
            }
            return values;
        }
    }

    /** Two groups as mmdetection's default optimizer constructor: weight decay on weights, none on 1-D parameters and biases. */
    private List<ParamGroups.Group> groups(MaskRcnn model) {
        List<String> dn = new ArrayList<>();
        List<Parameter> dp = new ArrayList<>();
        List<String> nn = new ArrayList<>();
        List<Parameter> np = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            boolean noDecay = e.getValue().shape().length <= 1 || e.getKey().endsWith(".bias") || e.getKey().endsWith("pos_embed")
                    || e.getKey().endsWith("cls_token");
            (noDecay ? nn : dn).add(e.getKey());
            (noDecay ? np : dp).add(e.getValue());
        }
        return List.of(new ParamGroups.Group("decay", dn, dp, 1.0, recipe.weightDecay()),
                new ParamGroups.Group("no_decay", nn, np, 1.0, 0.0));
    }

    private static int[] order(int n, long seed, int epoch) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        Random r = new Random(seed * 31 + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    private void writeWeights(MaskRcnn model) {
        Map<String, NdArray> sd = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            sd.put(e.getKey(), Tensors.toNdArray(e.getValue().get().detach()));
        }
        PthWriter.write(opt.outDir().resolve("model.pth"), sd);
    }

    /** Box (and mask) AP of the current weights on the validation folder, mmdetection's settings. */
    private Map<String, Double> validate(MaskRcnn model) {
        model.train(false);
        CocoDataset gt = CocoDataset.load(recipe.valAnnotations());
        List<CocoImage> images = gt.images().stream().sorted(Comparator.comparingLong(CocoImage::id))
                .limit(recipe.valLimit() > 0 ? recipe.valLimit() : Long.MAX_VALUE).toList();
        ObjectMapper m = new ObjectMapper();
        ArrayNode results = m.createArrayNode();
        Detector detector = model.newDetector();
        int numClasses = model.config().bboxHead().numClasses();
        for (CocoImage im : images) {
            CocoDetections.append(results, im.id(), detector.detect(DetectionImages.read(recipe.valImages().resolve(im.fileName()))),
                    numClasses);
        }
        Path file = opt.outDir().resolve("val-results.json");
        AtomicFiles.write(file, o -> m.writeValue(o, results));
        Map<String, Double> out = new LinkedHashMap<>();
        for (IouType type : List.of(IouType.BBOX, IouType.SEGM)) {
            EvalParams p = EvalParams.mmdet(type);
            if (recipe.valLimit() > 0) {
                p = p.withImageIds(images.stream().mapToLong(CocoImage::id).toArray());
            }
            CocoSummary s = CocoSummary.of(CocoEvaluator.evaluate(gt, CocoResults.load(file, gt, type == IouType.SEGM), p));
            String prefix = type == IouType.BBOX ? "bbox_" : "segm_";
            out.put(prefix + "AP", s.stats()[0]);
            out.put(prefix + "AP50", s.stats()[1]);
        }
        return out;
    }
}
