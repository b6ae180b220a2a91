package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.llava.LlavaCase;
import io.piip4j.llava.LlavaCheckpoint;
import io.piip4j.llava.LlavaModel;
import io.piip4j.llava.LlavaParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code piip info} on a PIIP-LLaVA model folder (or its golden case.json): parameters of the tower, projector and decoder. */
final class LlavaInfo {
    private LlavaInfo() {
    }

    static boolean describes(Path p) {
        if (Files.isRegularFile(p) && p.getFileName().toString().equals("case.json")) {
            return LlavaCase.isCase(p.toAbsolutePath().getParent());
        }
        return Files.isDirectory(p) && (LlavaCase.isCase(p) || Files.isRegularFile(p.resolve("config.json")));
    }

    static void print(Path p, boolean json) throws Exception {
        Path dir = Files.isDirectory(p) ? p : p.toAbsolutePath().getParent();
        try (LlavaModel model = LlavaCheckpoint.structure(dir)) {
            Map<String, Long> parts = LlavaParameters.byPart(model);
            long total = parts.values().stream().mapToLong(Long::longValue).sum();
            if (json) {
                Map<String, Object> out = new java.util.LinkedHashMap<>(parts);
                out.put("total", total);
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
                return;
            }
            System.out.println("PIIP-LLaVA " + dir);
            parts.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %,15d%n", k, v));
            System.out.printf(Locale.ROOT, "  %-28s %,15d%n", "total", total);
        }
    }
}
