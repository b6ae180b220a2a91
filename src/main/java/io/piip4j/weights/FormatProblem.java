package io.piip4j.weights;

/**
 * What is wrong with a file, before the file's name is known to the code that finds it; the
 * readers catch it at the top and rethrow it as a {@link CheckpointException} naming the file.
 * It carries no stack trace: it is an expected outcome for bad input, not a bug.
 */
class FormatProblem extends RuntimeException {

    FormatProblem(String detail) {
        super(detail, null, false, false);
    }

    /** Trims arbitrary text from a file to something safe to put in a one-line message. */
    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 3);
        for (int i = 0; i < s.length(); i++) {
            if (b.length() >= max) {
                return b.append("...").toString();
            }
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
        }
        return b.toString();
    }

    /** A short, single-line description of an unexpected exception, for a message. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return printable((nl >= 0 ? m.substring(0, nl) : m).trim(), 200);
    }
}
