package io.piip4j.count;

import io.piip4j.config.JsonPath;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The official FLOPs scripts' analytic self-attention term ({@code get_sa_flops}), read from the
 * branch's config dict exactly as the scripts read it: per block 2·h·w·h·w·dim (global) or
 * 2·h·w·ws²·dim (windowed) with h = H // 16, w = W // 16 whatever the patch size, and the block
 * list zipped from {@code window_attn}/{@code window_size} ({@code depth} defaults to 12).
 */
final class Analytic {
    private Analytic() {
    }

    static long selfAttention(JsonPath module, long imgH, long imgW, int builtDim) {
        int depth = module.integer("depth", 12);
        long h = imgH / 16;
        long w = imgW / 16;
        long dim = module.has("embed_dim") ? module.integer("embed_dim", null) : builtDim;
        boolean[] flags;
        long[] sizes;
        JsonNode wa = module.node().get("window_attn");
        JsonNode ws = module.node().get("window_size");
        if (module.contains("window_attn")) {
            int n = Math.min(length(wa, depth), length(ws, depth));
            flags = new boolean[n];
            sizes = new long[n];
            for (int i = 0; i < n; i++) {
                flags[i] = element(wa, i).asBoolean(false) && element(wa, i).isBoolean();
                sizes[i] = element(ws, i).asLong(-1);
            }
        } else if (ws != null && ws.isIntegralNumber()) {
            flags = new boolean[depth];
            sizes = new long[depth];
            java.util.Arrays.fill(flags, true);
            java.util.Arrays.fill(sizes, ws.asLong());
        } else {
            flags = new boolean[depth];
            sizes = new long[depth];
        }
        long total = 0;
        for (int i = 0; i < flags.length; i++) {
            total += flags[i] ? 2 * h * w * sizes[i] * sizes[i] * dim : 2 * h * w * h * w * dim;
        }
        return total;
    }

    private static int length(JsonNode v, int depth) {
        return v != null && v.isArray() ? v.size() : depth;
    }

    private static JsonNode element(JsonNode v, int i) {
        return v != null && v.isArray() ? v.get(i) : v == null ? com.fasterxml.jackson.databind.node.NullNode.instance : v;
    }
}
