package io.piip4j.config;

/** A configuration that cannot be read or built; the message names the key path. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
