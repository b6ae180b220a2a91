package io.piip4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.data.Batches;
import io.piip4j.data.ImageSet;
import io.piip4j.nn.Parameter;
import io.piip4j.weights.PthWriter;
import io.piip4j.tensor.ThreadPools;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a classifier on an {@link ImageSet} with libtorch autograd: AdamW with layer-wise
 * learning-rate decay, per-step cosine schedule with linear warm-up, the model's named losses
 * (label-smoothed cross entropy for a classifier) summed and each logged, optional gradient-norm clipping, drop path from the config, evaluation after every
 * epoch, a checkpoint after every epoch and on interrupt (SIGINT/SIGTERM), exact resumption.
 *
 * <p>Each training step runs inside its own {@code PointerScope}: every tensor the step creates
 * (activations, the autograd graph's outputs, gradients' handles) is freed when it ends, while
 * parameters and optimizer moments, created before the loop, persist. Data order and
 * augmentation are functions of (seed, epoch, batch) and drop path draws from the engine's
 * generator, whose state is checkpointed: a resumed run repeats the uninterrupted run bit for bit
 * (on the same thread count).
 */
public final class Trainer {
    /** How a run ended. */
    public enum Outcome {
        COMPLETED,
        INTERRUPTED
    }

    /** Options beyond the recipe: output folder, resumption, console. */
    public record Options(Path outDir, boolean resume, Path initWeights, boolean quiet, PrintStream log,
            int stopAfterSteps) {
    }

    private final Recipe recipe;
    private final TrainableClassifier model;
    private final ImageSet train;
    private final ImageSet test;
    private final Options opt;
    private final InputPipeline input;
    private volatile boolean stopRequested;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Trainer(Recipe recipe, TrainableClassifier model, ImageSet train, ImageSet test, Options options) {
        this.recipe = recipe;
        this.model = model;
        this.train = recipe.trainLimit() > 0 ? train.head(recipe.trainLimit()) : train;
        this.test = recipe.testLimit() > 0 ? test.head(recipe.testLimit()) : test;
        this.opt = options;
        this.input = new InputPipeline(recipe.mean(), recipe.std(), model.inputSize());
        if (train.numClasses() != model.numClasses()) {
            throw new IllegalArgumentException("the data has " + train.numClasses() + " classes, the model's head "
                    + model.numClasses() + " (num_classes)");
        }
        if (this.train.size() < recipe.batchSize()) {
            throw new IllegalArgumentException("batch_size " + recipe.batchSize() + " is larger than the " + this.train.size()
                    + " training images");
        }
    }

