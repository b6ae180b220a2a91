package io.piip4j.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BEiT branches ({@code golden/init/init_beit_det*}): relative-position bias tables resampled to
 * larger and smaller windows on the reference's geometric grid with its bicubic spline (to float32
 * rounding), the shared-table layout expanded to every block, index buffers recomputed by the
 * module, everything else bit for bit, and the same skipped / unexpected / missing keys.
 */
@RunsGolden("init/init_beit_*")
class BeitInitGoldenTest {
    static Stream<String> cases() {
        return Golden.claimed(BeitInitGoldenTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesEveryKey(String name) throws Exception {
        Path dir = Golden.file(name);
        ObjectMapper json = new ObjectMapper();
        JsonNode kw = json.readTree(dir.resolve("branch_config.json").toFile()).get("constructor_kwargs");
        JsonNode report = json.readTree(dir.resolve("loaded_report.json").toFile());
        Map<String, NdArray> expected = PthReader.readStateDict(dir.resolve("result.pth"));
        Map<String, long[]> params = new LinkedHashMap<>();
        expected.forEach((k, v) -> {
            if (!k.endsWith("relative_position_index")) {
                params.put(k, v.shape());
            }
        });
        PretrainedBranch.Converted c = BeitLoader.convert(PthReader.readStateDict(dir.resolve("pretrained.pth")), params,
                kw.get("depth").asInt(), name);
        for (Map.Entry<String, NdArray> e : expected.entrySet()) {
            String k = e.getKey();
            if (k.endsWith("relative_position_index")) {
                int w = (int) Math.round(Math.sqrt((double) e.getValue().shape()[0]));
                assertBytes(e.getValue(), RelativePositionTables.relativePositionIndex(w), k);
                continue;
            }
            NdArray a = c.tensors().get(k);
            if (a == null) {
                fail(name + ": " + k + " was not loaded");
            }
            assertArrayEquals(e.getValue().shape(), a.shape(), k);
            if (k.endsWith("relative_position_bias_table")) {
                assertClose(e.getValue().toFloats(), a.toFloats(), name + ": " + k);
            } else {
                assertArrayEquals(e.getValue().toFloats(), a.toFloats(), name + ": " + k + " (bitwise)");
            }
        }
        assertEquals(new TreeSet<>(strings(report.path("load_state_dict").path("unexpected_keys"))),
                new TreeSet<>(keys(c.report(), "unexpected")), "unexpected");
        assertEquals(new TreeSet<>(strings(report.path("checkpoint_keys_dropped_by_loader"))),
                new TreeSet<>(keys(c.report(), "skipped")), "dropped by the loader");
        List<String> missing = strings(report.path("load_state_dict").path("missing_keys"));
        missing.removeIf(k -> k.endsWith("relative_position_index")); // buffers, not parameters
        assertEquals(new TreeSet<>(missing), new TreeSet<>(keys(c.report(), "missing")), "missing");
    }

    private static void assertClose(float[] e, float[] a, String what) {
        double max = 0;
        for (float v : e) {
            max = Math.max(max, Math.abs(v));
        }
        double bound = 2e-6 * Math.max(1, max);
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= bound)) {
                fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i]);
            }
        }
    }

    private static void assertBytes(NdArray e, NdArray a, String what) {
        assertArrayEquals(e.shape(), a.shape(), what);
        ByteBuffer x = e.data().duplicate();
        ByteBuffer y = a.data().duplicate();
        assertEquals(x, y, what);
    }

    private static List<String> keys(List<KeyStatus> r, String status) {
        return r.stream().filter(k -> k.status().equals(status)).map(KeyStatus::key).toList();
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = arr.elements(); it.hasNext();) {
            out.add(it.next().asText());
        }
        return out;
    }
}
