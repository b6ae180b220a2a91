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
import io.piip4j.weights.StateDictLoader;
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithReference(String name) {
        Path dir = Golden.require().resolve(name);
        LlavaConfig cfg = LlavaCase.config(dir);
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        long[] ids = longs((NdArray) io.get("input_ids"));
        long[] caseIds = JsonKeys.of(Golden.caseJson(dir), "case.json").longs("token_ids");
        assertArrayEquals(caseIds, ids, "case.json's token_ids are io.pth's input_ids");
        try (LlavaModel model = new LlavaModel(cfg)) {
            assertEquals(Golden.numParameters(dir), model.numParameters(), "parameter count");
            LoadReport loaded = StateDictLoader.load(model, PthReader.readStateDict(dir.resolve("weights.pth")), true, name);
            assertTrue(loaded.clean(), loaded.summary());
            NdArray input = (NdArray) io.get("input");
            NdArray[] prefill = Inference.run(() -> {
                Tensor features = model.encodeImage(Tensors.fromNdArray(input));
                Tensor embeds = model.embedPrompt(ids, List.of(features));
                try (KvCache cache = model.newCache()) {
                    Tensor logits = model.logits(model.forwardEmbeds(embeds, cache));
                    return new NdArray[] {Tensors.toNdArray(features), Tensors.toNdArray(embeds), Tensors.toNdArray(logits)};
                }
            });
            report(name, "image_features", (NdArray) io.get("image_features"), prefill[0]);
            report(name, "inputs_embeds", (NdArray) io.get("inputs_embeds"), prefill[1]);
            report(name, "prefill_logits", (NdArray) io.get("prefill_logits"), prefill[2]);

            long[] expectedIds = longs((NdArray) io.get("generated_ids"));
            List<float[]> stepLogits = new ArrayList<>();
            long[] generated;
            Tensor embeds = Inference.run(() -> {
                Tensor e = model.embedPrompt(ids, List.of(model.encodeImage(Tensors.fromNdArray(input))));
                Tensor kept = new Tensor(e);
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
            NdArray steps = (NdArray) io.get("step_logits");
            long vocab = steps.shape()[2];
            float[] flat = new float[Math.toIntExact(steps.numel())];
            for (int i = 0; i < stepLogits.size(); i++) {
                System.arraycopy(stepLogits.get(i), 0, flat, (int) (i * vocab), (int) vocab);
            }
            report(name, "step_logits", steps, NdArray.ofFloats(flat, steps.shape()));
        }
    }
}
