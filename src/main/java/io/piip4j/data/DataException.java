package io.piip4j.data;

/** A data set that cannot be used: missing, malformed or inconsistent files. One line, naming the file. */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
