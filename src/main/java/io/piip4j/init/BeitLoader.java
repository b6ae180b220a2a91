package io.piip4j.init;

import io.piip4j.weights.CheckpointException;
import io.piip4j.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BEiT branches of the detection backbones, loaded as the reference's {@code BEiT.init_weights}
 * does through {@code mmcv_custom/checkpoint.py load_checkpoint}: a shared
 * {@code rel_pos_bias.relative_position_bias_table} (BEiT pretraining layout) is copied to every
 * block, {@code relative_position_index} buffers are dropped (the module computes its own),
 * every block's bias table is resampled to the block's window ({@link RelativePositionTables};
 * the 3 class-token rows are dropped even when the size is unchanged), then a lenient load in
 * which keys the branch lacks, and keys whose shapes differ, are reported and skipped.
 */
public final class BeitLoader {
    private BeitLoader() {
    }

    /**
     * @param checkpoint   the state dict (already unwrapped from {@code model}/{@code module})
     * @param moduleShapes the branch's parameters and shapes
     * @param depth        the branch's number of blocks (for the shared table)
     */
    public static PretrainedBranch.Converted convert(Map<String, NdArray> checkpoint, Map<String, long[]> moduleShapes, int depth,
            String source) {
        List<KeyStatus> report = new ArrayList<>();
        Map<String, NdArray> work = new LinkedHashMap<>(checkpoint);
        Map<String, long[]> original = new LinkedHashMap<>();
        work.forEach((k, v) -> original.put(k, v.shape()));
        String shared = "rel_pos_bias.relative_position_bias_table";
        if (work.containsKey(shared)) {
            NdArray t = work.remove(shared);
            for (int i = 0; i < depth; i++) {
                work.put("blocks." + i + ".attn.relative_position_bias_table", t);
            }
            report.add(new KeyStatus(shared, "skipped", null, t.shape()));
        }
        for (String k : new ArrayList<>(work.keySet())) {
            if (k.contains("relative_position_index")) {
                report.add(new KeyStatus(k, "skipped", null, work.remove(k).shape()));
                continue;
            }
            if (k.contains("relative_position_bias_table")) {
                long[] dst = moduleShapes.get(k);
                if (dst == null) {
                    throw new CheckpointException(source + ": " + k + " has no counterpart in the branch (the reference fails here too)");
                }
                work.put(k, RelativePositionTables.resize(work.get(k), dst[0]));
            }
        }
        Map<String, NdArray> load = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : work.entrySet()) {
            String k = e.getKey();
            long[] want = moduleShapes.get(k);
            long[] from = original.get(k);
            if (want == null) {
                report.add(new KeyStatus(k, "unexpected", e.getValue().shape(), from));
            } else if (!Arrays.equals(want, e.getValue().shape())) {
                // mmcv's load_state_dict lists size mismatches and, not strict, loads the rest
                report.add(new KeyStatus(k, "mismatched", e.getValue().shape(), from));
            } else {
                load.put(k, e.getValue());
                boolean copied = from != null && Arrays.equals(from, want);
                report.add(new KeyStatus(k, copied ? "copied" : from == null ? "added" : "resized", want, from));
            }
        }
        for (Map.Entry<String, long[]> e : moduleShapes.entrySet()) {
            if (!load.containsKey(e.getKey())) {
                report.add(new KeyStatus(e.getKey(), "missing", e.getValue(), null));
            }
        }
        return new PretrainedBranch.Converted(load, report);
    }
}
