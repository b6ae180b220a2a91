package io.piip4j.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads {@code /io/piip4j/predict/pil_fixtures.json}, produced on a machine with Pillow 12.3 and
 * torchvision 0.26 by {@code gen_pil_fixtures.py} next to it.
 */
final class PilFixtures {

    private static JsonNode root;

    private PilFixtures() {
    }

    static synchronized JsonNode root() {
        if (root == null) {
            try (InputStream in = PilFixtures.class.getResourceAsStream("/io/piip4j/predict/pil_fixtures.json")) {
                if (in == null) {
                    throw new IllegalStateException("pil_fixtures.json missing from test resources");
                }
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /** Hex "RRGGBBRRGGBB..." to packed ints. */
    static int[] pixels(String hex) {
        int[] out = new int[hex.length() / 6];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(hex, i * 6, i * 6 + 6, 16);
        }
        return out;
    }

    /** Hex of big-endian float32 bits to floats. */
    static float[] floats(String hex) {
        float[] out = new float[hex.length() / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(hex, i * 8, i * 8 + 8, 16));
        }
        return out;
    }
}
