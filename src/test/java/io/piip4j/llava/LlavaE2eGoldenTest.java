package io.piip4j.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.llava.config.JsonKeys;
import io.piip4j.llava.generate.GenerationConfig;
import io.piip4j.llava.generate.Generator;
import io.piip4j.llava.generate.Step;
import io.piip4j.llava.lm.KvCache;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.weights.LoadReport;
import io.piip4j.weights.PthReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole PIIP-LLaVA path against the release's code (tiny random model): image → tower →
 * projector (the image features), spliced into the prompt's embeddings at the placeholder, the
 * prefill logits of every position, and 8 greedy tokens with a KV cache — the tokens exactly, the
 * logits each was chosen from within the README's bound.
 *
 * <p>The case's generator randomised the decoder's rotary {@code inv_freq} buffer but could not
 * save it (transformers keeps it out of the state dict). So the rotary-independent outputs (image
 * features, embeddings, the first position's logits) are compared as the case stands, and the rest
 * with the reference's frequencies recovered from its prefill logits (a test resource saying how);
 * the tokens and step logits, which go through the KV cache, were not used for that recovery.
 * Where the case saves the buffer ({@link LlavaCase#INV_FREQ}), the saved one is used instead.
 */
@RunsGolden("llava_e2e_*")
class LlavaE2eGoldenTest {

    static Stream<String> cases() {
        return Golden.claimed(LlavaE2eGoldenTest.class);
    }

    private static void report(String name, String what, NdArray ref, NdArray port) {
        Golden.assertAgrees(ref, port, name + " " + what);
        double[] d = Golden.deviationAndScale(ref, port);
        System.out.printf(Locale.ROOT, "%s %s: max |port - ref| %.3g, bound %.3g%n", name, what, d[0], 1e-4 * d[1]);
    }

    private static long[] longs(NdArray a) {
        ByteBuffer b = a.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[Math.toIntExact(a.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong();
        }
        return out;
    }

    /**
     * The reference's rotary frequencies for the case, which its weights.pth cannot hold (see the
     * resource's {@code why}): recovered from its prefill logits alone.
     */
    static float[] recoveredInvFreq(String name) {
        try (var in = LlavaE2eGoldenTest.class.getResourceAsStream(name + "_inv_freq.json")) {
            assertTrue(in != null, "no recovered inv_freq for " + name);
            com.fasterxml.jackson.databind.JsonNode a = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).get("inv_freq");
            float[] f = new float[a.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) a.get(i).asDouble();
            }
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithReference(String name) {
        Path dir = Golden.require().resolve(name);
        LlavaConfig cfg = LlavaCase.config(dir);
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        long[] ids = longs((NdArray) io.get("input_ids"));
        long[] caseIds = JsonKeys.of(Golden.caseJson(dir), "case.json").longs("token_ids");
        assertArrayEquals(caseIds, ids, "case.json's token_ids are io.pth's input_ids");
        NdArray refLogits = (NdArray) io.get("prefill_logits");
        try (LlavaModel model = new LlavaModel(cfg)) {
            assertEquals(Golden.numParameters(dir), model.numParameters(), "parameter count");
            Map<String, NdArray> weights = PthReader.readStateDict(dir.resolve("weights.pth"));
            boolean savesInvFreq = weights.containsKey(LlavaCase.INV_FREQ);
            LoadReport loaded = LlavaCase.load(model, weights, name);
            assertTrue(loaded.clean(), loaded.summary());
            NdArray input = (NdArray) io.get("input");
            NdArray[] prefill = prefill(model, input, ids);
            report(name, "image_features", (NdArray) io.get("image_features"), prefill[0]);
            report(name, "inputs_embeds", (NdArray) io.get("inputs_embeds"), prefill[1]);
            // the first position attends to itself only, so the rotary frequencies do not reach its logits
            long vocab = refLogits.shape()[2];
            report(name, "prefill_logits[:, 0] (rotary-independent)", firstRow(refLogits, vocab), firstRow(prefill[2], vocab));

            String freqs = savesInvFreq ? "saved inv_freq" : "recovered inv_freq";
            if (!savesInvFreq) {
                model.decoder().useRotaryFrequencies(recoveredInvFreq(name));
            }
            report(name, "prefill_logits (" + freqs + ")", refLogits, prefill(model, input, ids)[2]);
            long[] expectedIds = longs((NdArray) io.get("generated_ids"));
            List<float[]> stepLogits = new ArrayList<>();
            long[] generated;
            Tensor embeds = Inference.run(() -> {
                Tensor kept = new Tensor(model.embedPrompt(ids, List.of(model.encodeImage(Tensors.fromNdArray(input)))));
                kept.retainReference();
                return kept;
            });
            try (KvCache cache = model.newCache()) {
                generated = Generator.generate(model, embeds, cache, GenerationConfig.greedy(expectedIds.length),
                        (Step s) -> stepLogits.add(s.logits()));
            } finally {
                embeds.releaseReference();
            }
            assertArrayEquals(expectedIds, generated, "greedy tokens");
            System.out.println(name + " greedy tokens " + java.util.Arrays.toString(generated) + " equal the reference's");
            NdArray steps = (NdArray) io.get("step_logits");
            float[] flat = new float[Math.toIntExact(steps.numel())];
            for (int i = 0; i < stepLogits.size(); i++) {
                System.arraycopy(stepLogits.get(i), 0, flat, (int) (i * vocab), (int) vocab);
            }
            report(name, "step_logits (" + freqs + ")", steps, NdArray.ofFloats(flat, steps.shape()));
        }
    }

    /** Image features, spliced embeddings and prefill logits of every position. */
    private static NdArray[] prefill(LlavaModel model, NdArray input, long[] ids) {
        return Inference.run(() -> {
            Tensor features = model.encodeImage(Tensors.fromNdArray(input));
            Tensor embeds = model.embedPrompt(ids, List.of(features));
            try (KvCache cache = model.newCache()) {
                Tensor logits = model.logits(model.forwardEmbeds(embeds, cache));
                return new NdArray[] {Tensors.toNdArray(features), Tensors.toNdArray(embeds), Tensors.toNdArray(logits)};
            }
        });
    }

    private static NdArray firstRow(NdArray logits, long vocab) {
        float[] row = java.util.Arrays.copyOf(logits.toFloats(), (int) vocab);
        return NdArray.ofFloats(row, 1, vocab);
    }
}
