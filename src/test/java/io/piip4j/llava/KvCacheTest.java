package io.piip4j.llava;

import io.piip4j.llava.lm.KvCache;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.StateDictLoader;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The cache and the causal mask over it: a prompt run in two chunks (the second attending to the
 * cached first, as a follow-up question would) gives the logits of running it at once.
 */
class KvCacheTest {
    @Test
    void chunkedPrefillEqualsOnePass() {
        var dir = Golden.file("llava_e2e_tiny");
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        NdArray embeds = (NdArray) io.get("inputs_embeds");
        try (LlavaModel model = new LlavaModel(LlavaCase.config(dir))) {
            StateDictLoader.load(model, PthReader.readStateDict(dir.resolve("weights.pth")), true, "weights.pth");
            NdArray[] r = Inference.run(() -> {
                Tensor e = Tensors.fromNdArray(embeds);
                long n = e.size(1);
                try (KvCache once = model.newCache(); KvCache twice = model.newCache()) {
                    Tensor all = model.logits(model.forwardEmbeds(e, once));
                    model.forwardEmbeds(F.slice(e, 1, 0, 40), twice);
                    Tensor rest = model.logits(model.forwardEmbeds(F.slice(e, 1, 40, n), twice));
                    org.junit.jupiter.api.Assertions.assertEquals(n, twice.length());
                    return new NdArray[] {Tensors.toNdArray(F.slice(all, 1, 40, n).contiguous()), Tensors.toNdArray(rest)};
                }
            });
            Golden.assertAgrees(r[0], r[1], "positions 40.. from the cache");
        }
    }

    @Test
    void generationStopsWhenPositionsRunOut() {
        var dir = Golden.file("llava_e2e_tiny");
        LlavaConfig c = LlavaCase.config(dir);
        io.piip4j.llava.lm.LlamaConfig l = c.llm();
        // 72 prompt positions and room for 3 more: the 4th token is chosen from the 75th position's logits, then no more
        LlavaConfig shortModel = new LlavaConfig(c.tower(), c.projector(), new io.piip4j.llava.lm.LlamaConfig(l.vocabSize(), l.hiddenSize(),
                l.intermediateSize(), l.numHiddenLayers(), l.numAttentionHeads(), l.numKeyValueHeads(), 75, l.rmsNormEps(), l.ropeTheta(),
                l.tieWordEmbeddings()), c.imageAspectRatio());
        NdArray embeds = (NdArray) Golden.map(PthReader.read(dir.resolve("io.pth"))).get("inputs_embeds");
        try (LlavaModel model = new LlavaModel(shortModel)) {
            StateDictLoader.load(model, PthReader.readStateDict(dir.resolve("weights.pth")), true, "weights.pth");
            Tensor e = Inference.run(() -> {
                Tensor t = new Tensor(Tensors.fromNdArray(embeds));
                t.retainReference();
                return t;
            });
            try (KvCache cache = model.newCache()) {
                long[] ids = io.piip4j.llava.generate.Generator.generate(model, e, cache,
                        io.piip4j.llava.generate.GenerationConfig.greedy(10), s -> { });
                org.junit.jupiter.api.Assertions.assertEquals(4, ids.length);
                org.junit.jupiter.api.Assertions.assertEquals(75, cache.length());
            } finally {
                e.releaseReference();
            }
        }
    }
}
