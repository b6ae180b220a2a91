package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.PatchEmbed;
import java.util.List;
import java.util.function.IntFunction;
import org.bytedeco.pytorch.Tensor;

/**
 * What the DeiT- and InternViT-style branches share: a patch embedding, an absolute position table
 * on a fixed grid (resized bicubically to the token grid at every forward where the config says
 * so, else required to match it), an optional class token run through the blocks, and the blocks.
 * Subclasses say where the table's grid part is and register their own parameters first, so each
 * keeps the reference's key order.
 *
 * @param <B> the block type
 */
abstract class VitBranch<B extends Module & TokenBlock> extends Branch {
    private PatchEmbed patchEmbed;
    private ModuleList<B> blocks;

    VitBranch(BranchConfig cfg) {
        super(cfg);
    }

    /**
     * Registers {@code patch_embed} and {@code blocks}, block i made by {@code block} from its
     * window size (−1: global attention).
     *
     * @param clsTokenInBlocks whether a class token runs through the blocks (windows cannot hold it)
     */
    protected final void addPatchEmbedAndBlocks(boolean clsTokenInBlocks, IntFunction<B> block) {
        this.patchEmbed = child("patch_embed", new PatchEmbed(config.patchSize(), 3, config.embedDim()));
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < config.depth(); i++) {
            int window = config.windowAttn()[i] ? config.windowSize()[i] : -1;
            if (window > 0 && clsTokenInBlocks) {
                throw new ConfigException(config.name() + ".window_attn: windowed attention cannot be used with a class token");
            }
            blocks.add(block.apply(window));
        }
    }

    /** The position table's grid part, (1, g·g, C) on the {@code posEmbedGrid} grid. */
    protected abstract Tensor positionGrid();

    /** The class token run through the blocks, or null. */
    protected abstract Parameter blockClassToken();

    /** Adds the table resized to the token grid (its type left as the branch wants it). */
    protected Tensor addResizedPosition(Tensor tokens, Tensor resized) {
        return tokens.add(resized);
    }

    @Override
    public final Embedded embed(Tensor image) {
        Tensor grid = patchEmbed.forwardGrid(image);
        long h = grid.size(2);
        long w = grid.size(3);
        Tensor tokens = grid.flatten(2, -1).transpose(1, 2);
        Tensor table = positionGrid();
        if (config.resizePosEmbed()) {
            tokens = addResizedPosition(tokens, resizedPosEmbed(table, config.posEmbedGrid(), h, w));
        } else {
            checkGrid(h, w);
            tokens = tokens.add(table);
        }
        Parameter cls = blockClassToken();
        return new Embedded(tokens, cls == null ? null : cls.get().expand(image.size(0), -1, -1), h, w);
    }

    @Override
    public final List<B> blocks() {
        return blocks.items();
    }
}
