package io.piip4j.segmentor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The heads and {@code test_cfg} of an mmsegmentation {@code EncoderDecoder} with a {@code UPerHead}
 * decode head and an optional {@code FCNHead} auxiliary head, read from a golden case.json
 * ({@code config.model}) or a released config ({@code model}). Errors name the file and the key.
 */
public record UperNetConfig(DecodeHead decodeHead, AuxHead auxHead, Test test) {

    /** {@code UPerHead}; {@code dropoutRatio} is the Dropout2d before its classifier in training. */
    public record DecodeHead(int[] inChannels, int[] inIndex, int channels, int[] poolScales, int numClasses, double dropoutRatio) {
        /** The head this describes, its parameters unassigned. */
        public io.piip4j.head.UperHead create() {
            return new io.piip4j.head.UperHead(inChannels, inIndex, channels, poolScales, numClasses, dropoutRatio);
        }
    }

    /** {@code FCNHead}; {@code dropoutRatio} as the decode head's. */
    public record AuxHead(int inChannels, int inIndex, int channels, int numConvs, int kernelSize, boolean concatInput,
            int numClasses, double dropoutRatio) {
        /** The head this describes reading backbone output {@code resolvedIndex} ({@code in_index} taken modulo the outputs). */
        public io.piip4j.head.FcnHead create(int resolvedIndex) {
            return new io.piip4j.head.FcnHead(inChannels, resolvedIndex, channels, numConvs, kernelSize, concatInput, numClasses, dropoutRatio);
        }
    }

    /** The test mode: {@code whole}, or {@code slide} with its crop and stride as (height, width). */
    public record Test(Mode mode, int[] cropSize, int[] stride) {
        public Test {
            if (mode == Mode.SLIDE && (cropSize == null || stride == null || cropSize.length != 2 || stride.length != 2
                    || cropSize[0] < 1 || cropSize[1] < 1 || stride[0] < 1 || stride[1] < 1)) {
                throw new IllegalArgumentException("slide mode needs a positive crop_size and stride (height, width)");
            }
        }

        /**
         * The same crop and stride in another mode; a whole-mode config without them slides with crops of
         * {@code defaultCrop} (the backbone's size) and a stride of two thirds of it (the released 341 / 512).
         */
        public Test withMode(Mode m, int defaultCrop) {
            int[] crop = cropSize != null ? cropSize : new int[] {defaultCrop, defaultCrop};
            int[] st = stride != null ? stride : new int[] {defaultCrop * 2 / 3, defaultCrop * 2 / 3};
            return new Test(m, crop, st);
        }
    }

    public enum Mode {
        WHOLE, SLIDE;

