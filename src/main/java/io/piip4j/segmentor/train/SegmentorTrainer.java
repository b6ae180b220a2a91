package io.piip4j.segmentor.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonSyntax;
import io.piip4j.eval.seg.LabelMap;
import io.piip4j.eval.seg.SegmentationMetrics;
import io.piip4j.eval.seg.SegmentationResult;
import io.piip4j.segmentor.ClassMap;
import io.piip4j.segmentor.Segmenter;
import io.piip4j.segmentor.UperNet;
import io.piip4j.tensor.Tensors;
import io.piip4j.train.TaskTrainer;
import io.piip4j.train.TrainSchedule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a UperNet from scratch on ADE20K-format folders, a {@link TaskTrainer.Task}: the released
 * training pipeline ({@link SegmentationTrainTransform}) to crops of the backbone's input size,
 * BatchNorm in training mode, and the decode and auxiliary heads' cross-entropy
 * ({@link UperNetLosses}); the loop, the optimiser and the outputs are {@link TaskTrainer}'s.
 * Validation is mIoU (with aAcc and mAcc) by the project's mmseg-equal metrics, in the config's
 * test mode.
 */
public final class SegmentorTrainer {
    private final SegmentationRecipe recipe;
    private final TaskTrainer.Options opt;

    public SegmentorTrainer(SegmentationRecipe recipe, TaskTrainer.Options options) {
        this.recipe = recipe;
        this.opt = options;
    }

    /** Runs the recipe; returns the last validation metrics (mIoU, aAcc, mAcc), empty without validation folders. */
    public Map<String, Double> run() throws Exception {
        JsonNode root = JsonSyntax.readFile(recipe.modelConfig());
        String name = recipe.modelConfig().getFileName().toString();
        SegmentationTrainingSet train = SegmentationTrainingSet.load(recipe.trainImages(), recipe.trainLabels());
        TrainSchedule schedule = recipe.schedule();
        if (schedule.batchSize() < 2) {
            throw new ConfigException(recipe.name() + ": batch_size 1: BatchNorm in training needs batches of 2 or more");
        }
        try (UperNet model = UperNet.create(root, name)) {
            torch.manual_seed(schedule.seed());
            SegmentorInit.initialize(model, schedule.seed());
            JsonNode modelSection = root.has("model") ? root.get("model") : root.path("config").path("model");
            UperNetLosses losses = UperNetLosses.of(model, modelSection);
            SegmentationTrainTransform transform = new SegmentationTrainTransform(recipe.augment(), model.pipeline(),
                    model.pipeline().imgScale(), model.inputSize(), recipe.reduceZeroLabel());
            if (transform.cropHeight() != model.inputSize() || transform.cropWidth() != model.inputSize()) {
                throw new ConfigException(recipe.name() + ": augment.crop_size must be the backbone's input size " + model.inputSize()
                        + " (its position embeddings are not resized), got " + transform.cropHeight() + "x" + transform.cropWidth());
            }
            int used = schedule.trainLimit() > 0 ? Math.min(schedule.trainLimit(), train.size()) : train.size();
            opt.log().printf(Locale.ROOT, "%s: %d images, %d classes, %d steps per epoch, %,d parameters%n", recipe.name(), used,
                    model.numClasses(), used / schedule.batchSize(), model.numParameters());
            return new TaskTrainer(schedule, opt)
                    .run(new Task(model, train, losses, transform));
        }
    }

    private final class Task extends TaskTrainer.Task {
        private final UperNet model;
        private final SegmentationTrainingSet train;
        private final UperNetLosses losses;
        private final SegmentationTrainTransform transform;

        Task(UperNet model, SegmentationTrainingSet train, UperNetLosses losses, SegmentationTrainTransform transform) {
            super(recipe.name(), model, train.size());
            this.model = model;
            this.train = train;
            this.losses = losses;
            this.transform = transform;
        }

        @Override
        public List<String> headlineMetrics() {
            return List.of("mIoU", "aAcc");
        }

        @Override
        public Map<String, Tensor> losses(int[] samples, int epoch) {
            int h = transform.cropHeight();
            int w = transform.cropWidth();
            float[] pixels = new float[samples.length * 3 * h * w];
            int[] labels = new int[samples.length * h * w];
            for (int i = 0; i < samples.length; i++) {
                int k = samples[i];
                SegmentationTrainTransform.Example e = transform.apply(train.samples().get(k),
                        TaskTrainer.sampleRandom(recipe.schedule().seed(), epoch, k));
                System.arraycopy(e.chw(), 0, pixels, i * 3 * h * w, 3 * h * w);
                System.arraycopy(e.labels(), 0, labels, i * h * w, h * w);
            }
            return losses.losses(Tensors.fromFloats(pixels, samples.length, 3, h, w), Tensors.fromInts(labels, samples.length, h, w).to(torch.ScalarType.Long));
        }

        /** mIoU, aAcc and mAcc of the current weights on the validation folders (mmseg's float64 totals). */
        @Override
        public Map<String, Double> validate(Path outDir) {
            if (recipe.valImages() == null) {
                return Map.of();
            }
            SegmentationTrainingSet val = SegmentationTrainingSet.load(recipe.valImages(), recipe.valLabels());
            int limit = recipe.schedule().valLimit();
            List<SegmentationTrainingSet.Sample> samples = limit > 0 ? val.samples().subList(0, Math.min(limit, val.size())) : val.samples();
            SegmentationMetrics metrics = new SegmentationMetrics(model.numClasses(), SegmentationTrainTransform.IGNORE, recipe.reduceZeroLabel());
            Segmenter segmenter = model.newSegmenter();
            for (SegmentationTrainingSet.Sample s : samples) {
                ClassMap map = segmenter.segment(s.image());
                metrics.add(new LabelMap(s.image(), map.height(), map.width(), map.labels()), LabelMap.read(s.labels()));
            }
            SegmentationResult r = metrics.result();
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("mIoU", r.mIoU());
            out.put("aAcc", r.aAcc());
            out.put("mAcc", r.mAcc());
            return out;
        }
    }
}
