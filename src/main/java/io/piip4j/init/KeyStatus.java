package io.piip4j.init;

/**
 * What the loader did with one key, as the golden {@code loaded_report.json} lists it.
 *
 * @param status "copied", "resized", "skipped" (dropped by the loader), "unexpected" (not a
 *               parameter of the branch; ignored), or "missing" (a parameter the checkpoint does
 *               not provide: it keeps its initial value)
 */
public record KeyStatus(String key, String status, long[] loadedShape, long[] checkpointShape) {
}
