package io.piip4j.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.count.Convention;
import io.piip4j.count.ModelTask;
import io.piip4j.hub.Hub;
import io.piip4j.predict.PiipModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The released PIIP models by stable name, like timm's {@code create_model} names:
 *
 * <pre>{@code
 * ZooModel m = Zoo.get("piip-tsb-cls-368");
 * try (PiipModel model = Zoo.load("piip-tsb-cls-368", Path.of("piip_3branch_tsb_368-192-128_cls_token_deit1.pth"))) {
 *     ...
 * }
 * }</pre>
 *
 * Weights are not shipped: {@link #fetch} downloads a model's official checkpoint into the local
 * cache (only when asked), {@link #load(String)} loads it from there, and
 * {@link #load(String, Path)} loads a checkpoint the user has.
 */
public final class Zoo {
    private static final List<ZooModel> MODELS = read();

    private Zoo() {
    }

    public static List<ZooModel> all() {
        return MODELS;
    }

    public static Optional<ZooModel> find(String name) {
        return MODELS.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The model of that name; an unknown name fails with the closest names. */
    public static ZooModel get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(unknown(name)));
    }

    /**
     * Builds the zoo model and loads its official checkpoint from the cache ({@code piip fetch NAME}
     * or {@link #fetch} puts it there); fails with how to get it where it is not downloaded yet.
     */
    public static PiipModel load(String name) {
        get(name);
        return load(name, Hub.resolve(name, false, null));
    }

    /** Downloads the zoo model's official checkpoint into the cache unless it is there (progress on stderr); its path. */
    public static Path fetch(String name) {
        get(name);
        return Hub.fetch(name, null, System.err);
    }

    /** Builds the zoo model and loads the user's checkpoint into it, strictly. */
    public static PiipModel load(String name, Path weights) {
        return PiipModel.load(get(name).config(), weights, true);
    }

    /** "no zoo model 'x' (did you mean a, b, c? 'piip zoo' lists them)". */
    public static String unknown(String name) {
        List<String> near = closest(name, 3);
        return "no zoo model '" + name + "'" + (near.isEmpty() ? "" : " (did you mean " + String.join(", ", near) + "?")
                + (near.isEmpty() ? " (" : " ") + "'piip zoo' lists them)";
    }

    /** Up to n names closest to the given one (edit distance, names containing it first). */
    public static List<String> closest(String name, int n) {
        String q = name.toLowerCase(Locale.ROOT);
        return MODELS.stream()
                .map(ZooModel::name)
                .sorted(Comparator.comparingInt((String m) -> m.contains(q) || q.contains(m) ? 0 : 1)
                        .thenComparingInt(m -> distance(q, m)))
                .filter(m -> m.contains(q) || q.contains(m) || distance(q, m) <= Math.max(4, q.length() / 2))
                .limit(n)
                .toList();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static List<ZooModel> read() {
        try (InputStream in = Zoo.class.getResourceAsStream("zoo.json")) {
            if (in == null) {
                throw new IllegalStateException("io/piip4j/zoo/zoo.json is missing from the build");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<ZooModel> out = new ArrayList<>();
            for (JsonNode m : root.get("models")) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                m.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
                JsonNode p = m.path("published");
                Published pub = new Published(p.has("params_m") ? p.get("params_m").asDouble() : null,
                        p.has("flops_g") ? p.get("flops_g").asDouble() : null,
                        p.has("by") ? Convention.parse(p.get("by").asText()) : null);
                out.add(new ZooModel(m.get("name").asText(), m.get("title").asText(),
                        ModelTask.valueOf(m.get("task").asText().toUpperCase(Locale.ROOT)),
                        m.path("detector").isTextual() ? m.get("detector").asText() : null,
                        m.get("resolution").asText(), m.path("schedule").asText(null), m.get("config").asText(),
                        Map.copyOf(metrics), pub, m.path("baseline").asBoolean(false), m.path("source").asText(null),
                        m.path("checkpoint").asText(null)));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read io/piip4j/zoo/zoo.json", e);
        }
    }

    /** The models of one task, in zoo order. */
    public static List<ZooModel> of(ModelTask task) {
        return MODELS.stream().filter(m -> m.task() == task).toList();
    }
}
