package io.piip4j.backbone;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.BranchKind;
import io.piip4j.config.ConfigException;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Norm;
import io.piip4j.tensor.F;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * One ViT of the pyramid: patch/position embedding, its blocks (run in groups between
 * interactions) and, for classification with separate heads, its own final norm and head.
 */
public abstract class Branch extends Module {
    protected final BranchConfig config;
    protected Module norm;
    protected Linear head;

    protected Branch(BranchConfig config) {
        this.config = config;
    }

    public static Branch create(BranchConfig cfg, boolean withHead) {
        return switch (cfg.kind()) {
            case DEIT -> new DeitBranch(cfg, withHead);
            case INTERNVIT -> new InternVitBranch(cfg, withHead);
            default -> throw new ConfigException(cfg.name() + ": branch kind " + cfg.kind().name().toLowerCase()
                    + " (pretrained '" + cfg.pretrained() + "') is not supported yet");
        };
    }

    /** Registers the final norm and classification head used by {@code separate_head}. */
    protected final void addNormAndHead(Module normLayer) {
        this.norm = child("norm", normLayer);
        this.head = child("head", new Linear(config.embedDim(), config.numClasses()));
    }

    public BranchConfig config() {
        return config;
    }

    public long embedDim() {
        return config.embedDim();
    }

    public BranchKind kind() {
        return config.kind();
    }

    /** Patch tokens (B, H·W, C) with position embedding added, the class token (or null), and the grid. */
    public record Embedded(Tensor tokens, Tensor cls, long h, long w) {
    }

    public abstract Embedded embed(Tensor image);

    public abstract List<? extends TokenBlock> blocks();

    /** Runs blocks [first, last] on the patch tokens, with the class token prepended when present. */
    public Embedded forwardBlocks(Embedded e, int first, int last) {
        Tensor x = e.cls() == null ? e.tokens() : F.cat(1, e.cls(), e.tokens());
        for (int i = first; i <= last; i++) {
            x = blocks().get(i).forward(x, e.h(), e.w());
        }
        if (e.cls() == null) {
            return new Embedded(x, null, e.h(), e.w());
        }
        TensorVector parts = x.split_with_sizes(new long[] {1, x.size(1) - 1}, 1);
        return new Embedded(parts.get(1), parts.get(0), e.h(), e.w());
    }

    /**
     * The branch's own classification logits. As in the reference, this is applied to the patch
     * tokens after the interactions (the class token travels separately), so position 0 is the
     * first patch token.
     */
    public Tensor headLogits(Tensor patchTokens) {
        Tensor normed = ((Norm) norm).forward(patchTokens);
        return head.forward(normed.select(1, 0));
    }

    /**
     * The logits of the branch used alone, as {@code vit_models.forward}: the final norm over the
     * class token and patch tokens, then the head on the class token (or on the token mean where
     * the branch has none). Used by the single-branch ViT baseline.
     */
    public Tensor standaloneLogits(Embedded e) {
        Tensor x = e.cls() == null ? e.tokens() : F.cat(1, e.cls(), e.tokens());
        Tensor normed = ((Norm) norm).forward(x);
        Tensor pooled = e.cls() == null
                ? normed.mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                : normed.select(1, 0);
        return head.forward(pooled);
    }
}
