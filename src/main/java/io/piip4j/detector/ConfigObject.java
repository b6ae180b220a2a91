package io.piip4j.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;

/** Typed access to one JSON object, with the key path in every error. */
final class ConfigObject {
    final JsonNode node;
    final String where;

    ConfigObject(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(where + ": expected an object");
        }
        this.node = node;
        this.where = where;
    }

    ConfigObject object(String key) {
        return new ConfigObject(node.get(key), where + "." + key);
    }

    void expectType(String type) {
        String t = node.path("type").asText("");
        if (!t.equals(type)) {
            throw new ConfigException(where + ".type: expected " + type + ", got '" + t + "'");
        }
    }

    private JsonNode value(String path) {
        JsonNode v = node;
        for (String part : path.split("\\.")) {
            v = v == null ? null : v.get(part);
        }
        return v == null || v.isNull() ? null : v;
    }

    /**
     * The value at {@code key} converted, or {@code dflt} where absent (null: required); a value of the
     * wrong kind fails naming the key and what was expected.
     */
    private <T> T get(String key, T dflt, java.util.function.Predicate<JsonNode> ok, String expected,
            java.util.function.Function<JsonNode, T> convert) {
        JsonNode v = value(key);
        if (v == null) {
            if (dflt == null) {
                throw new ConfigException(where + "." + key + ": missing");
            }
            return dflt;
        }
        if (!ok.test(v)) {
            throw new ConfigException(where + "." + key + ": expected " + expected + ", got " + v);
        }
        return convert.apply(v);
    }

    int integer(String key, int dflt) {
        return get(key, dflt, v -> v.isIntegralNumber() && v.canConvertToInt(), "an integer", JsonNode::asInt);
    }

    int positive(String key) {
        int v = integer(key, -1);
        if (v < 1) {
            throw new ConfigException(where + "." + key + ": expected a positive integer, got " + value(key));
        }
        return v;
    }

    /** A number; {@code dflt} NaN makes it required. */
    double number(String key, double dflt) {
        return get(key, Double.isNaN(dflt) ? null : dflt, JsonNode::isNumber, "a number", JsonNode::asDouble);
    }

    boolean bool(String key, boolean dflt) {
        return get(key, dflt, JsonNode::isBoolean, "true or false", JsonNode::asBoolean);
    }

    String text(String key, String dflt) {
        return get(key, dflt, JsonNode::isValueNode, "a string", JsonNode::asText);
    }

    int[] ints(String key, int[] dflt) {
        double[] v = list(key, dflt == null, true);
        return v == null ? dflt : java.util.Arrays.stream(v).mapToInt(d -> (int) d).toArray();
    }

    float[] floats(String key, float[] dflt) {
        double[] v = list(key, dflt == null, false);
        if (v == null) {
            return dflt;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    /** A number or a non-empty list of numbers (integers where {@code integral}); null where absent and optional. */
    private double[] list(String key, boolean required, boolean integral) {
        JsonNode v = value(key);
        if (v == null) {
            if (required) {
                throw new ConfigException(where + "." + key + ": missing");
            }
            return null;
        }
        String kind = integral ? "an integer" : "a number";
        if (!v.isArray()) {
            if (integral ? !v.isIntegralNumber() : !v.isNumber()) {
                throw new ConfigException(where + "." + key + ": expected " + kind + " or a list of them, got " + v);
            }
            return new double[] {v.asDouble()};
        }
        if (v.isEmpty()) {
            throw new ConfigException(where + "." + key + ": expected a non-empty list, got []");
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            if (integral ? !e.isIntegralNumber() : !e.isNumber()) {
                throw new ConfigException(where + "." + key + "[" + i + "]: expected " + kind + ", got " + e);
            }
            out[i] = e.asDouble();
        }
        return out;
    }
}
