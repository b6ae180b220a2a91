package io.piip4j.cli;

import io.piip4j.data.ImageFolder;
import io.piip4j.data.ImageSet;
import io.piip4j.detector.train.DetectionRecipe;
import io.piip4j.detector.train.DetectorTrainer;
import io.piip4j.segmentor.train.SegmentationRecipe;
import io.piip4j.segmentor.train.SegmentorTrainer;
import io.piip4j.tensor.Inference;
import io.piip4j.train.Recipe;
import io.piip4j.train.TrainableClassifier;
import io.piip4j.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip train}: trains a classifier, a Mask R-CNN or a UperNet (PIIP or a single-branch baseline) from a recipe. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train a classifier, detector or segmentor from a recipe (JSON).",
        footer = {"", "Examples:", "  piip train recipes/fashion-mnist/piip-tiny.json --out runs/piip",
            "  piip train recipes/shapes/maskrcnn.json --out runs/shapes", "  piip train recipes/shapes/upernet.json --out runs/shapes-upernet"},
        description = {"Train a model from a recipe (JSON). Classifiers: AdamW, cosine schedule with warm-up, "
                + "layer-wise lr decay, drop path, label smoothing, gradient clipping; evaluation and a checkpoint "
                + "every epoch and on Ctrl-C (resumable); writes OUT/checkpoint.pth, OUT/history.json, OUT/curves.png, OUT/model.pth.",
            "Recipes with \"task\": \"detection\" (Mask R-CNN on a COCO-format folder) or \"segmentation\" (UperNet on an "
                + "ADE20K-format folder) train from scratch with the released losses and augmentations, AdamW, warm-up and cosine "
                + "decay, PIIP's layer-wise lr decay (optim.paramwise_cfg); after every epoch they write OUT/model.pth (the reference's "
                + "keys), the validation metrics (box and mask AP; mIoU), OUT/history.json, OUT/curves.png and OUT/checkpoint.pth "
                + "(--resume continues from the last finished epoch, exactly)."})
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RECIPE", description = "Training recipe (JSON), e.g. recipes/fashion-mnist/piip-tiny.json.")
    Path recipeFile;

    @Option(names = "--out", required = true, description = "Output folder (checkpoints, history, curves, final weights).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint.pth.")
    boolean resume;

    @Option(names = "--init", description = "Start from these weights (e.g. written by 'piip init') instead of a fresh initialisation.")
    Path init;

    @Option(names = "--epochs", description = "Override the recipe's number of epochs.")
    Integer epochs;

    @Option(names = "--batch-size", description = "Override the recipe's batch size.")
    Integer batchSize;

    @Option(names = "--seed", description = "Override the recipe's seed.")
    Long seed;

    @Option(names = "--train-limit", description = "Use only the first N training images.")
    Integer trainLimit;

    @Option(names = "--test-limit", description = "Evaluate on only the first N test images.")
    Integer testLimit;

    @Option(names = "--data-dir", description = "Read the recipe's data files from this folder instead.")
    Path dataDir;

    @Option(names = "--threads", description = "Engine threads (default: all cores).")
    Integer threads;

    @Option(names = "--quiet", description = "No progress bar (epoch summaries only).")
    boolean quiet;

    @Option(names = "--stop-after-steps", hidden = true, description = "Checkpoint and stop after N steps (testing).")
    int stopAfterSteps;

    @Override
    public Integer call() throws Exception {
        String task = recipeTask(recipeFile);
        if (task.equals("detection") || task.equals("segmentation")) {
            return trainDenseTask(task);
        }
        Recipe recipe = Recipe.read(recipeFile).with(epochs, batchSize, seed, trainLimit, testLimit);
        if (dataDir != null) {
            recipe = recipe.withDataDir(dataDir);
        }
        if (threads != null) {
            Inference.setThreads(threads);
        }
        ImageSet[] data = load(recipe.data());
        try (TrainableClassifier model = recipe.buildModel()) {
            Trainer t = new Trainer(recipe, model, data[0], data[1],
                    new Trainer.Options(out, resume, init, quiet, System.out, stopAfterSteps));
            System.out.printf("%s: %s, %,d parameters, input %dx%d; %d training / %d test images%n", recipe.name(),
                    recipe.modelType(), model.module().numParameters(), model.inputSize(), model.inputSize(),
                    recipe.trainLimit() > 0 ? Math.min(recipe.trainLimit(), data[0].size()) : data[0].size(),
                    recipe.testLimit() > 0 ? Math.min(recipe.testLimit(), data[1].size()) : data[1].size());
            Trainer.Outcome o = t.run();
            return o == Trainer.Outcome.COMPLETED ? 0 : 130;
        }
    }

    /** The recipe's {@code task} ("" for a classifier's, which has none). */
    private static String recipeTask(Path file) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()).path("task").asText("");
        } catch (java.io.IOException e) {
            return ""; // the classifier's reader reports the file's problem in one line
        }
    }

    /** A detection or segmentation recipe: a Mask R-CNN or UperNet trained from scratch on COCO- or ADE20K-format folders. */
    private int trainDenseTask(String task) throws Exception {
        if (init != null || dataDir != null) {
            throw new UsageException("--init and --data-dir are not supported for " + task + " recipes yet");
        }
        if (threads != null) {
            Inference.setThreads(threads);
        }
        if (task.equals("detection")) {
            DetectionRecipe recipe = DetectionRecipe.read(recipeFile).with(epochs, batchSize, seed, trainLimit, testLimit);
            new DetectorTrainer(recipe, new io.piip4j.train.TaskTrainer.Options(out, resume, quiet, System.out, stopAfterSteps)).run();
        } else {
            SegmentationRecipe recipe = SegmentationRecipe.read(recipeFile).with(epochs, batchSize, seed, trainLimit, testLimit);
            new SegmentorTrainer(recipe, new io.piip4j.train.TaskTrainer.Options(out, resume, quiet, System.out, stopAfterSteps)).run();
        }
        return 0;
    }

    static ImageSet[] load(Recipe.Data d) {
        if (d.format().equals("idx")) {
            return new ImageSet[] {ImageSet.fromIdx(d.trainImages(), d.trainLabels(), d.classes()),
                ImageSet.fromIdx(d.testImages(), d.testLabels(), d.classes())};
        }
        ImageSet tr = ImageFolder.load(d.trainFolder(), d.channels(), d.size());
        ImageSet te = ImageFolder.load(d.testFolder(), d.channels(), d.size());
        if (!tr.classes().equals(te.classes())) {
            throw new io.piip4j.data.DataException(d.testFolder() + ": class folders " + te.classes()
                    + " differ from the training folder's " + tr.classes());
        }
        return new ImageSet[] {tr, te};
    }
}
