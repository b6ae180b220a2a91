package io.piip4j.config;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a Hugging Face {@code ConvNextModel} (what {@code ConvNextModel.from_pretrained}
 * would load for a ConvNeXt branch's {@code pretrained} name): four stages of {@code depths[s]}
 * blocks at width {@code hiddenSizes[s]}, a 4×4 patchify stem. PIIP runs the model block by block:
 * the stride-2 downsampling layer of stages 1–3 counts as a block of its own.
 *
 * @param layerScaleInit {@code layer_scale_init_value}: blocks have {@code layer_scale_parameter} when > 0
 */
public record ConvNextSpec(String name, int[] depths, int[] hiddenSizes, int patchSize, double layerScaleInit) {

    private static final Pattern HUB = Pattern.compile("convnext-(tiny|small|base|large|xlarge)(?![a-z])");

    /** The hub checkpoints' shapes (facebook/convnext-{tiny,small,base,large,xlarge}-*), or null. */
    public static ConvNextSpec fromHubName(String pretrained) {
        Matcher m = HUB.matcher(pretrained);
        if (!m.find()) {
            return null;
        }
        int[] deep = {3, 3, 27, 3};
        return switch (m.group(1)) {
            case "tiny" -> new ConvNextSpec(pretrained, new int[] {3, 3, 9, 3}, new int[] {96, 192, 384, 768}, 4, 1e-6);
            case "small" -> new ConvNextSpec(pretrained, deep, new int[] {96, 192, 384, 768}, 4, 1e-6);
            case "base" -> new ConvNextSpec(pretrained, deep, new int[] {128, 256, 512, 1024}, 4, 1e-6);
            case "large" -> new ConvNextSpec(pretrained, deep, new int[] {192, 384, 768, 1536}, 4, 1e-6);
            default -> new ConvNextSpec(pretrained, deep, new int[] {256, 512, 1024, 2048}, 4, 1e-6);
        };
    }

    public int numStages() {
        return depths.length;
    }

    /** Whether stage s starts with a downsampling layer (HF: when the width or the stride changes). */
    public boolean downsamples(int stage) {
        return stage > 0;
    }

    /** Blocks as PIIP's wrapper lists them: per stage its downsampling layer (if any), then its layers. */
    public int numBlocks() {
        int n = 0;
        for (int s = 0; s < depths.length; s++) {
            n += depths[s] + (downsamples(s) ? 1 : 0);
        }
        return n;
    }

    /** The output width of every block ({@code out_dims} of the wrapper). */
    public int[] blockDims() {
        int[] out = new int[numBlocks()];
        int k = 0;
        for (int s = 0; s < depths.length; s++) {
            int n = depths[s] + (downsamples(s) ? 1 : 0);
            for (int i = 0; i < n; i++) {
                out[k++] = hiddenSizes[s];
            }
        }
        return out;
    }

    public int width() {
        return hiddenSizes[hiddenSizes.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvNextSpec c && name.equals(c.name) && Arrays.equals(depths, c.depths)
                && Arrays.equals(hiddenSizes, c.hiddenSizes) && patchSize == c.patchSize && layerScaleInit == c.layerScaleInit;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(hiddenSizes);
    }

    @Override
    public String toString() {
        return name + " (depths " + Arrays.toString(depths) + ", widths " + Arrays.toString(hiddenSizes) + ")";
    }
}
