package io.piip4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.CheckpointException;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.PthWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * A dense-task run's checkpoint after a finished epoch, a PyTorch zip {@code .pth} written
 * atomically (a kill leaves the previous one intact): {@code model} (the whole state dict, the
 * reference's keys, buffers included), {@code optimizer} ({@code torch.optim.AdamW.state_dict()}'s
 * layout), {@code epoch} (epochs done), {@code step}, {@code history} (history.json's epochs, as
 * JSON text), and {@code rng}: the engine's CPU generator and the task's samplers.
 */
public final class DenseCheckpoint {
    /** Where a restored run stands. */
    public record Position(int epochsDone, long step, ArrayNode history) {
    }

    private DenseCheckpoint() {
    }

    static void write(Path file, Module model, AdamW optimizer, TaskTrainer.Task task, int epochsDone, long step, ArrayNode history) {
        Map<String, Object> ck = new LinkedHashMap<>();
        Map<String, NdArray> sd = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            sd.put(e.getKey(), Tensors.toNdArray(e.getValue().get().detach()));
        }
        ck.put("model", sd);
        ck.put("optimizer", optimizer.stateDict());
        ck.put("epoch", (long) epochsDone);
        ck.put("step", step);
        ck.put("history", history.toString());
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("torch_cpu", bytes(TrainCheckpoint.rngState()));
        rng.put("task", bytes(task.rngState()));
        ck.put("rng", rng);
        PthWriter.write(file, ck);
    }

    /** Loads a checkpoint into a built model, its optimizer and the task; the model must be the same (names and shapes). */
    static Position restore(Path file, Module model, AdamW optimizer, TaskTrainer.Task task) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no checkpoint to resume from (it is written after every finished epoch)");
        }
        Object obj = PthReader.read(file);
        if (!(obj instanceof Map<?, ?> ck) || !(ck.get("model") instanceof Map<?, ?> weights) || !(ck.get("optimizer") instanceof Map<?, ?> o)
                || !(ck.get("epoch") instanceof Number epoch) || !(ck.get("step") instanceof Number step)
                || !(ck.get("history") instanceof String history) || !(ck.get("rng") instanceof Map<?, ?> rng)
                || !(rng.get("torch_cpu") instanceof NdArray torchRng) || !(rng.get("task") instanceof NdArray taskRng)) {
            throw new CheckpointException(file + ": not a piip detector/segmentor training checkpoint (model, optimizer, epoch, step, history, rng)");
        }
        Map<String, Parameter> params = model.namedParameters();
        if (!weights.keySet().equals(params.keySet())) {
            throw new CheckpointException(file + ": was written for another model (its state dict has other keys than this recipe's model)");
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!(weights.get(e.getKey()) instanceof NdArray a) || !Arrays.equals(a.shape(), e.getValue().shape())) {
                throw new CheckpointException(file + ": model." + e.getKey() + " does not have this model's shape "
                        + Arrays.toString(e.getValue().shape()));
            }
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor dst = e.getValue().get();
                dst.copy_(Tensors.fromNdArray(a).to(dst.scalar_type()));
            }
        }
        try {
            optimizer.loadStateDict(o, file.toString());
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new CheckpointException(e.getMessage() == null ? file + ": bad optimizer state" : e.getMessage());
        }
        TrainCheckpoint.setRngState(toBytes(torchRng));
        byte[] t = toBytes(taskRng);
        if (t.length > 0) {
            task.restoreRngState(t, file.toString());
        }
        try {
            if (!(new ObjectMapper().readTree(history) instanceof ArrayNode h)) {
                throw new CheckpointException(file + ": history is not a list of epochs");
            }
            return new Position(epoch.intValue(), step.longValue(), h);
        } catch (IOException e) {
            throw new CheckpointException(file + ": history is not valid JSON");
        }
    }

    private static NdArray bytes(byte[] b) {
        return new NdArray(DType.UINT8, new long[] {b.length}, ByteBuffer.wrap(b));
    }

    private static byte[] toBytes(NdArray a) {
        byte[] b = new byte[a.data().remaining()];
        a.data().duplicate().get(b);
        return b;
    }
}
