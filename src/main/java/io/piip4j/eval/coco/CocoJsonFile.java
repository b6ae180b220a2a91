package io.piip4j.eval.coco;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.JsonSyntax;
import io.piip4j.eval.EvalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a COCO JSON file whole, turning every failure into one line naming the file. */
final class CocoJsonFile {
    private CocoJsonFile() {
    }

    static JsonNode read(Path file) {
        if (Files.isDirectory(file)) {
            throw new EvalException(file + ": is a folder, expected a JSON file");
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                throw new EvalException(file + ": empty file, expected JSON");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new EvalException(JsonSyntax.message(file, e));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new EvalException(file + ": no such file");
        } catch (IOException e) {
            throw new EvalException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** The top-level key holding a list of objects. */
    static JsonNode list(JsonNode root, String key, Path file, boolean required) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new EvalException(file + ": no '" + key + "' list");
            }
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!v.isArray()) {
            throw new EvalException(file + ": '" + key + "' must be a list, got " + JsonEntry.kind(v));
        }
        return v;
    }
}
