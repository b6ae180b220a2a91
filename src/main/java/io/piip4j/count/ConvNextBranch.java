package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * A ConvNeXt branch as {@code ConvNextHFWrapper} builds it: the Hugging Face {@code ConvNextModel}
 * of a preset ({@code facebook/convnext-tiny-224} …), its stages flattened into "blocks" (each
 * stage's downsampling layer, then its layers). The shapes are those of the presets' hub
 * {@code config.json}; its LayerNorms are custom classes, which mmcv does not hook.
 */
final class ConvNextBranch {
    /** One flattened block: a downsampling layer (LayerNorm + 2×2 stride-2 conv) or a ConvNeXt layer. */
    record Block(boolean downsampling, int in, int out) {
    }

    final int[] depths;
    final int[] dims;
    final boolean layerScale;
    final List<Block> blocks = new ArrayList<>();

    private ConvNextBranch(int[] depths, int[] dims) {
        this(depths, dims, true);
    }

    private ConvNextBranch(int[] depths, int[] dims, boolean layerScale) {
        this.depths = depths;
        this.dims = dims;
        this.layerScale = layerScale;
        for (int s = 0; s < 4; s++) {
            if (s > 0) {
                blocks.add(new Block(true, dims[s - 1], dims[s]));
            }
            for (int l = 0; l < depths[s]; l++) {
                blocks.add(new Block(false, dims[s], dims[s]));
            }
        }
    }

    /**
     * The shapes for a {@code pretrained} name: from {@code custom} (name → HF config with
     * {@code depths}, {@code hidden_sizes}, {@code layer_scale_init_value}, as golden cases carry
     * them) when it has the name, else the hub presets.
     */
    static ConvNextBranch preset(String pretrained, String at, JsonNode custom) {
        if (custom != null && pretrained != null && custom.has(pretrained)) {
            JsonNode c = custom.get(pretrained);
            int[] d = new int[4];
            int[] h = new int[4];
            for (int i = 0; i < 4; i++) {
                d[i] = c.path("depths").path(i).asInt();
                h[i] = c.path("hidden_sizes").path(i).asInt();
            }
            return new ConvNextBranch(d, h, c.path("layer_scale_init_value").asDouble(1e-6) > 0);
        }
        String p = pretrained == null ? "" : pretrained.toLowerCase(java.util.Locale.ROOT);
        int[] deep = {3, 3, 27, 3};
        if (p.contains("tiny")) {
            return new ConvNextBranch(new int[] {3, 3, 9, 3}, new int[] {96, 192, 384, 768});
        } else if (p.contains("small")) {
            return new ConvNextBranch(deep, new int[] {96, 192, 384, 768});
        } else if (p.contains("base")) {
            return new ConvNextBranch(deep, new int[] {128, 256, 512, 1024});
        } else if (p.contains("xlarge")) {
            return new ConvNextBranch(deep, new int[] {256, 512, 1024, 2048});
        } else if (p.contains("large")) {
            return new ConvNextBranch(deep, new int[] {192, 384, 768, 1536});
        }
        throw new ConfigException(at + ".pretrained: unknown ConvNeXt preset '" + pretrained
                + "' (expected a name with tiny, small, base, large or xlarge)");
    }

    int embedDim() {
        return dims[3];
    }

    int outDim(int block) {
        return blocks.get(block).out();
    }

    long params() {
        long p = Tally.convParams(3, dims[0], 4, 1, true) + 2L * dims[0]; // embeddings: patchify conv + LayerNorm
        for (Block b : blocks) {
            long d = b.out();
            if (b.downsampling()) {
                p += 2L * b.in() + Tally.convParams(b.in(), d, 2, 1, true);
            } else {
                p += Tally.convParams(d, d, 7, (int) d, true) + 2 * d + Tally.linearParams(d, 4 * d, true)
                        + Tally.linearParams(4 * d, d, true) + (layerScale ? d : 0); // dwconv, norm, pwconv1, pwconv2, layer scale
            }
        }
        return p + 2L * dims[3]; // the model's final LayerNorm (built, never called by the wrapper)
    }

    /** The stem on an h×w image: returns the grid {H, W} (stride 4). */
    long[] embed(Tally t, String g, long h, long w) {
        long gh = h / 4;
        long gw = w / 4;
        t.conv(g, gh, gw, 3, dims[0], 4, 1, true);
        t.norm(g, gh * gw * dims[0], true, false);
        return new long[] {gh, gw};
    }

    /** Block i on an H×W map; returns the grid after it. */
    long[] block(Tally t, String g, int i, long gh, long gw) {
        Block b = blocks.get(i);
        if (b.downsampling()) {
            t.norm(g, gh * gw * b.in(), true, false);
            long oh = gh / 2;
            long ow = gw / 2;
            t.conv(g, oh, ow, b.in(), b.out(), 2, 1, true);
            return new long[] {oh, ow};
        }
        long d = b.out();
        long n = gh * gw;
        t.conv(g, gh, gw, d, d, 7, (int) d, true);
        t.norm(g, n * d, true, false);
        t.linear(g, n, d, 4 * d, true, true);
        t.gelu(g, n * 4 * d);
        t.linear(g, n, 4 * d, d, true, true);
        t.elementwise(g, 2 * n * d); // layer scale, residual
        return new long[] {gh, gw};
    }
}
