package io.piip4j.llava;

import io.piip4j.llava.generate.CausalLm;
import io.piip4j.llava.lm.KvCache;
import io.piip4j.llava.lm.LlamaDecoder;
import io.piip4j.llava.lm.LmHead;
import io.piip4j.llava.projector.TwoBranchProjector;
import io.piip4j.llava.tower.PiipVisionTower;
import io.piip4j.llava.tower.VisionTowerHolder;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * PIIP-LLaVA ({@code LlavaLlamaForCausalLM} of the release) by its state-dict names:
 * {@code model.vision_tower.vision_tower.*}, {@code model.mm_projector.*}, the LLaMA decoder's
 * {@code model.embed_tokens / layers / norm} and {@code lm_head}. An image becomes projected image
 * tokens that replace the prompt's placeholder id ({@value #IMAGE_TOKEN_INDEX}) among the text
 * embeddings; the decoder then runs as a plain causal language model.
 */
public final class LlavaModel extends Module implements CausalLm {
    /** The placeholder id that marks where an image's tokens go ({@code IMAGE_TOKEN_INDEX}). */
    public static final long IMAGE_TOKEN_INDEX = -200;

    private final LlavaConfig cfg;
    private final Body body;
    private final LmHead lmHead;

    /** {@code model}: the decoder's parts directly, beside the vision tower and projector. */
    static final class Body extends Module {
        final LlamaDecoder decoder;
        final PiipVisionTower tower;
        final TwoBranchProjector projector;

        Body(LlavaConfig cfg) {
            this.decoder = child("", new LlamaDecoder(cfg.llm()));
            this.tower = child("vision_tower", new VisionTowerHolder(new PiipVisionTower(cfg.tower()))).tower();
            this.projector = child("mm_projector", new TwoBranchProjector(cfg.projector(), cfg.llm().hiddenSize()));
        }
    }

    public LlavaModel(LlavaConfig cfg) {
        this.cfg = cfg;
        this.body = child("model", new Body(cfg));
        this.lmHead = LmHead.create(cfg.llm(), body.decoder.embedTokens(), head -> child("lm_head", head));
    }

    public LlavaConfig config() {
        return cfg;
    }

    public PiipVisionTower tower() {
        return body.tower;
    }

    public TwoBranchProjector projector() {
        return body.projector;
    }

    public LlamaDecoder decoder() {
        return body.decoder;
    }

    public KvCache newCache() {
        return body.decoder.newCache();
    }

    /** A normalised (B, 3, S, S) image to its projected tokens (B, N, hidden). */
    public Tensor encodeImage(Tensor image) {
        return encodeImage(image, null);
    }

    /** As {@link #encodeImage(Tensor)}, with the tower's named intermediates shown to {@code tap}. */
    public Tensor encodeImage(Tensor image, BiConsumer<String, Tensor> tap) {
        PiipVisionTower.Maps maps = body.tower.forward(image, tap);
        return body.projector.forward(maps.branch1(), maps.branch2());
    }

    /**
     * The prompt's embeddings (1, n, hidden) with each placeholder replaced by the next image's
     * tokens, as {@code prepare_inputs_labels_for_multimodal}.
     *
     * @param imageTokens one (1, N, hidden) tensor per placeholder, in order
     */
    public Tensor embedPrompt(long[] ids, List<Tensor> imageTokens) {
        List<Tensor> parts = new ArrayList<>();
        List<Long> run = new ArrayList<>();
        int image = 0;
        for (long id : ids) {
            if (id == IMAGE_TOKEN_INDEX) {
                if (image >= imageTokens.size()) {
                    throw new IllegalArgumentException("the prompt has more image placeholders than the " + imageTokens.size() + " image(s) given");
                }
                addText(parts, run);
                parts.add(imageTokens.get(image++).to(textType()));
            } else {
                run.add(id);
            }
        }
        addText(parts, run);
        if (image != imageTokens.size()) {
            throw new IllegalArgumentException(imageTokens.size() + " image(s) given but the prompt has " + image + " placeholder(s)");
        }
        return parts.size() == 1 ? parts.get(0) : F.cat(1, parts.toArray(new Tensor[0]));
    }

    private ScalarType textType() {
        return body.decoder.embedTokens().namedParameters().get("weight").get().scalar_type();
    }

    private void addText(List<Tensor> parts, List<Long> run) {
        if (run.isEmpty()) {
            return;
        }
        long[] ids = run.stream().mapToLong(Long::longValue).toArray();
        parts.add(embedIds(ids));
        run.clear();
    }

    /** Text token ids (no placeholders) to their embeddings (1, n, hidden). */
    public Tensor embedIds(long[] ids) {
        body.decoder.embedTokens().check(ids);
        Tensor t = torch.tensor(ids, new TensorOptions(ScalarType.Long)).view(1, ids.length);
        return body.decoder.embedTokens().forward(t);
    }

    /** Runs embeddings after the cache's tokens; returns the final hidden states (1, n, hidden). */
    @Override
    public Tensor forwardEmbeds(Tensor embeds, KvCache cache) {
        return body.decoder.forward(embeds, cache);
    }

    /** Hidden states to float32 vocabulary logits. */
    @Override
    public Tensor logits(Tensor hidden) {
        return lmHead.forward(hidden);
    }

    @Override
    public long maxPositions() {
        return cfg.llm().maxPositionEmbeddings();
    }

    /** The logits (vocab) after one more token, extending the cache. */
    @Override
    public Tensor nextLogits(long token, KvCache cache) {
        Tensor h = forwardEmbeds(embedIds(new long[] {token}), cache);
        return logits(h).view(-1);
    }
}
