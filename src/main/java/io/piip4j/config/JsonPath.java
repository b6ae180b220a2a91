package io.piip4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed reads from a JSON object that report errors with the full key path
 * (e.g. {@code model.backbone.branch2.embed_dim: expected a positive integer, got -3}). The one
 * reader of config files: the model's config reader, the cost counter (which also reads the dict
 * the way the reference's Python does: {@code key in d}, {@code d.get(key, default)}, truthiness)
 * and the training recipes.
 */
public final class JsonPath {
    private final JsonNode node;
    private final String path;

    JsonPath(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** An object at {@code path} ({@code ""} for a file's root). */
    public static JsonPath object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new ConfigException((path.isEmpty() ? "config" : path) + ": expected an object");
        }
        return new JsonPath(node, path);
    }

    public JsonNode node() {
        return node;
    }

    public String path() {
        return path;
    }

    /** The object itself, for readers that rewrite it as the reference rewrites its kwargs. */
    public ObjectNode writable() {
        return (ObjectNode) node;
    }

    /** A deep copy, so rewriting it leaves the caller's config alone. */
    public JsonPath copy() {
        return new JsonPath(node.deepCopy(), path);
    }

    public String at(String key) {
        // a key from the file is shown whole unless absurdly long
        String k = key.length() > 100 ? key.substring(0, 100) + "..." : key;
        return path.isEmpty() ? k : path + "." + k;
    }

    /** Present and not null. */
    public boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    /** Python's {@code key in d} (a null value counts). */
    public boolean contains(String key) {
        return node.has(key);
    }

    public ConfigException error(String key, String problem) {
        return new ConfigException(at(key) + ": " + problem);
    }