    /** Asks a running {@link #run} to checkpoint at the next step boundary and return; waits for it. */
    public void requestStop(long timeoutSeconds) {
        stopRequested = true;
        try {
            stopped.await(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Path checkpointFile() {
        return opt.outDir().resolve("checkpoint.pth");
    }

    public Outcome run() throws Exception {
        try (AutoCloseable pools = ThreadPools.training()) {
            return fit();
        }
    }

    private Outcome fit() throws Exception {
        Files.createDirectories(opt.outDir());
        int perEpoch = Batches.count(train.size(), recipe.batchSize(), true);
        long total = (long) perEpoch * recipe.epochs();
        LrSchedule schedule = new LrSchedule(recipe.lr(), recipe.minLr(), recipe.warmupLr(),
                Math.min(total, Math.round(recipe.warmupEpochs() * perEpoch)), total);

        torch.manual_seed(recipe.seed());
        if (opt.initWeights() != null) {
            WeightsInit.load(model, opt.initWeights(), opt.log());
        } else {
            model.initialize();
        }
        List<Parameter> params = new ArrayList<>(model.module().namedParameters().values());
        for (Parameter p : params) {
            p.get().set_requires_grad(true);
        }
        List<ParamGroups.Group> groups = ParamGroups.build(model, recipe.weightDecay(), recipe.layerDecay());
        try (AdamW optimizer = new AdamW(groups, recipe.beta1(), recipe.beta2(), recipe.eps())) {
            TrainState st;
            if (opt.resume()) {
                st = TrainCheckpoint.restore(checkpointFile(), model, optimizer, recipe);
                TrainCheckpoint.setRngState(st.rng);
                opt.log().printf(Locale.ROOT, "resumed from %s at epoch %d, batch %d (step %d)%n", checkpointFile(),
                        st.epoch + 1, st.batch, st.step);
            } else {
                st = new TrainState();
            }
            Thread hook = new Thread(() -> requestStop(120), "piip-train-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            opt.log().println(String.format(Locale.ROOT, "%d parameter groups, %d steps per epoch, lr %.2e (warm-up %d steps)",
                    groups.size(), perEpoch, recipe.lr(), schedule.warmupSteps()));
            try {
                return loop(optimizer, st, schedule, perEpoch, params);
            } finally {
                stopped.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook is already running and waits on `stopped`
                }
            }
        }
    }

    private Outcome loop(AdamW optimizer, TrainState st, LrSchedule schedule, int perEpoch, List<Parameter> params) {
        TrainStep step = new TrainStep(model, optimizer, params, input, recipe.labelSmoothing(), recipe.clipGrad());
        int stepsThisRun = 0;
        while (st.epoch < recipe.epochs()) {
            int e = st.epoch;
            int[] order = Batches.order(train.size(), recipe.seed(), e);
            if (st.batch == 0) {
                st.startEpoch();
            }
            model.module().train(true);
            String task = String.format(Locale.ROOT, "epoch %d/%d", e + 1, recipe.epochs());
            try (Progress bar = new Progress(task, (long) perEpoch * recipe.batchSize(), (long) st.batch * recipe.batchSize(),
                    opt.quiet(), opt.log())) {
                while (st.batch < perEpoch) {
                    if (stopRequested || (opt.stopAfterSteps() > 0 && stepsThisRun >= opt.stopAfterSteps())) {
                        save(optimizer, st, schedule);
                        opt.log().printf(Locale.ROOT, "interrupted: checkpoint written to %s (epoch %d, batch %d)%n",
                                checkpointFile(), e + 1, st.batch);
                        return Outcome.INTERRUPTED;
                    }
                    long t0 = System.nanoTime();
                    optimizer.setLearningRate(schedule.at(st.step));
                    Batches.Batch b = Batches.train(train, order, st.batch, recipe.batchSize(), recipe.augment(), recipe.seed(), e);
                    TrainStep.Result r = step.run(b);
                    st.lossSum += r.loss() * b.size();
                    if (r.losses().size() > 1) {
                        r.losses().forEach((k, v) -> st.lossSums.merge(k, v * b.size(), Double::sum));
                    }
                    st.correct += r.correct();
                    st.seen += b.size();
                    st.batch++;
                    st.step++;
                    stepsThisRun++;
                    st.epochSeconds += (System.nanoTime() - t0) / 1e9;
                    bar.step(b.size(), st.lossSum / st.seen, (double) st.correct / st.seen);
                }
            }
            double[] eval = evaluate();
            EpochStats s = new EpochStats(e + 1, st.lossSum / st.seen, (double) st.correct / st.seen, eval[0], eval[1],
                    schedule.at(Math.max(0, st.step - 1)), st.epochSeconds, st.seen / Math.max(1e-9, st.epochSeconds));
            st.history.add(s);
            opt.log().printf(Locale.ROOT, "epoch %d/%d: train loss %.4f%s acc %.2f%% | test loss %.4f acc %.2f%% | %.0f img/s%n",
                    e + 1, recipe.epochs(), s.trainLoss(), namedLosses(st), 100 * s.trainAccuracy(), s.testLoss(),
                    100 * s.testAccuracy(), s.imagesPerSecond());
            st.epoch++;
            st.startEpoch();
            save(optimizer, st, schedule);
            writeHistory(st);
        }
        writeFinal();
        return Outcome.COMPLETED;
    }

    /** Each named loss's epoch mean, " (loss_cls 0.4000, loss_aux 0.0321)", where the model has several; else "". */
    private static String namedLosses(TrainState st) {
        if (st.lossSums.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        st.lossSums.forEach((k, v) -> b.append(b.length() > 2 ? ", " : "").append(k)
                .append(String.format(Locale.ROOT, " %.4f", v / st.seen)));
        return b.append(')').toString();
    }

    /** Test-set loss (plain cross entropy) and accuracy, in evaluation mode without autograd. */
    public double[] evaluate() {
        model.module().train(false);
        double lossSum = 0;
        long correct = 0;
        int nb = Batches.count(test.size(), recipe.evalBatchSize(), false);
        try (InferenceMode mode = new InferenceMode()) {
            for (int i = 0; i < nb; i++) {
                try (PointerScope scope = new PointerScope()) {
                    Batches.Batch b = Batches.eval(test, i, recipe.evalBatchSize());
                    Tensor x = input.toTensor(b.pixels(), b.size(), b.channels(), b.height(), b.width());
                    Tensor y = TrainStep.labels(b.labels());
                    Tensor logits = model.logits(x);
                    lossSum += torch.cross_entropy_loss(logits, y, new TensorOptional(), 2 /* sum */, -100, 0.0).item_double();
                    correct += logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(y).sum().item_long();
                }
            }
        }
        return new double[] {lossSum / test.size(), (double) correct / test.size()};
    }

    private void save(AdamW optimizer, TrainState st, LrSchedule schedule) {
        st.rng = TrainCheckpoint.rngState();
        TrainCheckpoint.write(checkpointFile(), model, optimizer, st, schedule, recipe);
    }

    private void writeHistory(TrainState st) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("name", recipe.name());
        root.put("parameters", model.module().numParameters());
        ArrayNode arr = root.putArray("epochs");
        for (EpochStats s : st.history) {
            arr.add(m.valueToTree(s));
        }
        Outputs.write(opt.outDir().resolve("history.json"), out -> m.writerWithDefaultPrettyPrinter().writeValue(out, root));
        Map<String, List<EpochStats>> runs = new LinkedHashMap<>();
        runs.put(recipe.name(), st.history());
        try {
            Curves.write(opt.outDir().resolve("curves.png"), runs);
        } catch (RuntimeException e) {
            // the picture is a convenience: while the JVM shuts down (Ctrl-C) the imaging code
            // cannot start, and that must not cost the run its next checkpoint
            opt.log().println("curves.png not written: " + e.getMessage());
        }
    }

    /** The trained weights alone, under the reference's keys: {@code torch.load(f)} is a plain state dict. */
    private void writeFinal() {
        PthWriter.write(opt.outDir().resolve("model.pth"), new LinkedHashMap<>(TrainCheckpoint.modelState(model)));
        writeClassifierSpec(opt.outDir().resolve("classifier.json"));
    }

    /** What {@link SmallImageClassifier} needs to classify images as this run saw them. */
    private void writeClassifierSpec(Path file) {
        ObjectMapper m = new ObjectMapper();
        try {
            com.fasterxml.jackson.databind.JsonNode r = m.readTree(recipe.json());
            ObjectNode spec = m.createObjectNode();
            spec.put("name", recipe.name());
            spec.set("model", r.get("model"));
            ObjectNode in = spec.putObject("input");
            in.put("channels", train.channels());
            in.put("size", train.height());
            in.set("mean", m.valueToTree(recipe.mean()));
            in.set("std", m.valueToTree(recipe.std()));
            // MNIST-format data sets are light objects on black
            in.put("background", recipe.data().format().equals("idx") ? "dark" : "any");
            spec.set("classes", m.valueToTree(train.classes()));
            Outputs.write(file, out -> m.writerWithDefaultPrettyPrinter().writeValue(out, spec));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
