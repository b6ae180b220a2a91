package io.piip4j.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;

/**
 * The one-line message for a file that is not valid JSON: the parser's own words, without its
 * internals (Jackson writes "[Source: REDACTED (`StreamReadFeature…` disabled); line: 1, column: 24]"
 * into some messages), and where: {@code FILE: not valid JSON (what at line L, column C)}.
 */
public final class JsonSyntax {
    private JsonSyntax() {
    }

    /** A JSON file's tree; a missing, unreadable or malformed file is a one-line {@link ConfigException} naming it. */
    public static com.fasterxml.jackson.databind.JsonNode readFile(Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (java.io.IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(message(file, e));
        }
    }

    public static String message(Path file, JsonProcessingException e) {
        String what = String.valueOf(e.getOriginalMessage())
                .replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
                .replaceAll("\\s+", " ").trim();
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "");
        return file + ": not valid JSON (" + what + where + ")";
    }
}
