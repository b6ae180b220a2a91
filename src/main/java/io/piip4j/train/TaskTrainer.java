package io.piip4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.ThreadPools;
import io.piip4j.weights.AtomicFiles;
import io.piip4j.weights.PthWriter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The training loop of the dense tasks (detection, segmentation) from scratch: shuffled batches
 * per epoch, the task's named losses summed, AdamW ({@link DenseParamGroups}: PIIP's layer-wise
 * learning-rate decay where the recipe gives a {@code paramwise_cfg}), linear warm-up then cosine
 * decay per step, optional gradient clipping. After every epoch it writes the
 * whole state dict ({@code OUT/model.pth}, the reference's keys, buffers such as BatchNorm's running
 * statistics included), the task's validation metrics, {@code OUT/history.json} and
 * {@code OUT/curves.png}.
 *
 * <p>After every epoch it also writes {@code OUT/checkpoint.pth} ({@link DenseCheckpoint}): a run
 * killed at any moment resumes from the last finished epoch and continues exactly as the
 * uninterrupted run would have (data order and augmentation are functions of seed, epoch and
 * image; the engine's and the task's generators are restored). Each step runs in its own
 * {@code PointerScope}, so native memory stays flat from step to step.
 */
public final class TaskTrainer {
    /** Output folder, whether to resume the run there, console, and an optional stop after a number of steps (tests). */
    public record Options(Path outDir, boolean resume, boolean quiet, PrintStream log, int stopAfterSteps) {
    }

    /** The checkpoint written after every epoch, {@link #run} resumes from. */
    public static final String CHECKPOINT = "checkpoint.pth";

    /** What the loop needs of a task: its model, its training set's size, its losses and its validation. */
    public abstract static class Task {
        private final String name;
        private final Module model;
        private final int trainSize;

        /**
         * @param name      the run's name (curves' titles, the history)
         * @param model     the model trained; its parameters must be initialised
         * @param trainSize how many training samples there are (indices {@code 0 … size-1})
         */
        protected Task(String name, Module model, int trainSize) {
            this.name = name;
            this.model = model;
            this.trainSize = trainSize;
        }

        public final String name() {
            return name;
        }

        public final Module model() {
            return model;
        }

        public final int trainSize() {
            return trainSize;
        }

        /**
         * The named losses of a batch of training samples, each a scalar with a gradient; their sum is
         * minimised. Runs inside the step's scope: tensors made here are freed after the step.
         */
        public abstract Map<String, Tensor> losses(int[] samples, int epoch);

        /** The current weights' validation metrics (the model is in eval mode), empty where the recipe names no validation data. */
        public abstract Map<String, Double> validate(Path outDir);

        /** Which validation metrics the epoch line prints and the curves draw, e.g. {@code bbox_AP}; {@code mIoU}. */
        public abstract List<String> headlineMetrics();

        /** The state of the task's own random draws (samplers), saved with each checkpoint; empty where it has none. */
        public byte[] rngState() {
            return new byte[0];
        }

        /** Restores {@link #rngState()}'s bytes; {@code source} names the checkpoint in errors. */
        public void restoreRngState(byte[] state, String source) {
        }
    }

    private final TrainSchedule schedule;
    private final Options opt;

    public TaskTrainer(TrainSchedule schedule, Options options) {
        this.schedule = schedule;
        this.opt = options;
    }

