package io.piip4j.init;

import io.piip4j.tensor.NdArray;
import io.piip4j.weights.CheckpointException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ConvNeXt branches, loaded as the reference's {@code ConvNextHFWrapper} does through Hugging
 * Face's {@code ConvNextModel.from_pretrained}: the checkpoint's keys are the model's
 * ({@code embeddings.…}, {@code encoder.stages.…}, {@code layernorm.…}), or carry the
 * {@code convnext.} prefix of a checkpoint saved from {@code ConvNextForImageClassification}
 * (stripped, as {@code from_pretrained} does for a base model); they go under the branch's
 * {@code convnext_model.}. Keys the model lacks (the classifier) are reported unexpected and
 * ignored, parameters the checkpoint lacks keep their initial values (reported missing), and a
 * shape mismatch is an error, as {@code from_pretrained} raises one.
 */
public final class ConvNextLoader {
    static final String MODULE = "convnext_model.";
    static final String HF_PREFIX = "convnext.";

    private ConvNextLoader() {
    }

    public static PretrainedBranch.Converted convert(Map<String, NdArray> checkpoint, Map<String, long[]> moduleShapes,
            String source) {
        boolean prefixed = checkpoint.keySet().stream().anyMatch(k -> k.startsWith(HF_PREFIX));
        List<KeyStatus> report = new ArrayList<>();
        Map<String, NdArray> load = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : checkpoint.entrySet()) {
            String k = e.getKey();
            if (prefixed && !k.startsWith(HF_PREFIX)) {
                report.add(new KeyStatus(k, "unexpected", e.getValue().shape(), e.getValue().shape()));
                continue;
            }
            String key = MODULE + (prefixed ? k.substring(HF_PREFIX.length()) : k);
            long[] want = moduleShapes.get(key);
            if (want == null) {
                report.add(new KeyStatus(k, "unexpected", e.getValue().shape(), e.getValue().shape()));
                continue;
            }
            if (!Arrays.equals(want, e.getValue().shape())) {
                throw new CheckpointException(source + ": " + k + " has shape " + Arrays.toString(e.getValue().shape())
                        + ", the branch's " + key + " " + Arrays.toString(want)
                        + " (a different ConvNeXt: from_pretrained refuses the size mismatch)");
            }
            load.put(key, e.getValue());
            report.add(new KeyStatus(key, "copied", want, e.getValue().shape()));
        }
        if (load.isEmpty()) {
            throw new CheckpointException(source + ": no key is a Hugging Face ConvNeXt parameter (expected embeddings.…, "
                    + "encoder.stages.… or convnext.…)");
        }
        for (Map.Entry<String, long[]> e : moduleShapes.entrySet()) {
            if (!load.containsKey(e.getKey())) {
                report.add(new KeyStatus(e.getKey(), "missing", e.getValue(), null));
            }
        }
        return new PretrainedBranch.Converted(load, report);
    }
}
