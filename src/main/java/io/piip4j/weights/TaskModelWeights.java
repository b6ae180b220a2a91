package io.piip4j.weights;

import io.piip4j.config.ConfigException;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.NdArray;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads a whole task model's checkpoint (detector, segmentor) for inference: a checkpoint for
 * another number of classes is named first, by its classifier's key and both shapes (rather than as
 * one mismatch among many); then every parameter is loaded strictly by its reference name, and only
 * the packed copies of the weights are kept. On any failure the model is closed.
 */
public final class TaskModelWeights {
    private TaskModelWeights() {
    }

    /**
     * @param classKeys  the parameters whose shape follows the class count
     * @param numClasses the config's class count, for the message
     */
    public static <M extends Module> M load(M model, Map<String, NdArray> stateDict, String source, List<String> classKeys,
            int numClasses) {
        try {
            Map<String, Parameter> params = model.namedParameters();
            for (String key : classKeys) {
                NdArray a = stateDict.get(key);
                Parameter p = params.get(key);
                if (a != null && p != null && !Arrays.equals(a.shape(), p.shape())) {
                    throw new ConfigException(source + ": " + key + " has shape " + Arrays.toString(a.shape()) + " in the checkpoint but "
                            + Arrays.toString(p.shape()) + " in the model (num_classes " + numClasses + " in the config)");
                }
            }
            StateDictLoader.load(model, stateDict, true, source);
            InferenceWeights.keepOnlyPacked(model);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
