package io.piip4j.llava.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonPath;
import java.util.function.Supplier;

/**
 * The project's config reader ({@link JsonPath}) over a checkpoint folder's JSON files, whose errors
 * also name the file: {@code config.json: text_config.hidden_size: expected a positive integer, got -3}.
 */
public final class JsonKeys {
    private final JsonPath json;
    private final String where;

    private JsonKeys(JsonPath json, String where) {
        this.json = json;
        this.where = where;
    }

    /** The object {@code node} of the file (or other source) named {@code where}. */
    public static JsonKeys of(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(where + ": expected a JSON object");
        }
        return new JsonKeys(JsonPath.object(node, ""), where);
    }

    private <T> T read(Supplier<T> r) {
        try {
            return r.get();
        } catch (ConfigException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    public ConfigException error(String key, String problem) {
        return new ConfigException(where + ": " + json.error(key, problem).getMessage());
    }

    public boolean has(String key) {
        return json.has(key);
    }

    public JsonNode raw(String key) {
        return json.node().get(key);
    }

    public JsonKeys object(String key) {
        return new JsonKeys(read(() -> json.object(key)), where);
    }

    public long positive(String key, Long def) {
        return read(() -> json.positiveLong(key, def));
    }

    public int positiveInt(String key, Integer def) {
        return read(() -> json.positive(key, def));
    }

    public double number(String key, Double def) {
        return read(() -> json.number(key, def));
    }

    /** A boolean; required where {@code def} is null. */
    public boolean bool(String key, Boolean def) {
        if (def == null && !json.has(key)) {
            throw error(key, "missing");
        }
        return read(() -> json.bool(key, def != null && def));
    }

    public String string(String key, String def) {
        return read(() -> json.string(key, def));
    }

    /** A list of integers (64-bit: token ids). */
    public long[] longs(String key) {
        return read(() -> json.longs(key));
    }

    /** A list of [first, last] pairs (the release's {@code interaction_indexes}). */
    public int[][] pairs(String key) {
        return read(() -> json.orderedPairs(key));
    }
}
