package io.piip4j.llava.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;

/**
 * Typed reads from a JSON object whose errors name the file and the key path
 * ({@code config.json: text_config.hidden_size: expected a positive integer, got -3}).
 */
public final class JsonKeys {
    private final JsonNode node;
    private final String where;
    private final String path;

    private JsonKeys(JsonNode node, String where, String path) {
        this.node = node;
        this.where = where;
        this.path = path;
    }

    /** The object {@code node} of the file (or other source) named {@code where}. */
    public static JsonKeys of(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(where + ": expected a JSON object");
        }
        return new JsonKeys(node, where, "");
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public ConfigException error(String key, String problem) {
        return new ConfigException(where + ": " + at(key) + ": " + problem);
    }

    public boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    public JsonNode raw(String key) {
        return node.get(key);
    }

    public JsonKeys object(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isObject()) {
            throw error(key, v == null ? "missing" : "expected an object, got " + v.getNodeType().name().toLowerCase());
        }
        return new JsonKeys(v, where, at(key));
    }

    public long positive(String key, Long def) {
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

    public int positiveInt(String key, Integer def) {
        long v = positive(key, def == null ? null : (long) def);
        if (v > Integer.MAX_VALUE) {
            throw error(key, "integer out of range: " + v);
        }
        return (int) v;
    }

    public double number(String key, Double def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw error(key, "missing");
            }
            return def;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error(key, "expected a finite number, got " + v);
        }
        return v.asDouble();
    }

    public boolean bool(String key, Boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (def == null) {
                throw error(key, "missing");
            }
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

    /** A list of non-negative integers (token ids are signed: see {@link #longs}). */
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

    /** A list of [first, last] pairs (the release's {@code interaction_indexes}). */
    public int[][] pairs(String key) {
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
