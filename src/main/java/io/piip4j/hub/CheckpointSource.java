package io.piip4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a zoo model's official checkpoint is published ({@code io/piip4j/zoo/downloads.json}, taken
 * from the official project's model tables): its path under the official base address, and its
 * SHA-256 and size where known. {@code PIIP4J_MIRROR} (or {@code -Dpiip4j.mirror}) replaces the base
 * with a reachable copy of the same layout (a company mirror, a local server).
 *
 * @param name   the zoo name
 * @param path   the file's path under the base, e.g. {@code detection/mask_rcnn_….pth}
 * @param sha256 lower-case hex, or null where none is published
 * @param bytes  the file's size, or -1 where unknown
 */
public record CheckpointSource(String name, String path, String sha256, long bytes) {
    public static final String MIRROR_VARIABLE = "PIIP4J_MIRROR";
    public static final String MIRROR_PROPERTY = "piip4j.mirror";

    private static final String OFFICIAL_BASE;
    private static final Map<String, CheckpointSource> SOURCES;

    static {
        try (InputStream in = CheckpointSource.class.getResourceAsStream("/io/piip4j/zoo/downloads.json")) {
            if (in == null) {
                throw new IllegalStateException("io/piip4j/zoo/downloads.json is missing from the build");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            OFFICIAL_BASE = root.get("base").asText();
            Map<String, CheckpointSource> m = new LinkedHashMap<>();
            root.get("checkpoints").fields().forEachRemaining(e -> m.put(e.getKey(), new CheckpointSource(e.getKey(),
                    e.getValue().get("path").asText(), e.getValue().path("sha256").asText(null), e.getValue().path("bytes").asLong(-1))));
            SOURCES = Map.copyOf(m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read io/piip4j/zoo/downloads.json", e);
        }
    }

    /** The source of a zoo model's checkpoint, if the official project publishes one. */
    public static Optional<CheckpointSource> of(String zooName) {
        return Optional.ofNullable(SOURCES.get(zooName));
    }

    /** The official base address (before any mirror). */
    public static String officialBase() {
        return OFFICIAL_BASE;
    }

    /** The checkpoint's file name (its name in the cache). */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The address to download from: under the mirror if one is set, else the official one. */
    public URI url() {
        String mirror = System.getProperty(MIRROR_PROPERTY, System.getenv(MIRROR_VARIABLE));
        String base = mirror != null && !mirror.isBlank() ? mirror : OFFICIAL_BASE;
        return URI.create((base.endsWith("/") ? base : base + "/") + path);
    }
}
