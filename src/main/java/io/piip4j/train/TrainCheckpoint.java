package io.piip4j.train;

import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.CheckpointException;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.PthWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A resumable training checkpoint, written as a PyTorch zip {@code .pth} (atomically, so a kill
 * leaves the previous checkpoint intact): {@code model} holds the weights under the reference's
 * key names ({@code torch.load(f)["model"]} loads into the reference model), {@code optimizer} is
 * {@code torch.optim.AdamW.state_dict()}'s layout, and the rest is the run's position, the
 * engine generator's state, the schedule, the history and the recipe.
 */
public final class TrainCheckpoint {
    private TrainCheckpoint() {
    }

    public static Map<String, NdArray> modelState(TrainableClassifier model) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.module().namedParameters().entrySet()) {
            out.put(e.getKey(), Tensors.toNdArray(e.getValue().get()));
        }
        return out;
    }

    static void write(Path file, TrainableClassifier model, AdamW optimizer, TrainState st, LrSchedule schedule, Recipe recipe) {
        Map<String, Object> ck = new LinkedHashMap<>();
        ck.put("model", modelState(model));
        ck.put("optimizer", optimizer.stateDict());
        ck.put("epoch", (long) st.epoch);
        ck.put("batch", (long) st.batch);
        ck.put("step", st.step);
        Map<String, Object> partial = new LinkedHashMap<>();
        partial.put("loss_sum", st.lossSum);
        partial.put("correct", st.correct);
        partial.put("seen", st.seen);
        partial.put("seconds", st.epochSeconds);
        if (!st.lossSums.isEmpty()) { // a model with several named losses; a classifier's checkpoint is as before
            partial.put("loss_sums", new LinkedHashMap<>(st.lossSums));
        }
        ck.put("epoch_progress", partial);
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("seed", recipe.seed());
        rng.put("torch_cpu", new NdArray(DType.UINT8, new long[] {st.rng.length}, ByteBuffer.wrap(st.rng)));
        ck.put("rng", rng);
        Map<String, Object> sched = new LinkedHashMap<>();
        sched.put("lr", schedule.lr());
        sched.put("min_lr", schedule.minLr());
        sched.put("warmup_lr", schedule.warmupLr());
        sched.put("warmup_steps", schedule.warmupSteps());
        sched.put("total_steps", schedule.totalSteps());
        sched.put("position", st.step);
        ck.put("schedule", sched);
        List<Object> hist = new ArrayList<>();
        for (EpochStats s : st.history) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", (long) s.epoch());
            m.put("train_loss", s.trainLoss());
            m.put("train_acc", s.trainAccuracy());
            m.put("test_loss", s.testLoss());
            m.put("test_acc", s.testAccuracy());
            m.put("lr", s.learningRate());
            m.put("seconds", s.seconds());
            m.put("images_per_s", s.imagesPerSecond());
            hist.add(m);
        }
        ck.put("history", hist);
        ck.put("recipe", recipe.json());
        PthWriter.write(file, ck);
    }

    /** The engine's default CPU generator state (what drop path draws from). */
    static byte[] rngState() {
        try (PointerScope scope = new PointerScope()) {
            Tensor s = torch.getDefaultCPUGenerator().get_state();
            NdArray a = Tensors.toNdArray(s);
            byte[] out = new byte[a.data().remaining()];
            a.data().duplicate().get(out);
            return out;
        }
    }

    static void setRngState(byte[] state) {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.fromNdArray(new NdArray(DType.UINT8, new long[] {state.length}, ByteBuffer.wrap(state)));
            torch.getDefaultCPUGenerator().set_state(t);
        }
    }

    /** Restores a checkpoint into a built model and optimizer; returns the run's position. */
    static TrainState restore(Path file, TrainableClassifier model, AdamW optimizer, Recipe recipe) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no checkpoint to resume from");
        }
        Object obj = PthReader.read(file);
        if (!(obj instanceof Map<?, ?> ck) || !(ck.get("model") instanceof Map<?, ?> model0) || !(ck.get("optimizer") instanceof Map<?, ?> opt)) {
            throw new CheckpointException(file + ": not a piip training checkpoint (no 'model' and 'optimizer')");
        }
        Object savedRecipe = ck.get("recipe");
        if (savedRecipe instanceof String s && !sameModel(s, recipe)) {
            throw new CheckpointException(file + ": was written for another model configuration than this recipe's");
        }
        Map<String, Parameter> params = model.module().namedParameters();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Object v = model0.get(e.getKey());
            if (!(v instanceof NdArray a)) {
                throw new CheckpointException(file + ": model." + e.getKey() + " is missing");
            }
            if (!Arrays.equals(a.shape(), e.getValue().shape())) {
                throw new CheckpointException(file + ": model." + e.getKey() + " has shape " + Arrays.toString(a.shape())
                        + ", the model " + Arrays.toString(e.getValue().shape()));
            }
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor src = Tensors.fromNdArray(a);
                e.getValue().get().copy_(src.scalar_type().value == ScalarType.Float.value ? src : src.to(ScalarType.Float));
            }
        }
        try {
            optimizer.loadStateDict(opt, file.toString());
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new CheckpointException(e.getMessage() == null ? file + ": bad optimizer state" : e.getMessage());
        }
        TrainState st = new TrainState();
        st.epoch = num(ck, "epoch", file).intValue();
        st.batch = num(ck, "batch", file).intValue();
        st.step = num(ck, "step", file).longValue();
        if (ck.get("epoch_progress") instanceof Map<?, ?> p) {
            st.lossSum = num(p, "loss_sum", file).doubleValue();
            st.correct = num(p, "correct", file).longValue();
            st.seen = num(p, "seen", file).longValue();
            st.epochSeconds = num(p, "seconds", file).doubleValue();
            if (p.get("loss_sums") instanceof Map<?, ?> sums) {
                for (Map.Entry<?, ?> e : sums.entrySet()) {
                    st.lossSums.put(String.valueOf(e.getKey()), num(sums, String.valueOf(e.getKey()), file).doubleValue());
                }
            }
        }
        if (ck.get("rng") instanceof Map<?, ?> r && r.get("torch_cpu") instanceof NdArray a) {
            byte[] b = new byte[a.data().remaining()];
            a.data().duplicate().get(b);
            st.rng = b;
        } else {
            throw new CheckpointException(file + ": rng.torch_cpu is missing");
        }
        if (ck.get("history") instanceof List<?> h) {
            for (Object o : h) {
                Map<?, ?> m = (Map<?, ?>) o;
                st.history.add(new EpochStats(num(m, "epoch", file).intValue(), num(m, "train_loss", file).doubleValue(),
                        num(m, "train_acc", file).doubleValue(), num(m, "test_loss", file).doubleValue(),
                        num(m, "test_acc", file).doubleValue(), num(m, "lr", file).doubleValue(),
                        num(m, "seconds", file).doubleValue(), num(m, "images_per_s", file).doubleValue()));
            }
        }
        return st;
    }

    private static Number num(Map<?, ?> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new CheckpointException(file + ": '" + key + "' is missing or not a number");
        }
        return n;
    }

    /** Whether a saved recipe describes the same model as this one (other settings may change on resume). */
    private static boolean sameModel(String saved, Recipe recipe) {
        try {
            com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(saved);
            return s.path("model").equals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(recipe.json()).path("model"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
