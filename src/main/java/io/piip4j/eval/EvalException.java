package io.piip4j.eval;

/**
 * Evaluation input that cannot be used: a malformed annotation or result file, a detection on an
 * unknown image, a mask of the wrong size, a label outside the class range. The message is one
 * line naming the file and the entry.
 */
public final class EvalException extends RuntimeException {
    public EvalException(String message) {
        super(message);
    }

    public EvalException(String message, Throwable cause) {
        super(message, cause);
    }
}
