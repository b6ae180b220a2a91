package io.piip4j.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. Parsed by a small
 * literal reader (strings, booleans, integers, tuples, lists, dicts) rather than by pattern
 * matching, so that any spelling numpy accepts is accepted and anything else gives a clear error.
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {

    private static final int MAX_DEPTH = 8;

    static NpyHeader parse(String text) {
        Parser p = new Parser(text);
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw new FormatProblem("bad header (unexpected text after the dict)");
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new FormatProblem("bad header (not a dict)");
        }
        if (m.size() != 3 || !m.containsKey("descr") || !m.containsKey("fortran_order") || !m.containsKey("shape")) {
            throw new FormatProblem("bad header (keys must be descr, fortran_order and shape)");
        }
        Object descr = m.get("descr");
        if (!(descr instanceof String d)) {
            throw new FormatProblem("structured dtypes are not supported (descr is not a type string)");
        }
        if (!(m.get("fortran_order") instanceof Boolean fortran)) {
            throw new FormatProblem("bad header (fortran_order is not True or False)");
        }
        if (!(m.get("shape") instanceof Tuple dims)) {
            throw new FormatProblem("bad header (shape is not a tuple)");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long n) || n < 0) {
                throw new FormatProblem("bad header (shape holds something other than a non-negative int)");
            }
            shape[i] = n;
        }
        return new NpyHeader(d, fortran, shape);
    }

    /** The dict literal exactly as numpy writes it (keys sorted, trailing ", "). */
    String format() {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",), }" : "), }").toString();
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        FormatProblem bad(String what) {
            return new FormatProblem("bad header (" + what + " at character " + pos + ")");
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw bad("nested too deeply");
            }
            skipSpace();
            if (pos >= s.length()) {
                throw bad("unexpected end");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{': return dict(depth);
                case '(': return new Tuple(items(')', depth).toArray());
                case '[': return items(']', depth);
                case '\'':
                case '"': return string(c);
                default:
                    if (c == '-' || Character.isDigit(c)) {
                        return integer();
                    }
                    for (String word : new String[] {"True", "False", "None"}) {
                        if (s.startsWith(word, pos)) {
                            pos += word.length();
                            return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
                        }
                    }
                    throw bad("unexpected '" + FormatProblem.printable(String.valueOf(c), 4) + "'");
            }
        }

        Map<Object, Object> dict(int depth) {
            pos++;
            Map<Object, Object> m = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return m;
                }
                Object k = value(depth + 1);
                if (!(k instanceof String)) {
                    throw bad("non-string key");
                }
                skipSpace();
                expect(':');
                if (m.put(k, value(depth + 1)) != null) {
                    throw bad("repeated key");
                }
                if (!separator('}')) {
                    pos++;
                    return m;
                }
            }
        }

        List<Object> items(char close, int depth) {
            pos++;
            List<Object> out = new ArrayList<>();
            while (true) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == close) {
                    pos++;
                    return out;
                }
                out.add(value(depth + 1));
                if (!separator(close)) {
                    pos++;
                    return out;
                }
            }
        }

        /** After an item: true on a comma (more may follow), false when at the closing bracket. */
        boolean separator(char close) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                return true;
            }
            if (pos < s.length() && s.charAt(pos) == close) {
                return false;
            }
            throw bad("expected ',' or '" + close + "'");
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw bad("expected '" + c + "'");
            }
            pos++;
        }

        String string(char quote) {
            pos++;
            StringBuilder b = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == quote) {
                    return b.toString();
                }
                if (c == '\\') {
                    if (pos >= s.length()) {
                        break;
                    }
                    c = s.charAt(pos++);
                }
                b.append(c);
            }
            throw bad("unterminated string");
        }

        Long integer() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw bad("bad integer");
            }
        }
    }
}
