package io.piip4j.weights;

/** A pickle names a global that is not on the allow-list; raised before anything is built. */
final class GlobalRefused extends FormatProblem {

    GlobalRefused(String qualifiedName) {
        super("refuses to load global '" + printable(qualifiedName, 200)
                + "' (not on the allow-list; pass --trust-global " + printable(qualifiedName, 200)
                + " to allow)");
    }
}