        /** "whole" / "slide", as {@code test_cfg.mode} and {@code --mode} spell it. */
        public static Mode parse(String s) {
            return switch (s) {
                case "whole" -> WHOLE;
                case "slide" -> SLIDE;
                default -> throw new IllegalArgumentException("mode must be whole or slide, got '" + s + "'");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public int numClasses() {
        return decodeHead.numClasses();
    }

    /** Whether a config's JSON (case.json or released config) describes an mmseg UperNet segmentor. */
    public static boolean describes(JsonNode root) {
        JsonNode m = root.has("config") ? root.path("config").path("model") : root.path("model");
        return m.path("type").asText("").equals("EncoderDecoder") && m.path("decode_head").path("type").asText("").equals("UPerHead");
    }

    public static UperNetConfig read(Path file) {
        return read(tree(file), file.getFileName().toString());
    }

    /** The model config of a parsed case.json or released config; {@code name} names it in errors. */
    public static UperNetConfig read(JsonNode root, String name) {
        JsonNode m = root.has("config") ? root.path("config").get("model") : root.get("model");
        if (m == null || !m.isObject()) {
            throw new ConfigException(name + ": no model config (config.model or model)");
        }
        Reader model = new Reader(m, name + ": model");
        model.expectType("EncoderDecoder");
        Reader d = model.object("decode_head");
        d.expectType("UPerHead");
        d.checkAlignCorners();
        int[] inChannels = d.ints("in_channels");
        int[] inIndex = d.ints("in_index");
        if (inChannels.length != inIndex.length) {
            throw new ConfigException(d.where + ".in_index: " + inIndex.length + " indexes for " + inChannels.length + " in_channels");
        }
        DecodeHead decode = new DecodeHead(inChannels, inIndex, d.positive("channels", null),
                d.has("pool_scales") ? d.ints("pool_scales") : new int[] {1, 2, 3, 6}, d.positive("num_classes", null),
                d.probability("dropout_ratio", 0.1));
        for (int s : decode.poolScales()) {
            if (s < 1) {
                throw new ConfigException(d.where + ".pool_scales: expected positive sizes, got " + Arrays.toString(decode.poolScales()));
            }
        }
        AuxHead aux = null;
        if (m.has("auxiliary_head") && !m.get("auxiliary_head").isNull()) {
            Reader a = model.object("auxiliary_head");
            a.expectType("FCNHead");
            a.checkAlignCorners();
            if (a.integer("dilation", 1) != 1) {
                throw new ConfigException(a.where + ".dilation: only 1 is supported");
            }
            int numConvs = a.integer("num_convs", 2);
            aux = new AuxHead(a.positive("in_channels", null), a.integer("in_index", -1), a.positive("channels", null), numConvs,
                    a.positive("kernel_size", 3), a.bool("concat_input", true), a.positive("num_classes", null),
                    a.probability("dropout_ratio", 0.1));
            if (numConvs < 0 || aux.kernelSize() % 2 == 0 || (numConvs == 0 && aux.concatInput())) {
                throw new ConfigException(a.where + ": num_convs >= 0, an odd kernel_size and concat_input only with convs are required");
            }
        }
        Reader t = model.object("test_cfg");
        Mode mode;
        try {
            mode = Mode.parse(t.text("mode", "whole"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(t.where + ".mode: " + e.getMessage());
        }
        Test test = mode == Mode.SLIDE ? new Test(mode, t.pair("crop_size"), t.pair("stride"))
                : new Test(mode, t.has("crop_size") ? t.pair("crop_size") : null, t.has("stride") ? t.pair("stride") : null);
        return new UperNetConfig(decode, aux, test);
    }

    static JsonNode tree(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file.getFileName() + ": cannot read JSON: " + e.getMessage(), e);
        }
    }

    /** Typed access to one JSON object, with the key path in every error. */
    private static final class Reader {
        final JsonNode node;
        final String where;

        Reader(JsonNode node, String where) {
            if (node == null || !node.isObject()) {
                throw new ConfigException(where + ": expected an object");
            }
            this.node = node;
            this.where = where;
        }

        Reader object(String key) {
            return new Reader(node.get(key), where + "." + key);
        }

        boolean has(String key) {
            return node.has(key) && !node.get(key).isNull();
        }

        void expectType(String type) {
            String t = node.path("type").asText("");
            if (!t.equals(type)) {
                throw new ConfigException(where + ".type: expected " + type + ", got '" + t + "'");
            }
        }

        void checkAlignCorners() {
            if (bool("align_corners", false)) {
                throw new ConfigException(where + ".align_corners: only false (the released setting) is supported");
            }
        }

        int integer(String key, Integer dflt) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                if (dflt == null) {
                    throw new ConfigException(where + "." + key + ": missing");
                }
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new ConfigException(where + "." + key + ": expected an integer, got " + v);
            }
            return v.asInt();
        }

        int positive(String key, Integer dflt) {
            int v = integer(key, dflt);
            if (v < 1) {
                throw new ConfigException(where + "." + key + ": expected a positive integer, got " + v);
            }
            return v;
        }

        /** A number in [0, 1) (a dropout probability). */
        double probability(String key, double dflt) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() >= 1) {
                throw new ConfigException(where + "." + key + ": expected a probability in [0, 1), got " + v);
            }
            return v.asDouble();
        }

        boolean bool(String key, boolean dflt) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new ConfigException(where + "." + key + ": expected true or false, got " + v);
            }
            return v.asBoolean();
        }

        String text(String key, String dflt) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isTextual()) {
                throw new ConfigException(where + "." + key + ": expected a string, got " + v);
            }
            return v.asText();
        }

        /** An integer or a non-empty list of non-negative integers. */
        int[] ints(String key) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw new ConfigException(where + "." + key + ": missing");
            }
            if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0) {
                return new int[] {v.asInt()};
            }
            if (!v.isArray() || v.isEmpty()) {
                throw new ConfigException(where + "." + key + ": expected a non-negative integer or a non-empty list of them, got " + v);
            }
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode e = v.get(i);
                if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 0) {
                    throw new ConfigException(where + "." + key + "[" + i + "]: expected a non-negative integer, got " + e);
                }
                out[i] = e.asInt();
            }
            return out;
        }

        /** Two positive integers (height, width); one integer stands for both. */
        int[] pair(String key) {
            int[] v = ints(key);
            if (v.length == 1) {
                v = new int[] {v[0], v[0]};
            }
            if (v.length != 2 || v[0] < 1 || v[1] < 1) {
                throw new ConfigException(where + "." + key + ": expected two positive integers (height, width), got " + Arrays.toString(v));
            }
            return v;
        }
    }
}
