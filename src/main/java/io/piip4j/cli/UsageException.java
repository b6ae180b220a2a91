package io.piip4j.cli;

/** The command line itself is wrong (a missing or contradictory option, a value out of range): exit code 2, not 1. */
final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
        super(message);
    }
}
