package io.piip4j.llava.tower;

import io.piip4j.nn.Module;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;

/**
 * One branch of the PIIP-LLaVA vision tower: an embedding of its image, then a sequence of
 * "blocks" that the interactions cut into runs ({@code interaction_indexes}). The release wraps
 * CLIP encoder layers and timm ConvNeXt layers (downsampling layers count as blocks) this way.
 */
public abstract class TowerBranch extends Module {
    /** The side of the square image this branch sees ({@code img_size}). */
    public abstract long imgSize();

    public abstract int numBlocks();

    /** Channels of the tokens after block {@code i}. */
    public abstract long outDim(int block);

    /** Stride of the token grid after block {@code i}, relative to the branch's image. */
    public abstract long downsampleRatio(int block);

    /** Embeds the image into the first token grid; {@code tap} sees named intermediates (may be null). */
    public abstract TokenGrid embed(Tensor image, BiConsumer<String, Tensor> tap);

    /** Runs blocks {@code first..last} (inclusive). */
    public abstract TokenGrid runBlocks(int first, int last, TokenGrid in);
}
