package io.piip4j.weights;

import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Assigns a state dict to a module's parameters by name, as {@code load_state_dict}. */
public final class StateDictLoader {
    private StateDictLoader() {
    }

    /**
     * Loads every matching key, converting the stored type (fp16, bf16, …) to float32.
     *
     * @param source a name for error messages (usually the checkpoint file name)
     * @param strict fail, loading nothing, unless keys and shapes match exactly
     */
    public static LoadReport load(Module model, Map<String, NdArray> stateDict, boolean strict, String source) {
        Map<String, Parameter> params = model.namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NdArray a = stateDict.get(e.getKey());
            if (a == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(a.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + " (checkpoint " + Arrays.toString(a.shape()) + ", model "
                        + Arrays.toString(e.getValue().shape()) + ")");
            }
        }
        for (String k : stateDict.keySet()) {
            if (!params.containsKey(k)) {
                unexpected.add(k);
            }
        }
        int loaded = params.size() - missing.size() - mismatched.size();
        LoadReport report = new LoadReport(loaded, missing, unexpected, mismatched);
        if (strict && !report.clean()) {
            throw new CheckpointException(source + ": does not fit the model: " + report.summary());
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NdArray a = stateDict.get(e.getKey());
            if (a != null && Arrays.equals(a.shape(), e.getValue().shape())) {
                Tensor t = Tensors.fromNdArray(a);
                if (t.scalar_type().value != ScalarType.Float.value) {
                    Tensor f = t.to(ScalarType.Float);
                    t.close();
                    t = f;
                }
                e.getValue().set(t);
            }
        }
        return report;
    }
}
