package io.piip4j.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.backbone.PiipClassifier;
import io.piip4j.config.ConfigReader;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fresh PIIP initialised as the reference initialises it ({@code golden/init/init_interactions}):
 * every deterministic tensor of the interactions and branch weights equals the reference's
 * ({@code deterministic.pth}: zero gammas and attention weights, LayerNorm 1/0, zero biases, the
 * sampling-offset direction grid), and the random ones follow the listed distributions.
 */
@RunsGolden("init/init_interactions")
class InteractionInitGoldenTest {
    static Stream<String> cases() {
        return Golden.claimed(InteractionInitGoldenTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void deterministicTensorsAndDistributions(String name) throws Exception {
        Path dir = Golden.file(name);
        JsonNode cs = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        Map<String, NdArray> golden = PthReader.readStateDict(dir.resolve("deterministic.pth"));
        int compared = 0;
        int sampled = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = cs.get("models").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> m = it.next();
            try (PiipClassifier model = new PiipClassifier(ConfigReader.parse(classificationTwin(m.getValue())))) {
                torch.manual_seed(0);
                ReferenceInit.initialize(model);
                Map<String, Parameter> params = model.namedParameters();
                for (Map.Entry<String, NdArray> e : golden.entrySet()) {
                    if (!e.getKey().startsWith(m.getKey() + "/")) {
                        continue;
                    }
                    String key = e.getKey().substring(m.getKey().length() + 1);
                    if (!key.startsWith("interactions.") && !key.matches("w\\d")) {
                        continue; // the dense models' convolutional merging / FPN: not part of a classifier
                    }
                    Parameter p = params.get(key);
                    assertTrue(p != null, m.getKey() + ": no parameter " + key);
                    float[] ours = Tensors.toFloats(p.get());
                    float[] ref = e.getValue().toFloats();
                    assertArrayEquals(e.getValue().shape(), p.shape(), key);
                    if (key.endsWith("sampling_offsets.bias")) {
                        for (int i = 0; i < ref.length; i++) {
                            assertEquals(ref[i], ours[i], 1e-6 * Math.max(1, Math.abs(ref[i])), key + "[" + i + "]");
                        }
                    } else {
                        assertArrayEquals(ref, ours, key);
                    }
                    compared++;
                }
                // the random tensors: shape and spread as the case lists them
                for (Iterator<Map.Entry<String, JsonNode>> t = cs.get("tensors").fields(); t.hasNext();) {
                    Map.Entry<String, JsonNode> e = t.next();
                    if (!e.getKey().startsWith(m.getKey() + "/interactions.") || e.getValue().get("deterministic").asBoolean()) {
                        continue;
                    }
                    String key = e.getKey().substring(m.getKey().length() + 1);
                    float[] v = Tensors.toFloats(params.get(key).get());
                    String rule = e.getValue().get("rule").asText();
                    double std = std(v);
                    if (rule.startsWith("trunc_normal_(std=0.02")) {
                        assertEquals(0.02, std, 0.02 * 0.25, key);
                    } else if (rule.startsWith("xavier_uniform")) {
                        double a = Double.parseDouble(rule.substring(rule.lastIndexOf('=') + 1).trim());
                        for (float x : v) {
                            assertTrue(Math.abs(x) <= a + 1e-6, key + " outside ±" + a);
                        }
                        assertEquals(a / Math.sqrt(3), std, a / Math.sqrt(3) * 0.3, key);
                    } else if (rule.startsWith("normal(0, sqrt(2/fan_out))")) {
                        double expected = Double.parseDouble(rule.substring(rule.lastIndexOf('=') + 1).trim());
                        assertEquals(expected, std, expected * 0.4, key);
                    } else {
                        fail("unknown rule " + rule);
                    }
                    sampled++;
                }
            }
        }
        assertTrue(compared >= 100, "compared " + compared + " deterministic tensors");
        assertTrue(sampled >= 30, "checked " + sampled + " random tensors");
    }

    /** The golden dense model's interaction settings and branches, as a classification config. */
    static JsonNode classificationTwin(JsonNode dense) {
        ObjectNode c = dense.deepCopy();
        c.put("separate_head", false);
        c.put("num_classes", 10);
        for (int i = 1; i <= 4; i++) {
            if (c.get("branch" + i) instanceof ObjectNode b) {
                b.put("img_size", b.get("real_size").asInt());
                b.remove("real_size");
                b.remove("with_fpn");
                b.remove("pretrained");
            }
        }
        return c;
    }

    private static double std(float[] v) {
        double m = 0;
        for (float x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }
}
