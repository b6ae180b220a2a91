package io.piip4j.hub;

/** A download that did not complete; the message says why and what to do, in one line. */
public final class DownloadException extends RuntimeException {
    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