    public JsonPath object(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isObject()) {
            throw error(key, v == null ? "missing" : "expected an object, got " + v.getNodeType().name().toLowerCase());
        }
        return new JsonPath(v, at(key));
    }

    public int integer(String key, Integer def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw error(key, "missing");
            }
            return def;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw error(key, "expected an integer, got " + v);
        }
        if (!v.canConvertToInt()) {
            throw error(key, "integer out of range: " + v);
        }
        return v.asInt();
    }

    public int positive(String key, Integer def) {
        int v = integer(key, def);
        if (v <= 0) {
            throw error(key, "expected a positive integer, got " + v);
        }
        return v;
    }

    public double number(String key, Double def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw error(key, "missing");
            }
            return def;
        }
        if (!v.isNumber()) {
            throw error(key, "expected a number, got " + v);
        }
        if (!Double.isFinite(v.asDouble())) {
            throw error(key, "expected a finite number, got " + v.asDouble());
        }
        return v.asDouble();
    }

    public boolean bool(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw error(key, "expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    public String string(String key, String def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw error(key, "missing");
            }
            return def;
        }
        if (!v.isTextual()) {
            throw error(key, "expected a string, got " + v);
        }
        return v.asText();
    }

    public String oneOf(String key, String def, Set<String> allowed) {
        String v = string(key, def);
        if (!allowed.contains(v)) {
            throw error(key, "unsupported value '" + v + "' (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
        return v;
    }

    /** A per-block list given either as one scalar for all blocks or as a list of length depth. */
    public List<JsonNode> perBlock(String key, int depth) {
        JsonNode v = node.get(key);
        List<JsonNode> out = new ArrayList<>();
        if (v == null || v.isNull() || !v.isArray()) {
            for (int i = 0; i < depth; i++) {
                out.add(v);
            }
            return out;
        }
        if (v.size() != depth) {
            throw error(key, "expected " + depth + " entries (one per block), got " + v.size());
        }
        v.forEach(out::add);
        return out;
    }

    /** Fails on keys this reader does not know, so typos and unsupported options are not ignored. */
    public void rejectUnknown(Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw error(k, "unknown key");
            }
        }
    }

    /** An optional string: null where absent or null. */
    public String optionalString(String key) {
        return has(key) ? string(key, null) : null;
    }

    /** Python truthiness of {@code d.get(key)} (e.g. {@code if init_values:}). */
    public boolean truthy(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asDouble() != 0.0;
        }
        return !v.asText().isEmpty();
    }

    /** A per-block boolean given as one value for all blocks or a list of {@code depth}. */
    public boolean[] boolsPerBlock(String key, int depth, boolean def) {
        List<JsonNode> v = perBlock(key, depth);
        boolean[] out = new boolean[depth];
        for (int i = 0; i < depth; i++) {
            out[i] = v.get(i) == null || v.get(i).isNull() ? def : v.get(i).asBoolean();
        }
        return out;
    }

    /** A per-block integer given as one value for all blocks or a list of {@code depth}. */
    public int[] intsPerBlock(String key, int depth, int def) {
        List<JsonNode> v = perBlock(key, depth);
        int[] out = new int[depth];
        for (int i = 0; i < depth; i++) {
            out[i] = v.get(i) == null || v.get(i).isNull() ? def : v.get(i).asInt();
        }
        return out;
    }

    /** A list of integers; empty where absent. */
    public List<Integer> ints(String key) {
        JsonNode v = node.get(key);
        List<Integer> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "expected a list of integers, got " + v);
        }
        v.forEach(e -> out.add(e.asInt()));
        return out;
    }

    /** {@code interaction_indexes}: [first, last] block per interaction. */
    public List<int[]> indexes(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw error(key, v == null ? "missing" : "expected a non-empty list of [first, last] block pairs");
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode p = v.get(i);
            if (!p.isArray() || p.isEmpty()) {
                throw error(key + "[" + i + "]", "expected [first, last] block indexes, got " + p);
            }
            out.add(new int[] {p.get(0).asInt(), p.get(p.size() - 1).asInt()});
        }
        return out;
    }

    /** The keys in their order (Python dicts keep insertion order). */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /** An object that may be absent (then an empty one, so its reads give their defaults). */
    public JsonPath optionalObject(String key) {
        return has(key) ? object(key) : new JsonPath(com.fasterxml.jackson.databind.node.MissingNode.getInstance(), at(key));
    }

    /** A number that must not be negative. */
    public double nonNegative(String key, double def) {
        double v = number(key, def);
        if (v < 0) {
            throw error(key, "must not be negative, got " + v);
        }
        return v;
    }

    /** An integer that must not be negative. */
    public int nonNegativeInt(String key, int def) {
        int v = integer(key, def);
        if (v < 0) {
            throw error(key, "expected a non-negative integer, got " + v);
        }
        return v;
    }

    /** A list of numbers; {@code def} where absent. */
    public double[] numbers(String key, double[] def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isArray()) {
            throw error(key, "expected a list of numbers, got " + v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw error(key + "[" + i + "]", "expected a number, got " + v.get(i));
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    /** A non-empty list of strings. */
    public List<String> strings(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(key, "missing");
        }
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "expected a non-empty list of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** As {@link #rejectUnknown}, naming the keys it accepts (for small sections such as a recipe's). */
    public void allowOnly(Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw error(k, "unknown key (expected one of " + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    /** A positive integer that may exceed an int (parameter and token counts). */
    public long positiveLong(String key, Long def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw error(key, "missing");
            }
            return def;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() <= 0) {
            throw error(key, "expected a positive integer, got " + v);
        }
        return v.asLong();
    }

    /** A list of integers (64-bit: token ids). */
    public long[] longs(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray()) {
            throw error(key, v == null ? "missing" : "expected a list of integers, got " + v);
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToLong()) {
                throw error(key + "[" + i + "]", "expected an integer, got " + e);
            }
            out[i] = e.asLong();
        }
        return out;
    }

    /** A non-empty list of {@code [first, last]} pairs with {@code 0 <= first <= last}. */
    public int[][] orderedPairs(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw error(key, v == null ? "missing" : "expected a non-empty list of [first, last] pairs, got " + v);
        }
        int[][] out = new int[v.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode p = v.get(i);
            if (!p.isArray() || p.size() != 2 || !p.get(0).canConvertToInt() || !p.get(1).canConvertToInt() || !p.get(0).isIntegralNumber()
                    || !p.get(1).isIntegralNumber() || p.get(0).asInt() < 0 || p.get(1).asInt() < p.get(0).asInt()) {
                throw error(key + "[" + i + "]", "expected [first, last] with 0 <= first <= last, got " + p);
            }
            out[i] = new int[] {p.get(0).asInt(), p.get(1).asInt()};
        }
        return out;
    }
}
