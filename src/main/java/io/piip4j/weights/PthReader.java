package io.piip4j.weights;

import io.piip4j.tensor.NdArray;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Reads checkpoints written by {@code torch.save} (the zip format of PyTorch >= 1.6) without
 * Python and without running anything the file asks for: the pickle may only name the globals of
 * {@link AllowList} (tensor rebuilding, storages, OrderedDict, argparse.Namespace, numpy scalars)
 * plus any the caller trusts, as PyTorch's {@code weights_only=True} does. Tensors come back as
 * read-only {@link NdArray}s; contiguous ones share their storage's bytes.
 *
 * <p>Every problem with the file, including hostile or damaged input, is reported as a
 * {@link CheckpointException} with a one-line message naming the file.
 */
public final class PthReader {

    /** Reading options: extra globals to trust, and a cap on the size of the pickle itself. */
    public record Options(Set<String> trustedGlobals, long maxPickleBytes) {

        public static final Options DEFAULT = new Options(Set.of(), 64L << 20);

        public Options {
            trustedGlobals = Set.copyOf(trustedGlobals);
            for (String g : trustedGlobals) {
                if (g.isBlank() || g.startsWith(".") || g.endsWith(".") || !g.contains(".")) {
                    throw new IllegalArgumentException("a trusted global is written module.name, not '" + g + "'");
                }
            }
            if (maxPickleBytes <= 0) {
                throw new IllegalArgumentException("maxPickleBytes must be positive");
            }
        }

        /**
         * These options, also accepting the named globals ({@code module.name}); calling one
         * builds an inert map of its class, arguments and fields: nothing runs.
         */
        public Options trust(Collection<String> globals) {
            Set<String> all = new HashSet<>(trustedGlobals);
            all.addAll(globals);
            return new Options(all, maxPickleBytes);
        }

        public Options trust(String... globals) {
            return trust(Arrays.asList(globals));
        }

        public Options withMaxPickleBytes(long bytes) {
            return new Options(trustedGlobals, bytes);
        }
    }