    /**
     * The random draws of sample {@code k}'s augmentation in {@code epoch}: a function of (seed, epoch,
     * sample) only. The seed goes through SplitMix64 first: {@code java.util.Random}'s first draw is
     * nearly the same for nearby seeds, so seeding it with {@code base + k} would give every image of
     * an epoch the same flip and scale.
     */
    public static Random sampleRandom(long seed, int epoch, int k) {
        return new Random(splitMix(splitMix(splitMix(seed) + epoch) + k));
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
    static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Runs the schedule; returns the last validation metrics (empty without validation data). */
    public Map<String, Double> run(Task task) throws Exception {
        try (AutoCloseable pools = ThreadPools.training()) {
            return fit(task);
        }
    }

    private Map<String, Double> fit(Task task) throws Exception {
        Module model = task.model();
        int size = schedule.trainLimit() > 0 ? Math.min(schedule.trainLimit(), task.trainSize()) : task.trainSize();
        int batch = schedule.batchSize();
        int perEpoch = size / batch;
        if (perEpoch == 0) {
            throw new ConfigException("batch_size " + batch + " is larger than the " + size + " training images");
        }
        Files.createDirectories(opt.outDir());
        List<Parameter> params = new ArrayList<>();
        for (Parameter p : model.namedParameters().values()) {
            if (!p.isBuffer()) {
                p.get().set_requires_grad(true);
                params.add(p);
            }
        }
        long total = (long) perEpoch * schedule.epochs();
        LrSchedule lr = new LrSchedule(schedule.lr(), schedule.minLr(), schedule.warmupLr(),
                Math.min(total, Math.round(schedule.warmupEpochs() * perEpoch)), total);
        ObjectMapper json = new ObjectMapper();
        ArrayNode history = json.createArrayNode();
        Map<String, Double> lastEval = Map.of();
        try (AdamW optimizer = new AdamW(groups(model), schedule.beta1(), schedule.beta2(), schedule.eps())) {
            long step = 0;
            int first = 0;
            if (opt.resume()) {
                DenseCheckpoint.Position at = DenseCheckpoint.restore(opt.outDir().resolve(CHECKPOINT), model, optimizer, task);
                first = at.epochsDone();
                step = at.step();
                history = at.history();
                if (history.size() > 0) {
                    lastEval = metrics(history.get(history.size() - 1), task.headlineMetrics());
                }
                opt.log().printf(Locale.ROOT, "resuming after epoch %d of %d (step %d)%n", first, schedule.epochs(), step);
            }
            for (int epoch = first; epoch < schedule.epochs(); epoch++) {
                model.train(true);
                int[] order = order(size, schedule.seed(), epoch);
                Map<String, Double> sums = new LinkedHashMap<>();
                long t0 = System.nanoTime();
                try (Progress bar = new Progress(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, schedule.epochs()),
                        (long) perEpoch * batch, 0, opt.quiet(), opt.log())) {
                    for (int b = 0; b < perEpoch; b++, step++) {
                        if (opt.stopAfterSteps() > 0 && step >= opt.stopAfterSteps()) {
                            writeWeights(model);
                            return lastEval;
                        }
                        optimizer.setLearningRate(lr.at(step));
                        int[] samples = java.util.Arrays.copyOfRange(order, b * batch, (b + 1) * batch);
                        step(task, optimizer, params, samples, epoch).forEach((k, v) -> sums.merge(k, v, Double::sum));
                        bar.step(batch, String.format(Locale.ROOT, " loss %.4f", sums.get("loss") / (b + 1)));
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                ObjectNode e = history.addObject();
                e.put("epoch", epoch + 1);
                e.put("lr", lr.at(Math.max(0, step - 1)));
                e.put("seconds", seconds);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d:", epoch + 1, schedule.epochs()));
                for (Map.Entry<String, Double> s : sums.entrySet()) {
                    e.put(s.getKey(), s.getValue() / perEpoch);
                    line.append(String.format(Locale.ROOT, " %s %.4f", s.getKey(), s.getValue() / perEpoch));
                }
                writeWeights(model);
                model.train(false);
                lastEval = task.validate(opt.outDir());
                if (!lastEval.isEmpty()) {
                    lastEval.forEach(e::put);
                    line.append(" | val");
                    for (String k : task.headlineMetrics()) {
                        line.append(String.format(Locale.ROOT, " %s %.3f", k, lastEval.getOrDefault(k, Double.NaN)));
                    }
                }
                opt.log().println(line.append(String.format(Locale.ROOT, " | %.1f img/s", perEpoch * batch / seconds)));
                ObjectNode h = json.createObjectNode();
                h.put("name", task.name());
                h.set("epochs", history);
                AtomicFiles.write(opt.outDir().resolve("history.json"), o -> json.writerWithDefaultPrettyPrinter().writeValue(o, h));
                DenseCheckpoint.write(opt.outDir().resolve(CHECKPOINT), model, optimizer, task, epoch + 1, step, history);
                try {
                    TaskCurves.write(opt.outDir().resolve("curves.png"), task.name(), history, task.headlineMetrics());
                } catch (RuntimeException ex) {
                    // the picture is a convenience: it must not cost the run its history and weights
                    opt.log().println("curves.png not written: " + ex.getMessage());
                }
            }
        }
        return lastEval;
    }

    /** The validation metrics an epoch of the history recorded (those the task reports, where present). */
    private static Map<String, Double> metrics(com.fasterxml.jackson.databind.JsonNode epoch, List<String> keys) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : keys) {
            if (epoch.has(k)) {
                out.put(k, epoch.get(k).asDouble());
            }
        }
        return out;
    }

    private Map<String, Double> step(Task task, AdamW optimizer, List<Parameter> params, int[] samples, int epoch) {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> named = task.losses(samples, epoch);
            Tensor loss = null;
            for (Tensor t : named.values()) {
                loss = loss == null ? t : loss.add(t);
            }
            optimizer.zeroGrad();
            loss.backward();
            if (schedule.clipGrad() > 0) {
                TensorVector all = new TensorVector();
                params.forEach(p -> all.push_back(p.get()));
                torch.clip_grad_norm_(all, schedule.clipGrad(), 2.0, false);
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

    private List<ParamGroups.Group> groups(Module model) {
        return DenseParamGroups.build(model.namedParameters(), schedule.weightDecay(), schedule.layerDecay());
    }

    private static int[] order(int n, long seed, int epoch) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        Random r = new Random(splitMix(splitMix(seed) + epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    private void writeWeights(Module model) {
        Map<String, NdArray> sd = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            sd.put(e.getKey(), Tensors.toNdArray(e.getValue().get().detach()));
        }
        PthWriter.write(opt.outDir().resolve("model.pth"), sd);
    }
}
