package io.piip4j.llava.chat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.piip4j.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by the tokenizers library (through DJL), offline: no
 * truncation, no padding, nothing fetched.
 */
public final class HfTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Opens {@code tokenizer.json} (a file, or a folder holding one). */
    public static HfTokenizer open(Path fileOrFolder) {
        Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve("tokenizer.json") : fileOrFolder;
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no tokenizer.json (convert a sentencepiece tokenizer.model with the"
                    + " transformers library's fast tokenizer, or give --tokenizer)");
        }
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false",
                    "addSpecialTokens", "true")));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file + ": not a readable tokenizer.json: " + e.getMessage(), e);
        }
    }

    @Override
    public long[] encode(String text, boolean special) {
        return tokenizer.encode(text, special, false).getIds();
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
