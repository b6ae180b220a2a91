package io.piip4j.cli;

/** Turns an exception into the one line a user sees. */
final class Errors {
    private Errors() {
    }

    static String oneLine(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        if (e instanceof OutOfMemoryError) {
            msg = "out of memory (" + msg + "); try a smaller input or more heap (JAVA_OPTS=-Xmx…)";
        }
        // libtorch messages carry a C++ backtrace after the first line
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
