package io.piip4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.zoo.ZooModel;
import java.nio.file.Path;

/**
 * A config named on the command line: a file, or a zoo model.
 *
 * @param spec the argument as given
 * @param file the file, or null for a zoo model
 * @param zoo  the zoo model, or null for a file
 * @param json the config's JSON
 * @param name the config's name (file name without .json; the official scripts read sizes from it)
 */
record ConfigSource(String spec, Path file, ZooModel zoo, JsonNode json, String name) {
}
