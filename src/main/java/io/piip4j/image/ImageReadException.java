package io.piip4j.image;

/**
 * An input image could not be found or decoded. The message is a single line that starts with
 * the file name (or {@code <bytes>} for in-memory data), e.g.
 * {@code "cat.webp: not a readable image (JPEG, PNG, BMP, GIF)"}.
 */
public class ImageReadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ImageReadException(String message) {
        super(message);
    }

    public ImageReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
