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

    /**
     * The one exception a reader lets out for whatever went wrong reading {@code name}: its own
     * checkpoint exceptions as they are, format problems named with the file, and the last-resort
     * cases (memory, nesting, I/O, anything else) as one-line messages keeping the cause.
     *
     * @param kind    what the file was taken to be, e.g. "checkpoint", ".npy file"
     * @param tooDeep the message for a stack overflow (deeply nested input)
     */
    static CheckpointException wrap(String name, String kind, String tooDeep, Throwable t) {
        if (t instanceof CheckpointException e) {
            return e;
        }
        if (t instanceof FormatProblem p) {
            return new CheckpointException(name + ": " + p.getMessage());
        }
        if (t instanceof OutOfMemoryError) {
            return new CheckpointException(name + ": too large to load into memory", t);
        }
        if (t instanceof StackOverflowError) {
            return new CheckpointException(name + ": " + tooDeep, t);
        }
        if (t instanceof java.io.IOException) {
            return new CheckpointException(name + ": cannot read (" + describe(t) + ")", t);
        }
        return new CheckpointException(name + ": corrupt " + kind + " (" + describe(t) + ")", t);
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
