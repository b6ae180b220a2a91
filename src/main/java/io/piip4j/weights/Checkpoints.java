package io.piip4j.weights;

import io.piip4j.tensor.NdArray;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Reads model weights from any checkpoint format piip4j knows, chosen by the file's extension:
 * {@code .safetensors} through {@link SafetensorsReader}, anything else ({@code .pth},
 * {@code .pt}, {@code .bin}, {@code .ckpt}) as a {@code torch.save} zip through {@link PthReader}.
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    /** Whether the file is read as {@code .safetensors} (by its extension, in any case). */
    public static boolean isSafetensors(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
    }

    public static Map<String, NdArray> readStateDict(Path file) {
        return readStateDict(file, PthReader.Options.DEFAULT);
    }

    /**
     * The model weights in the file, as {@link PthReader#readStateDict(Path, PthReader.Options)}
     * finds them; {@code options} apply to {@code .pth} files (a {@code .safetensors} file names
     * no globals, so there is nothing to trust).
     */
    public static Map<String, NdArray> readStateDict(Path file, PthReader.Options options) {
        return isSafetensors(file) ? SafetensorsReader.readStateDict(file) : PthReader.readStateDict(file, options);
    }
}
