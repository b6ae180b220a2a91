package io.piip4j.init;

/**
 * What the loader did with one key, as the golden {@code loaded_report.json} lists it.
 *
 * @param status "copied", "resized", "skipped" (dropped by the loader), "unexpected" (not a
 *               parameter of the branch; ignored), "mismatched" (a shape the branch's parameter does not
 *               have; skipped, as a lenient {@code load_state_dict} does), or "missing" (a parameter the checkpoint does
 *               not provide: it keeps its initial value)
 */
public record KeyStatus(String key, String status, long[] loadedShape, long[] checkpointShape) {
}
