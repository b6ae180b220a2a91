package io.piip4j.llava.tower;

import io.piip4j.weights.CheckpointException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Branch shapes read off a checkpoint's tensors, so a released model needs no table of what its
 * {@code pretrained} names stand for: a CLIP branch's width, depth, MLP width, patch and
 * pretrained grid (from the position table), a ConvNeXt's stages and widths. Only the number of
 * attention heads is not in the weights: {@link PretrainedHeads} supplies it.
 */
public final class CheckpointShapes implements BranchShapes {
    private final Map<String, long[]> shapes;
    private final String prefix;
    private final String source;

    /**
     * @param shapes every tensor's shape by state-dict key
     * @param prefix the tower's key prefix, e.g. {@code model.vision_tower.vision_tower.}
     * @param source the checkpoint's name for errors
     */
    public CheckpointShapes(Map<String, long[]> shapes, String prefix, String source) {
        this.shapes = shapes;
        this.prefix = prefix;
        this.source = source;
    }

    private long[] shape(String key) {
        long[] s = shapes.get(key);
        if (s == null) {
            throw new CheckpointException(source + ": missing " + key + " (needed to size the vision tower)");
        }
        return s;
    }

    private int count(Pattern p) {
        int n = 0;
        for (String k : shapes.keySet()) {
            Matcher m = p.matcher(k);
            if (m.matches()) {
                n = Math.max(n, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return n;
    }

    @Override
    public ClipVisionConfig clip(String branch, String pretrained) {
        String p = prefix + branch + ".clip_model.";
        long hidden = shape(p + "embeddings.class_embedding")[0];
        long patch = shape(p + "embeddings.patch_embedding.weight")[2];
        String posKey = p + "embeddings.position_embedding.weight";
        long positions = shape(posKey)[0];
        long grid = Math.round(Math.sqrt(positions - 1.0));
        if (grid * grid != positions - 1) {
            throw new CheckpointException(source + ": " + posKey + " has " + positions + " rows, not 1 + a square grid");
        }
        int layers = count(Pattern.compile(Pattern.quote(p + "encoder.layers.") + "(\\d+)\\.layer_norm1\\.weight"));
        if (layers == 0) {
            throw new CheckpointException(source + ": no " + p + "encoder.layers.N found");
        }
        long intermediate = shape(p + "encoder.layers.0.mlp.fc1.weight")[0];
        return new ClipVisionConfig(hidden, intermediate, layers, PretrainedHeads.of(pretrained, hidden), grid * patch, patch, 1e-5);
    }

    @Override
    public ConvNextConfig convnext(String branch, String pretrained) {
        String p = prefix + branch + ".convnext_model.stages.";
        int stages = count(Pattern.compile(Pattern.quote(p) + "(\\d+)\\.blocks\\.0\\.conv_dw\\.weight"));
        if (stages == 0) {
            throw new CheckpointException(source + ": no " + p + "N.blocks found");
        }
        int[] depths = new int[stages];
        long[] dims = new long[stages];
        for (int s = 0; s < stages; s++) {
            depths[s] = count(Pattern.compile(Pattern.quote(p + s + ".blocks.") + "(\\d+)\\.conv_dw\\.weight"));
            dims[s] = shape(p + s + ".blocks.0.conv_dw.weight")[0];
        }
        return new ConvNextConfig(depths, dims);
    }
}
