package io.piip4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a classification config can be wrong gives one clear line naming the key path: missing
 * keys, wrong types, zero or negative sizes, branch dimensions that break the design, interaction
 * indexes out of range or of unequal counts, unknown keys and unknown types, in each of the three
 * layouts (bare backbone, golden {@code case.json}, released {@code model.backbone}).
 */
class ConfigReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A valid three-branch classifier (the shape of the golden cls3 cases). */
    private static ObjectNode valid() {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", "PIIPThreeBranch");
        c.put("interact_attn_type", "deform");
        c.put("deform_num_heads", 4);
        c.put("num_classes", 10);
        int[][] shapes = {{48, 128, 4}, {80, 64, 2}, {112, 32, 1}};
        for (int i = 0; i < 3; i++) {
            ObjectNode b = c.putObject("branch" + (i + 1));
            b.put("model_type", "deit");
            b.put("img_size", shapes[i][0]);
            b.put("embed_dim", shapes[i][1]);
            b.put("num_heads", shapes[i][2]);
            b.put("depth", 2);
            ArrayNode idx = b.putArray("interaction_indexes");
            idx.addArray().add(0).add(0);
            idx.addArray().add(1).add(1);
        }
        return c;
    }

    private static ObjectNode branch(ObjectNode c, int i) {
        return (ObjectNode) c.get("branch" + i);
    }

    /** The message for a config edited from the valid one; it must be one line. */
    private static String error(Consumer<ObjectNode> edit) {
        ObjectNode c = valid();
        edit.accept(c);
        return error(c);
    }

    private static String error(JsonNode c) {
        String m = assertThrows(ConfigException.class, () -> ConfigReader.parse(c)).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }

    private static void assertMessage(String expected, Consumer<ObjectNode> edit) {
        assertEquals(expected, error(edit));
    }

    private static void assertStarts(String expectedStart, Consumer<ObjectNode> edit) {
        String m = error(edit);
        assertTrue(m.startsWith(expectedStart), "expected '" + expectedStart + "...', got: " + m);
    }

    @Test
    void theBaseConfigIsValid() {
        PiipConfig cfg = ConfigReader.parse(valid());
        assertEquals(3, cfg.numBranches());
        assertEquals(2, cfg.numInteractions());
        assertEquals(PiipConfig.Task.CLASSIFICATION, cfg.task());
    }

    @Test
    void missingKeys() {
        assertMessage("branch2: missing", c -> c.remove("branch2"));
        assertMessage("branch3.interaction_indexes: missing", c -> branch(c, 3).remove("interaction_indexes"));
        assertStarts("type: missing, and no branch1/branch2 objects", c -> {
            c.remove("type");
            c.remove("branch1");
            c.remove("branch2");
            c.remove("branch3");
        });
        assertMessage("branch1: expected an object, got null", c -> c.putNull("branch1"));
    }

    @Test
    void wrongTypes() {
        assertMessage("branch1.embed_dim: expected an integer, got \"128\"", c -> branch(c, 1).put("embed_dim", "128"));
        assertMessage("branch2.depth: expected an integer, got 2.5", c -> branch(c, 2).put("depth", 2.5));
        assertMessage("branch1: expected an object, got array", c -> c.putArray("branch1"));
        assertMessage("with_cffn: expected true or false, got 1", c -> c.put("with_cffn", 1));
        assertMessage("cffn_ratio: expected a number, got \"x\"", c -> c.put("cffn_ratio", "x"));
        assertMessage("type: expected a string, got 3", c -> c.put("type", 3));
        assertMessage("branch1.model_type: expected a string, got true", c -> branch(c, 1).put("model_type", true));
        assertMessage("branch1.qkv_bias: expected true or false, got \"yes\"", c -> branch(c, 1).put("qkv_bias", "yes"));
        assertMessage("branch2.interaction_indexes[1]: expected [first, last] block indexes, got [1,\"1\"]",
                c -> ((ArrayNode) branch(c, 2).get("interaction_indexes")).set(1, JSON.createArrayNode().add(1).add("1")));
        assertMessage("branch1.interaction_indexes: expected a non-empty list of [first, last] block pairs",
                c -> branch(c, 1).put("interaction_indexes", "0-1"));
        assertMessage("branch1.window_attn: expected true/false per block, got 1",
                c -> branch(c, 1).putArray("window_attn").add(1).add(0));
        assertMessage("branch1.window_size: expected 2 entries (one per block), got 3",
                c -> branch(c, 1).putArray("window_size").add(7).add(7).add(7));
        assertMessage("branch1.depth: integer out of range: 3000000000", c -> branch(c, 1).put("depth", 3_000_000_000L));
        assertMessage("branch1.mlp_ratio: expected a finite number, got Infinity", c -> branch(c, 1).put("mlp_ratio", Double.POSITIVE_INFINITY));
        assertMessage("branch1.depth: 2000000000 blocks is more than the limit of 10000",
                c -> branch(c, 1).put("depth", 2_000_000_000));
        assertMessage("interact_attn_type: unsupported value 'sparse' (expected one of deform, normal)",
                c -> c.put("interact_attn_type", "sparse"));
        assertMessage("branch1.model_type: unsupported value 'swin' (expected one of augreg, deit)",
                c -> branch(c, 1).put("model_type", "swin"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"depth", "embed_dim", "num_heads", "img_size", "patch_size", "pretrain_img_size",
        "pretrain_patch_size", "num_classes"})
    void zeroOrNegativeBranchSizes(String key) {
        for (int v : new int[] {0, -3}) {
            assertMessage("branch2." + key + ": expected a positive integer, got " + v, c -> branch(c, 2).put(key, v));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"n_points", "deform_num_heads", "num_classes"})
    void zeroOrNegativeTopLevelSizes(String key) {
        for (int v : new int[] {0, -1}) {
            assertMessage(key + ": expected a positive integer, got " + v, c -> c.put(key, v));
        }
    }

    @Test
    void zeroOrNegativeRatios() {
        assertMessage("cffn_ratio: expected a positive number, got 0.0", c -> c.put("cffn_ratio", 0));
        assertMessage("deform_ratio: expected a positive number, got -0.5", c -> c.put("deform_ratio", -0.5));
        assertMessage("branch3.mlp_ratio: expected a positive number, got 0.0", c -> branch(c, 3).put("mlp_ratio", 0.0));
        assertStarts("branch1.window_size: expected a positive window size for block 0, got 0", c -> {
            branch(c, 1).put("window_attn", true);
            branch(c, 1).put("window_size", 0);
        });
    }

    @Test
    void mismatchedBranchDimensions() {
        assertStarts("branch2.embed_dim: branch widths must not increase (branch1 has 128, branch2 has 256)",
                c -> branch(c, 2).put("embed_dim", 256));
        assertMessage("branch3.img_size: resolutions must not decrease (branch2 80, branch3 64)",
                c -> branch(c, 3).put("img_size", 64));
        assertMessage("branch1.num_heads: embed_dim 128 is not divisible by num_heads 3", c -> branch(c, 1).put("num_heads", 3));
        assertStarts("deform_num_heads: branch3 width 32 (interaction 0) is not divisible by deform_num_heads 64",
                c -> c.put("deform_num_heads", 64));
        assertMessage("branch3.embed_dim: must be divisible by 32 for the GroupNorm(32) branch merging, got 48", c -> {
            branch(c, 3).put("embed_dim", 48);
            branch(c, 3).put("num_heads", 2);
        });
        assertMessage("branch1.img_size: resolution 8 is smaller than patch_size 16", c -> {
            branch(c, 1).put("img_size", 8);
        });
        assertMessage("branch2.use_cls_token: separate_head needs a class token in every branch", c -> {
            c.put("separate_head", true);
            branch(c, 2).put("use_cls_token", false);
        });
    }

    @Test
    void interactionIndexesOutOfRangeOrUnequal() {
        assertMessage("branch1.interaction_indexes[1]: block range [1, 5] is outside 0..1 (depth 2)",
                c -> ((ArrayNode) branch(c, 1).get("interaction_indexes")).set(1, JSON.createArrayNode().add(1).add(5)));
        assertMessage("branch2.interaction_indexes[0]: block range [-1, 0] is outside 0..1 (depth 2)",
                c -> ((ArrayNode) branch(c, 2).get("interaction_indexes")).set(0, JSON.createArrayNode().add(-1).add(0)));
        assertMessage("branch3.interaction_indexes[0]: block range [1, 0] is outside 0..1 (depth 2)",
                c -> ((ArrayNode) branch(c, 3).get("interaction_indexes")).set(0, JSON.createArrayNode().add(1).add(0)));
        assertMessage("branch2.interaction_indexes: has 1 interactions, branch1 has 2 (all branches must match)",
                c -> ((ArrayNode) branch(c, 2).get("interaction_indexes")).remove(1));
        assertMessage("branch1.interaction_indexes: expected a non-empty list of [first, last] block pairs",
                c -> branch(c, 1).putArray("interaction_indexes"));
    }

    @Test
    void unknownKeysAndTypes() {
        assertMessage("depht: unknown key", c -> c.put("depht", 12));
        assertMessage("branch2.embeddim: unknown key", c -> branch(c, 2).put("embeddim", 64));
        assertStarts("type: unsupported model type 'PIIPFiveBranch' (expected PIIPTwoBranch, PIIPThreeBranch or PIIPFourBranch",
                c -> c.put("type", "PIIPFiveBranch"));
        assertMessage("branch3: unexpected for PIIPTwoBranch (2 branches)", c -> c.put("type", "PIIPTwoBranch"));
        assertMessage("branch4: missing", c -> c.put("type", "PIIPFourBranch"));
    }

    @Test
    void keyPathsFollowTheLayout() {
        ObjectNode bad = valid();
        branch(bad, 2).put("depth", -1);
        ObjectNode golden = JSON.createObjectNode().put("task", "classification");
        golden.set("config", bad);
        assertEquals("config.branch2.depth: expected a positive integer, got -1", error(golden));
        ObjectNode released = JSON.createObjectNode();
        released.putObject("model").set("backbone", bad);
        assertEquals("model.backbone.branch2.depth: expected a positive integer, got -1", error(released));
        ObjectNode noBackbone = JSON.createObjectNode();
        noBackbone.putObject("model").put("type", "ImageClassifier");
        assertEquals("model.backbone: missing", error(noBackbone));
        ObjectNode configNotObject = JSON.createObjectNode().put("config", "cls3.json");
        assertEquals("config: expected an object, got string", error(configNotObject));
    }

    @Test
    void filesNameThemselvesAndNeverSpanLines() throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"branch1\": {\"depth\": 12,}}");
        assertStarts(f + ": not valid JSON (", f);
        Files.writeString(f, "[1, 2]");
        assertEquals(f + ": expected a JSON object", message(f));
        Files.writeString(f, "");
        assertTrue(message(f).startsWith(f + ": "), message(f));
        Files.write(f, new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
        assertTrue(message(f).startsWith(f + ": "), message(f));
        ObjectNode c = valid();
        branch(c, 1).put("depth", 0);
        Files.writeString(f, c.toString());
        assertEquals("bad.json: branch1.depth: expected a positive integer, got 0", message(f));
        assertEquals(tmp.resolve("none.json") + ": no such file", message(tmp.resolve("none.json")));
        // keys carrying control characters (a fuzzing finding) are shown escaped
        Files.write(f, "{\"br\\nch1\": {}, \"type\": \"PIIPThreeBranch\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("bad.json: br\\nch1: unknown key", message(f));
    }

    private static String message(Path f) {
        String m = assertThrows(ConfigException.class, () -> ConfigReader.read(f)).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }

    private static void assertStarts(String expectedStart, Path f) {
        String m = message(f);
        assertTrue(m.startsWith(expectedStart), "expected '" + expectedStart + "...', got: " + m);
    }
}
