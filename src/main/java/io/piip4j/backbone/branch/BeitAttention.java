package io.piip4j.backbone.branch;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.F;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * BEiT's attention ({@code beit.py Attention}): a bias-free {@code qkv} projection whose bias is
 * assembled from {@code q_bias}, zeros for k, and {@code v_bias}; a relative position bias per
 * head looked up in the block's own {@code relative_position_bias_table} over a w×w window; and,
 * when windowed, attention inside w×w windows of the token grid. As in the reference, the grid is
 * zero-padded at the bottom/right before the projection and the padded tokens are not masked (so
 * they carry the q/v biases into the windows they share).
 */
public final class BeitAttention extends Module {
    private final int heads;
    private final int window;
    private final boolean windowed;
    private final Linear qkv;
    private final Parameter qBias;
    private final Parameter vBias;
    private final Parameter table;
    private final Linear proj;
    /** The table rows of every (query, key) pair of a window, w²·w² entries. */
    private final int[] index;

    public BeitAttention(long dim, int heads, boolean qkvBias, int window, boolean windowed) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("embed_dim " + dim + " is not divisible by num_heads " + heads);
        }
        this.heads = heads;
        this.window = window;
        this.windowed = windowed;
        this.qkv = child("qkv", new Linear(dim, 3 * dim, false));
        this.qBias = qkvBias ? parameter("q_bias", dim) : null;
        this.vBias = qkvBias ? parameter("v_bias", dim) : null;
        this.table = parameter("relative_position_bias_table", tableRows(window), heads);
        constant("relative_position_index", relativePositionIndex(window));
        this.index = indexValues(window);
        this.proj = child("proj", new Linear(dim, dim));
    }

    /** (2w−1)²: one row per relative offset inside a w×w window. */
    public static long tableRows(int window) {
        return (2L * window - 1) * (2L * window - 1);
    }

    /** x: (B, h·w, C) tokens → (B, h·w, C). */
    public Tensor forward(Tensor x, long h, long w) {
        if (!windowed) {
            return attend(x);
        }
        long b = x.size(0);
        long c = x.size(2);
        long ws = window;
        long hp = (h + ws - 1) / ws * ws;
        long wp = (w + ws - 1) / ws * ws;
        long nh = hp / ws;
        long nw = wp / ws;
        Tensor grid = F.pad(x.view(b, h, w, c), 0, 0, 0, wp - w, 0, hp - h);
        Tensor windows = grid.view(b, nh, ws, nw, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b * nh * nw, ws * ws, c);
        Tensor out = attend(windows).view(b, nh, nw, ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, c);
        return F.slice(F.slice(out, 1, 0, h), 2, 0, w).reshape(b, h * w, c);
    }

    /** Attention over whole sequences of w² tokens (a window, or a grid the size of the window). */
    private Tensor attend(Tensor x) {
        long b = x.size(0);
        long n = x.size(1);
        long c = x.size(2);
        if (n != (long) window * window) {
            throw new IllegalArgumentException("BEiT global attention over " + n + " tokens, but its relative position "
                    + "table is for a " + window + "x" + window + " window (window_size must match the token grid)");
        }
        Tensor y = qkv.forward(x);
        if (qBias != null) {
            Tensor q = qBias.get();
            y = y.add(F.like(F.cat(0, q, torch.zeros_like(q), vBias.get()), y));
        }
        TensorVector parts = y.reshape(b, n, 3, heads, c / heads).permute(2, 0, 3, 1, 4).unbind(0);
        Tensor rows = Tensors.fromInts(index, n * n);
        Tensor bias = table.get().index_select(0, rows).view(n, n, heads).permute(2, 0, 1).unsqueeze(0);
        Tensor out = F.attention(parts.get(0), parts.get(1), parts.get(2), bias);
        return proj.forward(out.transpose(1, 2).reshape(b, n, c));
    }

    private static int[] indexValues(int w) {
        int n = w * w;
        int[] out = new int[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dh = i / w - j / w + w - 1;
                int dw = i % w - j % w + w - 1;
                out[i * n + j] = dh * (2 * w - 1) + dw;
            }
        }
        return out;
    }

    /** The reference's {@code relative_position_index} buffer for a w×w window (int64, w²×w²). */
    public static NdArray relativePositionIndex(int w) {
        int[] v = indexValues(w);
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putLong(x);
        }
        b.flip();
        long n = (long) w * w;
        return new NdArray(DType.INT64, new long[] {n, n}, b);
    }
}