    /** The first pickle of a legacy (pre-1.6) file is this number. */
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final byte[] LEGACY_HEADER = {
        (byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
        (byte) 0xa8, 0x50, 0x19,
    };
    private static final List<String> STATE_DICT_KEYS = List.of("model", "state_dict", "module");

    private PthReader() {
    }

    /**
     * The object the checkpoint holds. Dicts become insertion-ordered {@code Map}s, lists
     * {@code List}s, tuples immutable {@code List}s, ints {@code Long} ({@code BigInteger} beyond
     * 64 bits), floats {@code Double}, bytes {@code byte[]}, sets {@code Set}s, tensors read-only
     * {@link NdArray}s, {@code argparse.Namespace} a {@code Map} of its fields, numpy scalars
     * {@code Double}/{@code Long}/{@code Boolean}, and a global stored as a value (a dtype) a
     * {@link PickleGlobal}.
     */
    public static Object read(Path file) {
        return read(file, Options.DEFAULT);
    }

    public static Object read(Path file, Options options) {
        String name = file.toString();
        try {
            return readChecked(file, options);
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw FormatProblem.wrap(name, "checkpoint", "nested too deeply to load", e);
        }
    }

    /**
     * The model weights in a checkpoint, as official releases nest them: the top-level dict when
     * it holds only tensors, else the dict under {@code model}, {@code state_dict} or
     * {@code module} (first present wins). A {@code module.} prefix on every key is dropped.
     */
    public static Map<String, NdArray> readStateDict(Path file) {
        return readStateDict(file, Options.DEFAULT);
    }

    public static Map<String, NdArray> readStateDict(Path file, Options options) {
        return stateDict(read(file, options), file.toString());
    }

    /** Finds the state dict in an already loaded checkpoint; {@code source} names it in messages. */
    public static Map<String, NdArray> stateDict(Object checkpoint, String source) {
        if (!(checkpoint instanceof Map<?, ?> top)) {
            throw new CheckpointException(source + ": holds a " + SafeUnpickler.typeName(checkpoint)
                    + ", not a dict of weights");
        }
        Map<?, ?> found = null;
        if (nonTensorKey(top) == null) {
            found = top;
        } else {
            for (String key : STATE_DICT_KEYS) {
                if (!top.containsKey(key)) {
                    continue;
                }
                Object v = top.get(key);
                if (!(v instanceof Map<?, ?> m)) {
                    throw new CheckpointException(source + ": '" + key + "' holds a " + SafeUnpickler.typeName(v)
                            + ", not a state dict (a dict of tensors)");
                }
                Object bad = nonTensorKey(m);
                if (bad != null) {
                    throw new CheckpointException(source + ": '" + key + "' is not a state dict: its entry '"
                            + shown(bad) + "' holds a " + SafeUnpickler.typeName(m.get(bad)) + ", not a tensor");
                }
                found = m;
                break;
            }
        }
        if (found == null) {
            throw new CheckpointException(source + ": no state dict found (top-level keys: " + keyList(top)
                    + "; expected a dict of tensors, or one under 'model', 'state_dict' or 'module')");
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        boolean allPrefixed = !found.isEmpty();
        for (Object k : found.keySet()) {
            if (!(k instanceof String s)) {
                throw new CheckpointException(source + ": state dict has a key of type " + SafeUnpickler.typeName(k));
            }
            allPrefixed &= s.startsWith("module.");
        }
        for (Map.Entry<?, ?> e : found.entrySet()) {
            String k = (String) e.getKey();
            out.put(allPrefixed ? k.substring("module.".length()) : k, (NdArray) e.getValue());
        }
        return out;
    }

    private static Object nonTensorKey(Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof NdArray)) {
                return e.getKey() == null ? "None" : e.getKey();
            }
        }
        return null;
    }

    private static String shown(Object key) {
        return FormatProblem.printable(String.valueOf(key), 80);
    }

    private static String keyList(Map<?, ?> m) {
        StringJoiner j = new StringJoiner(", ");
        int n = 0;
        for (Object k : m.keySet()) {
            if (n++ == 12) {
                j.add("...");
                break;
            }
            j.add("'" + shown(k) + "'");
        }
        return n == 0 ? "none" : j.toString();
    }

    private static Object readChecked(Path file, Options options) throws IOException {
        if (!Files.exists(file)) {
            throw new FormatProblem("no such file");
        }
        if (Files.isDirectory(file)) {
            throw new FormatProblem("is a folder, not a checkpoint file");
        }
        long size = Files.size(file);
        if (size == 0) {
            throw new FormatProblem("empty file (0 bytes), not a checkpoint");
        }
        byte[] head = readHead(file, LEGACY_HEADER.length);
        if (startsWith(head, new byte[] {'P', 'K', 3, 4}) || startsWith(head, new byte[] {'P', 'K', 5, 6})) {
            try (ZipCheckpoint zip = ZipCheckpoint.open(file, size)) {
                byte[] pickle = zip.pickle(options.maxPickleBytes());
                return new SafeUnpickler(new AllowList(options.trustedGlobals()), zip).run(pickle);
            }
        }
        if (startsWith(head, LEGACY_HEADER)) {
            throw legacy();
        }
        probeNonZip(file, size, options);
        throw new FormatProblem("not a zip archive, so not a checkpoint saved by torch.save (PyTorch >= 1.6)");
    }

    /**
     * A file that is not a zip may still be a pickle: a legacy checkpoint saved with another
     * protocol, or a bare hostile pickle, which should be named as such.
     */
    private static void probeNonZip(Path file, long size, Options options) throws IOException {
        byte[] bytes = readHead(file, (int) Math.min(size, options.maxPickleBytes()));
        Object first;
        try {
            first = new SafeUnpickler(new AllowList(options.trustedGlobals()), SafeUnpickler.NO_STORAGES).run(bytes);
        } catch (GlobalRefused refused) {
            throw refused;
        } catch (RuntimeException | StackOverflowError notAPickle) {
            return;
        }
        if (LEGACY_MAGIC.equals(first)) {
            throw legacy();
        }
    }

    private static FormatProblem legacy() {
        return new FormatProblem("legacy (pre-1.6, non-zip) PyTorch format is not supported; re-save it with "
                + "torch.save(obj, path) on PyTorch >= 1.6");
    }

    private static byte[] readHead(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
