package io.piip4j.weights;

/**
 * A checkpoint or array file that cannot be read or written: missing, corrupt, truncated, in an
 * unsupported format, or asking for a global that is not on the allow-list. The message is one
 * line of the form {@code <file>: <problem>}, meant to be shown to a user as it is.
 */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
