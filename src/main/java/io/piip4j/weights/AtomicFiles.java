package io.piip4j.weights;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes a file through a temporary file in the same folder, renamed over the target only once
 * complete and flushed to disk: a crash or a full disk never leaves a half-written checkpoint
 * under the real name, and readers of the old file never see a mix. Every file piip4j writes
 * (checkpoints, {@code .npy} arrays, pictures, JSON) goes through here.
 */
public final class AtomicFiles {

    /** Writes the file's content; an exception (or error) it throws leaves the target untouched. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically: the body writes to {@code .<name>.<random>.tmp} beside it,
     * which is flushed to disk and renamed over the target; on any failure the temporary file is
     * removed and the target (absent or an older version) is left as it was.
     *
     * @throws CheckpointException naming the file, where the folder is missing or the write fails
     */
    public static void write(Path target, Body body) {
        String name = target.toString();
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CheckpointException(name + ": cannot write (folder " + dir + " does not exist)");
        }
        if (Files.isDirectory(target)) {
            throw new CheckpointException(name + ": cannot write (is a folder)");
        }
        Path tmp = null;
        try {
            // Not Files.createTempFile: its owner-only permissions would stick to the result.
            Path candidate = dir.resolve("." + target.getFileName() + "."
                    + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try (FileChannel ch = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                tmp = candidate;
                // the body may close the stream (JSON writers do): that must not close the channel
                // before it is forced to disk
                OutputStream channel = Channels.newOutputStream(ch);
                OutputStream keepOpen = new FilterOutputStream(channel) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        channel.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                };
                OutputStream out = new BufferedOutputStream(keepOpen, 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (CheckpointException e) {
            throw e;
        } catch (FormatProblem p) {
            throw new CheckpointException(name + ": cannot write (" + p.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(name + ": cannot write (" + FormatProblem.describe(e) + ")", e);
        } catch (StackOverflowError e) {
            throw new CheckpointException(name + ": cannot write (value nested too deeply)");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the target itself is untouched
                }
            }
        }
    }
}
