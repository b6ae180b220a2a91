package io.piip4j.detector.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.piip4j.config.ConfigException;
import io.piip4j.detector.CocoDetections;
import io.piip4j.detector.DetectionImages;
import io.piip4j.detector.Detector;
import io.piip4j.predict.ConfigClasses;
import io.piip4j.detector.MaskRcnn;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoEvaluator;
import io.piip4j.eval.coco.CocoImage;
import io.piip4j.eval.coco.CocoResults;
import io.piip4j.eval.coco.CocoSummary;
import io.piip4j.eval.coco.EvalParams;
import io.piip4j.eval.coco.IouType;
import io.piip4j.head.ImageMeta;
import io.piip4j.tensor.Tensors;
import io.piip4j.train.TaskTrainer;
import io.piip4j.train.TrainSchedule;
import io.piip4j.weights.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a Mask R-CNN from scratch on a COCO-format folder, a {@link TaskTrainer.Task}: the
 * released training pipeline ({@link TrainTransform}), batches of images of different sizes padded
 * to the largest, and the model's named losses ({@link MaskRcnnLosses}); the loop, the optimiser
 * and the outputs are {@link TaskTrainer}'s. Validation is box and mask AP by the project's COCO
 * evaluator.
 */
public final class DetectorTrainer {
    private final DetectionRecipe recipe;
    private final TaskTrainer.Options opt;

    public DetectorTrainer(DetectionRecipe recipe, TaskTrainer.Options options) {
        this.recipe = recipe;
        this.opt = options;
    }

    /** Runs the recipe; returns the last validation summary (box AP first), or null without a validation folder. */
    public Map<String, Double> run() throws Exception {
        JsonNode root = new ObjectMapper().readTree(recipe.modelConfig().toFile());
        String name = recipe.modelConfig().getFileName().toString();
        CocoTrainingSet train = CocoTrainingSet.load(recipe.trainAnnotations(), recipe.trainImages());
        TrainSchedule schedule = recipe.schedule();
        try (MaskRcnn model = MaskRcnn.create(root, name)) {
            int numClasses = model.config().bboxHead().numClasses();
            if (numClasses != train.classes().size()) {
                throw new ConfigException(name + ": the model has " + numClasses + " classes (num_classes), "
                        + recipe.trainAnnotations().getFileName() + " has " + train.classes().size() + " categories");
            }
            // the names the trained model will label with must be the training set's, in category-id order
            if (ConfigClasses.given(root) && !model.classNames().equals(train.classes())) {
                throw new ConfigException(name + ": " + ConfigClasses.KEY + " " + model.classNames() + " differ from "
                        + recipe.trainAnnotations().getFileName() + "'s categories in id order " + train.classes());
            }
            torch.manual_seed(schedule.seed());
            DetectorInit.initialize(model, schedule.seed());
            MaskRcnnTrainConfig cfg = MaskRcnnTrainConfig.read(io.piip4j.config.JsonPath.object(modelSection(root), "model"));
            Task task = new Task(model, train, new MaskRcnnLosses(model, cfg, schedule.seed()),
                    new TrainTransform(model.pipeline(), recipe.flip()));
            int used = schedule.trainLimit() > 0 ? Math.min(schedule.trainLimit(), train.size()) : train.size();
            opt.log().printf(Locale.ROOT, "%s: %d images, %d classes, %d steps per epoch, %,d parameters%n", recipe.name(),
                    used, numClasses, used / schedule.batchSize(), model.numParameters());
            Map<String, Double> last = new TaskTrainer(schedule, opt).run(task);
            return last.isEmpty() ? null : last;
        }
    }

    /** An mmdetection config's {@code model} object, or a golden case's {@code config.model}. */
    private static JsonNode modelSection(JsonNode root) {
        if (root.has("model")) {
            return root.get("model");
        }
        return root.path("config").path("model");
    }

    private final class Task extends TaskTrainer.Task {
        private final MaskRcnn model;
        private final CocoTrainingSet train;
        private final MaskRcnnLosses losses;
        private final TrainTransform transform;

        Task(MaskRcnn model, CocoTrainingSet train, MaskRcnnLosses losses, TrainTransform transform) {
            super(recipe.name(), model, train.size());
            this.model = model;
            this.train = train;
            this.losses = losses;
            this.transform = transform;
        }

        @Override
        public List<String> headlineMetrics() {
            return List.of("bbox_AP", "segm_AP");
        }

        @Override
        public byte[] rngState() {
            return losses.samplerState();
        }

        @Override
        public void restoreRngState(byte[] state, String source) {
            losses.restoreSamplerState(state, source);
        }

        @Override
        public Map<String, Tensor> losses(int[] samples, int epoch) {
            List<TrainTransform.Example> ex = new ArrayList<>();
            for (int k : samples) {
                ex.add(transform.apply(train.samples().get(k), TaskTrainer.sampleRandom(recipe.schedule().seed(), epoch, k)));
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
            return losses.losses(Tensors.fromFloats(pixels, ex.size(), 3, h, w), metas, gts);
        }

        /** Box (and mask) AP of the current weights on the validation folder, mmdetection's settings. */
        @Override
        public Map<String, Double> validate(Path outDir) {
            if (recipe.valAnnotations() == null) {
                return Map.of();
            }
            CocoDataset gt = CocoDataset.load(recipe.valAnnotations());
            int limit = recipe.schedule().valLimit();
            List<CocoImage> images = gt.images().stream().sorted(Comparator.comparingLong(CocoImage::id))
                    .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
            ObjectMapper m = new ObjectMapper();
            ArrayNode results = m.createArrayNode();
            Detector detector = model.newDetector();
            int numClasses = model.config().bboxHead().numClasses();
            for (CocoImage im : images) {
                CocoDetections.append(results, im.id(), detector.detect(DetectionImages.read(recipe.valImages().resolve(im.fileName()))),
                        numClasses);
            }
            Path file = outDir.resolve("val-results.json");
            AtomicFiles.write(file, o -> m.writeValue(o, results));
            Map<String, Double> out = new LinkedHashMap<>();
            for (IouType type : List.of(IouType.BBOX, IouType.SEGM)) {
                EvalParams p = EvalParams.mmdet(type);
                if (limit > 0) {
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
}
