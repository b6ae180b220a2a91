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
        int loaded = params.size() - missing.size() - mismatched.size();
        Map<String, NdArray> constants = model.namedConstants();
        for (Map.Entry<String, NdArray> e : stateDict.entrySet()) {
            String k = e.getKey();
            NdArray constant = constants.get(k);
            if (constant != null) {
                // a buffer the module computes itself: accepted when it holds the same values
                if (!sameValues(constant, e.getValue())) {
                    mismatched.add(k + " (checkpoint values differ from the module's own constant "
                            + Arrays.toString(constant.shape()) + ")");
                }
            } else if (!params.containsKey(k)) {
                unexpected.add(k);
            }
        }
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

    private static boolean sameValues(NdArray a, NdArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            return false;
        }
        float[] x = a.toFloats();
        float[] y = b.toFloats();
        return Arrays.equals(x, y);
    }
}
