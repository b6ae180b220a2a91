package io.piip4j.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An image file's bytes, checked before decoding: missing, unreadable, empty and truncated files
 * fail with one line naming the file. Java's JPEG decoder returns a picture with a grey bottom for a
 * file cut short, without a word; Pillow and OpenCV users expect an error ("image file is
 * truncated"), so a JPEG without an end-of-image marker after its last scan is refused here.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /** The file's bytes; directory, missing and unreadable files fail with one line. */
    public static byte[] bytes(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new ImageReadException(name + ": is a directory, not an image file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageReadException(name + ": no such file", e);
        } catch (IOException e) {
            throw new ImageReadException(name + ": cannot read file (" + e.getMessage() + ")", e);
        }
    }

    /** Whether the bytes start as a JPEG does (SOI marker). */
    public static boolean isJpeg(byte[] data) {
        return data.length > 2 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8;
    }

    /** Fails where the encoded image is visibly incomplete: today a JPEG cut before its end-of-image marker. */
    public static void checkComplete(byte[] data, String name) {
        if (isJpeg(data) && !hasEndAfterLastScan(data)) {
            throw new ImageReadException(name + ": truncated JPEG (the data ends before the end-of-image marker)");
        }
    }

    /** Whether an end-of-image marker follows the last start-of-scan (entropy-coded data never holds 0xFF 0xD9). */
    static boolean hasEndAfterLastScan(byte[] d) {
        int lastScan = -1;
        for (int i = 0; i + 1 < d.length; i++) {
            if ((d[i] & 0xFF) == 0xFF && (d[i + 1] & 0xFF) == 0xDA) {
                lastScan = i;
            }
        }
        for (int i = Math.max(lastScan, 0); i + 1 < d.length; i++) {
            if ((d[i] & 0xFF) == 0xFF && (d[i + 1] & 0xFF) == 0xD9) {
                return lastScan >= 0;
            }
        }
        return false;
    }
}
