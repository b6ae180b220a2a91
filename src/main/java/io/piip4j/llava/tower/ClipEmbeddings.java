package io.piip4j.llava.tower;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * Hugging Face {@code CLIPVisionEmbeddings}' weights ({@code class_embedding}, bias-free
 * {@code patch_embedding}, {@code position_embedding}) with the release's forward: the patch
 * position embeddings are resized bicubically from the pretrained grid to the image's grid; the
 * class token keeps its own.
 */
public final class ClipEmbeddings extends Module {
    private final ClipVisionConfig cfg;
    private final Parameter classEmbedding;
    private final Conv2d patchEmbedding;
    private final PositionTable positionEmbedding;

    public ClipEmbeddings(ClipVisionConfig cfg) {
        this.cfg = cfg;
        this.classEmbedding = parameter("class_embedding", cfg.hiddenSize());
        this.patchEmbedding = child("patch_embedding", new Conv2d(3, cfg.hiddenSize(), cfg.patchSize(), cfg.patchSize(), 0, 1, false));
        this.positionEmbedding = child("position_embedding", new PositionTable(cfg.numPositions(), cfg.hiddenSize()));
    }

    /** The embedded tokens (B, 1 + H·W, C), class token first, and the patch grid they come from. */
    public record Embedded(Tensor tokens, long h, long w) {
    }

    /** The class token then the patches, position embeddings added. */
    public Embedded forward(Tensor image) {
        Tensor patches = patchEmbedding.forward(image);
        long b = patches.size(0);
        long c = patches.size(1);
        long h = patches.size(2);
        long w = patches.size(3);
        Tensor tokens = patches.flatten(2, 3).transpose(1, 2);
        long g = cfg.imageSize() / cfg.patchSize();
        Tensor table = positionEmbedding.weight();
        Tensor grid = F.slice(table, 0, 1, table.size(0)).reshape(1, g, g, c).permute(0, 3, 1, 2);
        Tensor resized = F.interpolateBicubic(grid, h, w).reshape(1, c, h * w).permute(0, 2, 1);
        Tensor pos = F.cat(1, F.slice(table, 0, 0, 1).unsqueeze(0), resized);
        Tensor cls = classEmbedding.get().view(1, 1, c).expand(b, 1, c);
        return new Embedded(F.cat(1, cls, tokens).add(pos), h, w);
    }

    /** {@code nn.Embedding} used as a table of learned positions ({@code weight}). */
    static final class PositionTable extends Module {
        private final Parameter weight;

        PositionTable(long n, long dim) {
            this.weight = parameter("weight", n, dim);
        }

        Tensor weight() {
            return weight.get();
        }
    }
}
