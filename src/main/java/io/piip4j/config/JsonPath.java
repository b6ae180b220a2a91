package io.piip4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed reads from a JSON object that report errors with the full key path
 * (e.g. {@code model.backbone.branch2.embed_dim: expected a positive integer, got -3}).
 */
final class JsonPath {
    final JsonNode node;
    final String path;

    JsonPath(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String at(String key) {
        // a key from the file is shown whole unless absurdly long
        String k = key.length() > 100 ? key.substring(0, 100) + "..." : key;
        return path.isEmpty() ? k : path + "." + k;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(at(key) + ": " + problem);
    }

    JsonPath object(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isObject()) {
            throw error(key, v == null ? "missing" : "expected an object, got " + v.getNodeType().name().toLowerCase());
        }
        return new JsonPath(v, at(key));
    }

    int integer(String key, Integer def) {
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

    int positive(String key, Integer def) {
        int v = integer(key, def);
        if (v <= 0) {
            throw error(key, "expected a positive integer, got " + v);
        }
        return v;
    }

    double number(String key, Double def) {
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

    boolean bool(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw error(key, "expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    String string(String key, String def) {
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

    String oneOf(String key, String def, Set<String> allowed) {
        String v = string(key, def);
        if (!allowed.contains(v)) {
            throw error(key, "unsupported value '" + v + "' (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
        return v;
    }

    /** A per-block list given either as one scalar for all blocks or as a list of length depth. */
    List<JsonNode> perBlock(String key, int depth) {
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
    void rejectUnknown(Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw error(k, "unknown key");
            }
        }
    }
}
