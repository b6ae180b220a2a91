package io.piip4j.weights;

import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.UnpickleStack;
import net.razorvine.pickle.Unpickler;

/**
 * Reads a checkpoint's pickle into plain data (maps, lists, strings, numbers) and tensors,
 * without running or importing anything.
 *
 * <p>It builds on razorvine's {@link Unpickler} (its stack, memo and text-string decoding) but
 * takes over every opcode that names a global, calls something, reads a length-prefixed payload
 * or fills a container, because those are where a hostile file attacks: a global off the
 * {@link AllowList} is refused as soon as it is named (before anything is built), no length field
 * can make it allocate more than the pickle holds, integers have a bounded number of digits,
 * dict keys must be hashable values (so hashing stays cheap), and dicts keep their order.
 */
final class SafeUnpickler extends Unpickler {

    /** Where the pickle's persistent ids (tensor storages) are looked up. */
    interface Storages {
        /** The storage saved under {@code key}, holding at least {@code numel} elements of {@code dtype}. */
        TorchStorage storage(String key, DType dtype, long numel);

        /** Approves (or refuses with a {@link FormatProblem}) copying this many bytes for a strided view. */
        void approveCopy(long bytes);
    }

    /** For pickles outside a zip checkpoint, which have nowhere to keep storages. */
    static final Storages NO_STORAGES = new Storages() {
        @Override
        public TorchStorage storage(String key, DType dtype, long numel) {
            throw new FormatProblem("pickle refers to a tensor storage, but is not inside a zip checkpoint");
        }

        @Override
        public void approveCopy(long bytes) {
        }
    };

    /** Python refuses to parse integers longer than this (CVE-2020-10735); so do we. */
    private static final int MAX_INT_DIGITS = 4300;
    private static final int MAX_KEY_NODES = 1000;
    private static final long WORK_PER_BYTE = 4;
    private static final long HEAP_PER_BYTE = 8;
    private static final long MIN_HEAP_BUDGET = 128L << 20;
    /** Estimated bytes of a map or set entry, a list slot, a memo entry. */
    private static final long ENTRY = 48;
    private static final long SLOT = 8;

    private final AllowList allow;
    private final Storages storages;
    /** Objects built from Namespace or a trusted global: BUILD fills them with the object's fields. */
    private final Set<Object> inert = Collections.newSetFromMap(new IdentityHashMap<>());
    private ByteArrayInputStream in;
    private Object marker;
    /**
     * Work not paid for by pickle bytes (copying or hashing an object the memo hands out again and
     * again) is counted against a budget proportional to the pickle's size, so no pickle can make
     * the reader run for much longer than it takes to read it.
     */
    private long work;
    private long workBudget;
    /**
     * The Java objects a pickle builds take far more memory than its bytes (a one-byte opcode makes
     * an empty dict of some 70 bytes): their estimated size is counted against a budget of
     * {@link #HEAP_PER_BYTE} times the pickle's size (at least {@link #MIN_HEAP_BUDGET}), so that no
     * file can make the reader fill the heap. Real checkpoints use a fraction of it.
     */
    private long heap;
    private long heapBudget;

    SafeUnpickler(AllowList allow, Storages storages) {
        this.allow = allow;
        this.storages = storages;
    }

    /** Unpickles one pickle from the bytes (trailing bytes are ignored, as Python does). */
    Object run(byte[] pickle) {
        stack = new UnpickleStack();
        stack.add_mark();
        marker = stack.pop();
        memo.clear();
        inert.clear();
        work = 0;
        workBudget = WORK_PER_BYTE * pickle.length + (1 << 20);
        heap = 0;
        heapBudget = Math.max(MIN_HEAP_BUDGET, HEAP_PER_BYTE * pickle.length);
        in = new ByteArrayInputStream(pickle);
        input = in;
        try {
            while (true) {
                int key = in.read();
                if (key < 0) {
                    throw new FormatProblem("pickle ends before its STOP opcode (truncated)");
                }
                Object value = dispatch((short) key);
                if (value != NO_RETURN_VALUE) {
                    return value;
                }
            }
        } catch (IOException e) {
            throw new FormatProblem("corrupt pickle (" + FormatProblem.describe(e) + ")");
        } finally {
            stack.clear();
            memo.clear();
            inert.clear();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.STOP: return pop();
            case Opcodes.PROTO: {
                int proto = readUByte();
                if (proto > 5) {
                    throw new FormatProblem("unsupported pickle protocol " + proto);
                }
                break;
            }
            case Opcodes.FRAME: readBytes(8); break;
            case Opcodes.MARK: stack.add_mark(); break;
            case Opcodes.POP: {
                requireNotEmpty();
                stack.pop();
                break;
            }
            case Opcodes.POP_MARK: popMark(); break;
            case Opcodes.DUP: pushExisting(peek()); break;

            case Opcodes.NONE: push(null); break;
            case Opcodes.NEWTRUE: push(Boolean.TRUE); break;
            case Opcodes.NEWFALSE: push(Boolean.FALSE); break;
            case Opcodes.BININT: push((long) (int) readLE(4)); break;
            case Opcodes.BININT1: push((long) readUByte()); break;
            case Opcodes.BININT2: push(readLE(2)); break;
            case Opcodes.INT: push(parseTextInt(readLine())); break;
            case Opcodes.LONG: {
                String s = readLine();
                push(parseTextInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
                break;
            }
            case Opcodes.LONG1: push(twosComplement(readBytes(readUByte()))); break;
            case Opcodes.LONG4: {
                long n = (int) readLE(4);
                if (n < 0 || n > MAX_INT_DIGITS) {
                    throw new FormatProblem("integer of " + n + " bytes is too long");
                }
                push(twosComplement(readBytes(n)));
                break;
            }
            case Opcodes.FLOAT: push(parseTextFloat(readLine())); break;
            case Opcodes.BINFLOAT: push(Double.longBitsToDouble(readBE8())); break;

            case Opcodes.STRING:
            case Opcodes.UNICODE:
                try {
                    super.dispatch(key); // protocol 0 quoted/escaped text: razorvine decodes it
                } catch (RuntimeException e) {
                    throw new FormatProblem("corrupt pickle (bad text string)");
                }
                charge(SLOT + sizeOf(stack.peek()));
                break;
            case Opcodes.SHORT_BINSTRING: push(utf8(readBytes(readUByte()))); break;
            case Opcodes.BINSTRING: push(utf8(readBytes((int) readLE(4)))); break;
            case Opcodes.SHORT_BINUNICODE: push(utf8(readBytes(readUByte()))); break;
            case Opcodes.BINUNICODE: push(utf8(readBytes(readLE(4)))); break;
            case Opcodes.BINUNICODE8: push(utf8(readBytes(readLE(8)))); break;
            case Opcodes.SHORT_BINBYTES: push(readBytes(readUByte())); break;
            case Opcodes.BINBYTES: push(readBytes(readLE(4))); break;
            case Opcodes.BINBYTES8:
            case Opcodes.BYTEARRAY8:
                push(readBytes(readLE(8)));
                break;

            case Opcodes.EMPTY_TUPLE: push(Tuple.EMPTY); break;
            case Opcodes.TUPLE: push(new Tuple(popMark().toArray())); break;
            case Opcodes.TUPLE1: push(new Tuple(new Object[] {pop()})); break;
            case Opcodes.TUPLE2: {
                Object b = pop();
                Object a = pop();
                push(new Tuple(new Object[] {a, b}));
                break;
            }
            case Opcodes.TUPLE3: {
                Object c = pop();
                Object b = pop();
                Object a = pop();
                push(new Tuple(new Object[] {a, b, c}));
                break;
            }
            case Opcodes.EMPTY_LIST: push(new ArrayList<>()); break;
            case Opcodes.LIST: push(new ArrayList<>(popMark())); break;
            case Opcodes.APPEND: {
                Object v = pop();
                charge(SLOT);
                list(peek()).add(v);
                break;
            }
            case Opcodes.APPENDS: {
                List<Object> items = popMark();
                charge(SLOT * items.size());
                list(peek()).addAll(items);
                break;
            }
            case Opcodes.EMPTY_DICT: push(new LinkedHashMap<>()); break;
            case Opcodes.DICT: {
                Map<Object, Object> m = new LinkedHashMap<>();
                putAll(m, popMark());
                push(m);
                break;
            }
            case Opcodes.SETITEM: {
                Object v = pop();
                Object k = pop();
                charge(ENTRY);
                put(dict(peek()), k, v);
                break;
            }
            case Opcodes.SETITEMS: {
                List<Object> items = popMark();
                charge(ENTRY * (items.size() / 2));
                putAll(dict(peek()), items);
                break;
            }
            case Opcodes.EMPTY_SET: push(new LinkedHashSet<>()); break;
            case Opcodes.ADDITEMS: {
                List<Object> items = popMark();
                charge(ENTRY * items.size());
                addAll(set(peek()), items);
                break;
            }
            case Opcodes.FROZENSET: {
                Set<Object> s = new LinkedHashSet<>();
                addAll(s, popMark());
                push(s);
                break;
            }

            case Opcodes.PUT: charge(ENTRY); memo.put(parseMemoIndex(readLine()), peek()); break;
            case Opcodes.BINPUT: charge(ENTRY); memo.put(readUByte(), peek()); break;
            case Opcodes.LONG_BINPUT: charge(ENTRY); memo.put((int) readLE(4), peek()); break;
            case Opcodes.MEMOIZE: charge(ENTRY); memo.put(memo.size(), peek()); break;
            case Opcodes.GET: pushExisting(memoGet(parseMemoIndex(readLine()))); break;
            case Opcodes.BINGET: pushExisting(memoGet(readUByte())); break;
            case Opcodes.LONG_BINGET: pushExisting(memoGet((int) readLE(4))); break;

            case Opcodes.GLOBAL: {
                String module = readLine();
                String name = readLine();
                push(resolve(module, name));
                break;
            }
            case Opcodes.STACK_GLOBAL: {
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new FormatProblem("STACK_GLOBAL with a non-string module or name");
                }
                push(resolve(m, n));
                break;
            }
            case Opcodes.INST: {
                String module = readLine();
                String name = readLine();
                PickleGlobal g = resolve(module, name);
                push(call(g, popMark(), Map.of()));
                break;
            }
            case Opcodes.OBJ: {
                List<Object> items = popMark();
                if (items.isEmpty()) {
                    throw new FormatProblem("OBJ without a class");
                }
                push(call(callable(items.get(0)), items.subList(1, items.size()), Map.of()));
                break;
            }
            case Opcodes.REDUCE:
            case Opcodes.NEWOBJ: {
                Object args = pop();
                Object f = pop();
                push(call(callable(f), seq(args, "arguments"), Map.of()));
                break;
            }
            case Opcodes.NEWOBJ_EX: {
                Object kwargs = pop();
                Object args = pop();
                Object f = pop();
                push(call(callable(f), seq(args, "arguments"), dict(kwargs)));
                break;
            }
            case Opcodes.BUILD: {
                Object state = pop();
                build(peek(), state);
                break;
            }
            case Opcodes.BINPERSID: push(persistentLoad(pop())); break;
            case Opcodes.PERSID:
                readLine();
                throw new FormatProblem("unsupported text persistent id (PERSID)");
            case Opcodes.EXT1:
            case Opcodes.EXT2:
            case Opcodes.EXT4:
                throw new FormatProblem("pickle uses the extension registry (EXT opcodes), not supported");
            case Opcodes.NEXT_BUFFER:
            case Opcodes.READONLY_BUFFER:
                throw new FormatProblem("pickle uses out-of-band buffers, not supported");
            default:
                throw new FormatProblem("invalid pickle opcode 0x" + Integer.toHexString(key & 0xff));
        }
        return NO_RETURN_VALUE;
    }

    // ---- calls -------------------------------------------------------------------------------

    private PickleGlobal resolve(String module, String name) {
        spend(module.length() + name.length());
        return allow.resolve(module, name);
    }

    private void spend(long units) {
        work += units;
        if (work > workBudget) {
            throw new FormatProblem("pickle asks for far more work than its size justifies "
                    + "(large objects copied over and over)");
        }
    }

    private Object call(PickleGlobal g, List<Object> args, Map<Object, Object> kwargs) {
        AllowList.Kind kind = allow.kind(g.qualifiedName());
        if (kind == null) {
            throw new GlobalRefused(g.qualifiedName());
        }
        spend(1 + args.size() + kwargs.size());
        if (!kwargs.isEmpty() && kind != AllowList.Kind.NAMESPACE && kind != AllowList.Kind.TRUSTED) {
            throw new FormatProblem("keyword arguments to " + g + " are not supported");
        }
        switch (kind) {
            case REBUILD_TENSOR:
                arity(g, args, 4, 4);
                return rebuild(args, null);
            case REBUILD_TENSOR_V2:
                arity(g, args, 6, 7);
                return rebuild(args, null);
            case REBUILD_TENSOR_V3: {
                arity(g, args, 7, 8);
                Object d = args.get(6);
                DType dtype = d instanceof PickleGlobal dg ? AllowList.torchDType(dg) : null;
                if (dtype == null) {
                    throw new FormatProblem("unsupported tensor dtype " + typeName(d));
                }
                return rebuild(args, dtype);
            }
            case REBUILD_PARAMETER:
                arity(g, args, 3, 3);
                return tensorArg(args.get(0));
            case REBUILD_PARAMETER_WITH_STATE:
                arity(g, args, 4, 4);
                return tensorArg(args.get(0));
            case REBUILD_FROM_TYPE_V2: {
                arity(g, args, 4, 4);
                PickleGlobal f = callable(args.get(0));
                AllowList.Kind fk = allow.kind(f.qualifiedName());
                if (fk != AllowList.Kind.REBUILD_TENSOR && fk != AllowList.Kind.REBUILD_TENSOR_V2
                        && fk != AllowList.Kind.REBUILD_TENSOR_V3 && fk != AllowList.Kind.REBUILD_PARAMETER
                        && fk != AllowList.Kind.REBUILD_PARAMETER_WITH_STATE) {
                    throw new FormatProblem(g + " with function " + f + " is not supported");
                }
                return call(f, seq(args.get(2), "arguments"), Map.of());
            }
            case ORDERED_DICT: {
                arity(g, args, 0, 1);
                Map<Object, Object> m = new LinkedHashMap<>();
                if (args.size() == 1) {
                    Object src = args.get(0);
                    if (src instanceof Map<?, ?> other) {
                        spend(other.size());
                        for (Map.Entry<?, ?> e : other.entrySet()) {
                            m.put(e.getKey(), e.getValue());
                        }
                    } else {
                        List<Object> pairs = seq(src, "OrderedDict items");
                        spend(pairs.size());
                        for (Object pair : pairs) {
                            List<Object> kv = seq(pair, "OrderedDict item");
                            if (kv.size() != 2) {
                                throw new FormatProblem("OrderedDict item of length " + kv.size());
                            }
                            put(m, kv.get(0), kv.get(1));
                        }
                    }
                }
                return m;
            }
            case TORCH_SIZE: {
                arity(g, args, 0, 1);
                if (args.isEmpty()) {
                    return Tuple.EMPTY;
                }
                List<Object> dims = seq(args.get(0), "torch.Size");
                spend(dims.size());
                Object[] out = new Object[dims.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = asLong(dims.get(i), "torch.Size dimension");
                }
                return new Tuple(out);
            }
            case TORCH_DEVICE: {
                arity(g, args, 1, 2);
                if (!(args.get(0) instanceof String type)) {
                    throw new FormatProblem("torch.device with a non-string type");
                }
                return args.size() == 2 && args.get(1) != null ? type + ":" + asLong(args.get(1), "device index") : type;
            }
            case NAMESPACE: {
                if (!args.isEmpty()) {
                    throw new FormatProblem("argparse.Namespace with positional arguments");
                }
                Map<Object, Object> m = new LinkedHashMap<>();
                for (Map.Entry<Object, Object> e : kwargs.entrySet()) {
                    put(m, e.getKey(), e.getValue());
                }
                inert.add(m);
                return m;
            }
            case TRUSTED: {
                Map<Object, Object> m = new LinkedHashMap<>();
                m.put("__class__", g.qualifiedName());
                if (!args.isEmpty()) {
                    m.put("__args__", new ArrayList<>(args));
                }
                for (Map.Entry<Object, Object> e : kwargs.entrySet()) {
                    put(m, e.getKey(), e.getValue());
                }
                inert.add(m);
                return m;
            }
            case NUMPY_DTYPE: {
                arity(g, args, 1, 3);
                if (!(args.get(0) instanceof String descr)) {
                    throw new FormatProblem("numpy.dtype with a non-string type");
                }
                return new NumpyScalars.Dtype(descr);
            }
            case NUMPY_SCALAR: {
                arity(g, args, 2, 2);
                if (!(args.get(0) instanceof NumpyScalars.Dtype dtype)) {
                    throw new FormatProblem("numpy scalar without a dtype");
                }
                Object data = args.get(1);
                byte[] bytes = data instanceof byte[] b ? b
                        : data instanceof String s && s.length() <= 16 ? latin1(s) : null;
                if (bytes == null) {
                    throw new FormatProblem("numpy scalar of " + dtype + " holds a " + typeName(data) + ", not bytes");
                }
                return NumpyScalars.scalar(dtype, bytes);
            }
            case CODECS_ENCODE: {
                arity(g, args, 1, 3);
                if (!(args.get(0) instanceof String s)) {
                    throw new FormatProblem("_codecs.encode of a " + typeName(args.get(0)));
                }
                Object enc = args.size() > 1 ? args.get(1) : "utf-8";
                spend(s.length());
                return encode(s, enc);
            }
            case SET: {
                arity(g, args, 0, 1);
                Set<Object> s = new LinkedHashSet<>();
                if (args.size() == 1) {
                    Object src = args.get(0);
                    List<Object> items = src instanceof Set<?> other ? new ArrayList<>(other) : seq(src, "set items");
                    spend(items.size());
                    addAll(s, items);
                }
                return s;
            }
            case BYTEARRAY: {
                arity(g, args, 0, 3);
                if (args.isEmpty()) {
                    return new byte[0];
                }
                Object src = args.get(0);
                if (src instanceof byte[] b) {
                    spend(b.length);
                    return b.clone();
                }
                if (src instanceof String s) {
                    spend(s.length());
                    return encode(s, args.size() > 1 ? args.get(1) : "utf-8");
                }
                List<Object> values = seq(src, "bytearray items");
                spend(values.size());
                byte[] out = new byte[values.size()];
                for (int i = 0; i < out.length; i++) {
                    long v = asLong(values.get(i), "byte");
                    if (v < 0 || v > 255) {
                        throw new FormatProblem("bytearray value " + v + " out of range");
                    }
                    out[i] = (byte) v;
                }
                return out;
            }
            case STORAGE:
            case TORCH_DTYPE:
            case TYPE_ONLY:
            default:
                throw new FormatProblem("pickle calls " + g + ", which cannot be called here");
        }
    }

    private NdArray rebuild(List<Object> args, DType dtypeOverride) {
        if (!(args.get(0) instanceof TorchStorage st)) {
            throw new FormatProblem("tensor rebuilt from a " + typeName(args.get(0)) + ", not a storage");
        }
        long offset = asLong(args.get(1), "storage offset");
        long[] size = longs(args.get(2), "tensor size");
        long[] stride = longs(args.get(3), "tensor stride");
        DType dtype = dtypeOverride != null ? dtypeOverride : st.dtype();
        return StridedView.materialize(st, dtype, offset, size, stride, storages::approveCopy);
    }

    @Override
    protected Object persistentLoad(Object pid) {
        List<Object> t = pid instanceof List<?> ? seq(pid, "persistent id") : null;
        if (t == null || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw new FormatProblem("unsupported persistent id (expected ('storage', type, key, location, numel))");
        }
        if (!(t.get(1) instanceof PickleGlobal type) || AllowList.storageDType(type) == null) {
            throw new FormatProblem("persistent id names a " + typeName(t.get(1)) + ", not a storage type");
        }
        Object key = t.get(2);
        if (!(key instanceof String) && !(key instanceof Long)) {
            throw new FormatProblem("storage key is a " + typeName(key));
        }
        spend(String.valueOf(key).length());
        long numel = asLong(t.get(4), "storage size");
        if (numel < 0) {
            throw new FormatProblem("storage '" + key + "' has negative size " + numel);
        }
        return storages.storage(String.valueOf(key), AllowList.storageDType(type), numel);
    }

    private void build(Object target, Object state) {
        if (inert.contains(target)) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> m = (Map<Object, Object>) target;
            if (state instanceof Map<?, ?> fields) {
                mergeFields(m, fields);
            } else if (state instanceof Tuple t && t.size() == 2
                    && (t.get(0) == null || t.get(0) instanceof Map)
                    && (t.get(1) == null || t.get(1) instanceof Map)) {
                for (Object part : t) {
                    if (part != null) {
                        mergeFields(m, (Map<?, ?>) part);
                    }
                }
            } else if (state != null) {
                m.put("__state__", state);
            }
        } else if (target instanceof NumpyScalars.Dtype d) {
            d.setState(state);
        } else if (target instanceof Map<?, ?>) {
            // A dict subclass's attributes (an OrderedDict state dict's _metadata): not items; dropped.
        } else {
            throw new FormatProblem("BUILD on a " + typeName(target) + " is not supported");
        }
    }

    private void mergeFields(Map<Object, Object> m, Map<?, ?> fields) {
        spend(fields.size());
        charge(ENTRY * fields.size());
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            m.put(e.getKey(), e.getValue());
        }
    }

    // ---- containers --------------------------------------------------------------------------

    private void putAll(Map<Object, Object> m, List<Object> flat) {
        if (flat.size() % 2 != 0) {
            throw new FormatProblem("dict items with an odd number of keys and values");
        }
        for (int i = 0; i < flat.size(); i += 2) {
            put(m, flat.get(i), flat.get(i + 1));
        }
    }

    private void put(Map<Object, Object> m, Object k, Object v) {
        checkHashable(k);
        m.put(k, v);
    }

    private void addAll(Set<Object> s, List<Object> items) {
        for (Object o : items) {
            checkHashable(o);
            s.add(o);
        }
    }

    /** Keys must be values whose hashing is cheap: scalars and small tuples of them. */
    private static void checkHashable(Object k) {
        if (hashableNodes(k, 0) > MAX_KEY_NODES) {
            throw new FormatProblem("dict key or set element is too large a tuple");
        }
    }

    private static int hashableNodes(Object k, int count) {
        if (count > MAX_KEY_NODES) {
            return count;
        }
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger
                || k instanceof Double || k instanceof Boolean || k instanceof PickleGlobal) {
            return count + 1;
        }
        if (k instanceof Tuple t) {
            if (t.keyNodes == 0) {
                int c = 1;
                for (Object o : t) {
                    c = hashableNodes(o, c);
                    if (c > MAX_KEY_NODES) {
                        break;
                    }
                }
                t.keyNodes = c;
            }
            return count + t.keyNodes;
        }
        throw new FormatProblem("unsupported dict key or set element of type " + typeName(k));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        if (o instanceof ArrayList<?>) {
            return (List<Object>) o;
        }
        throw new FormatProblem("APPEND to a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) {
        if (o instanceof LinkedHashMap<?, ?>) {
            return (Map<Object, Object>) o;
        }
        throw new FormatProblem("expected a dict, found a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> set(Object o) {
        if (o instanceof LinkedHashSet<?>) {
            return (Set<Object>) o;
        }
        throw new FormatProblem("ADDITEMS to a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> seq(Object o, String what) {
        if (o instanceof List<?>) {
            return (List<Object>) o;
        }
        throw new FormatProblem(what + " is a " + typeName(o) + ", not a tuple or list");
    }

    private static PickleGlobal callable(Object o) {
        if (o instanceof PickleGlobal g) {
            return g;
        }
        throw new FormatProblem("pickle calls a " + typeName(o) + ", which is not callable");
    }

    private static NdArray tensorArg(Object o) {
        if (o instanceof NdArray a) {
            return a;
        }
        throw new FormatProblem("parameter wraps a " + typeName(o) + ", not a tensor");
    }

    private static void arity(PickleGlobal g, List<Object> args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw new FormatProblem(g + " called with " + args.size() + " arguments");
        }
    }

    private static long asLong(Object o, String what) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (o instanceof BigInteger) {
            throw new FormatProblem(what + " is out of range");
        }
        throw new FormatProblem(what + " is a " + typeName(o) + ", not an int");
    }

    private long[] longs(Object o, String what) {
        List<Object> l = seq(o, what);
        spend(l.size());
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(l.get(i), what);
        }
        return out;
    }

    // ---- stack and memo ----------------------------------------------------------------------

    /** Pushes a value the pickle has just built, counting its estimated size. */
    private void push(Object o) {
        charge(SLOT + sizeOf(o));
        stack.add(o);
    }

    /** Pushes a value built before (from the memo, or duplicated): only its stack slot is new. */
    private void pushExisting(Object o) {
        charge(SLOT);
        stack.add(o);
    }

    private void charge(long bytes) {
        heap += bytes;
        if (heap > heapBudget) {
            throw new FormatProblem("pickle builds more than " + (heapBudget >> 20) + " MiB of objects, far more than "
                    + "its size justifies");
        }
    }

    /** A rough size of a new value as the reader holds it (containers with their entries). */
    private static long sizeOf(Object o) {
        if (o == null || o instanceof Boolean) {
            return 0;
        }
        if (o instanceof PickleGlobal g) {
            return 96 + 2L * (g.module().length() + g.name().length());
        }
        if (o instanceof Long || o instanceof Double) {
            return 24;
        }
        if (o instanceof String str) {
            return 48 + 2L * str.length();
        }
        if (o instanceof byte[] b) {
            return 24 + b.length;
        }
        if (o instanceof BigInteger b) {
            return 48 + b.bitLength() / 8;
        }
        if (o instanceof Tuple t) {
            return 32 + SLOT * t.size();
        }
        if (o instanceof List<?> l) {
            return 64 + SLOT * l.size();
        }
        if (o instanceof Map<?, ?> m) {
            return 64 + ENTRY * m.size();
        }
        if (o instanceof Set<?> st) {
            return 64 + ENTRY * st.size();
        }
        return 128; // tensors (their bytes are the storages'), storages, numpy dtypes
    }

    private void requireNotEmpty() {
        if (stack.size() == 0) {
            throw new FormatProblem("corrupt pickle (stack underflow)");
        }
    }

    private Object pop() {
        requireNotEmpty();
        Object o = stack.pop();
        if (o == marker) {
            throw new FormatProblem("corrupt pickle (unexpected MARK)");
        }
        return o;
    }

    private Object peek() {
        requireNotEmpty();
        Object o = stack.peek();
        if (o == marker) {
            throw new FormatProblem("corrupt pickle (unexpected MARK)");
        }
        return o;
    }

    private List<Object> popMark() {
        ArrayList<Object> items = new ArrayList<>();
        while (true) {
            if (stack.size() == 0) {
                throw new FormatProblem("corrupt pickle (MARK missing)");
            }
            Object o = stack.pop();
            if (o == marker) {
                break;
            }
            items.add(o);
        }
        Collections.reverse(items);
        return items;
    }

    private Object memoGet(int index) {
        Object o = memo.get(index);
        if (o == null && !memo.containsKey(index)) {
            throw new FormatProblem("corrupt pickle (memo entry " + index + " missing)");
        }
        return o;
    }

    private static int parseMemoIndex(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new FormatProblem("corrupt pickle (bad memo index)");
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    private int readUByte() {
        int b = in.read();
        if (b < 0) {
            throw truncated();
        }
        return b;
    }

    /** Unsigned little-endian integer of n bytes (n ≤ 8; 8 may come back negative). */
    private long readLE(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) readUByte() << (8 * i);
        }
        return v;
    }

    private long readBE8() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | readUByte();
        }
        return v;
    }

    /** Reads n bytes, refusing before allocating when the pickle does not hold them. */
    private byte[] readBytes(long n) {
        if (n < 0 || n > in.available()) {
            throw truncated();
        }
        byte[] b = new byte[(int) n];
        in.readNBytes(b, 0, b.length);
        return b;
    }

    private String readLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw truncated();
            }
            if (c == '\n') {
                return utf8(b.toByteArray());
            }
            b.write(c);
        }
    }

    private static FormatProblem truncated() {
        return new FormatProblem("pickle is truncated (a field runs past its end)");
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Object parseTextInt(String s) {
        String t = s.trim();
        if (t.equals("00")) {
            return Boolean.FALSE;
        }
        if (t.equals("01")) {
            return Boolean.TRUE;
        }
        if (t.length() > MAX_INT_DIGITS) {
            throw new FormatProblem("integer with more than " + MAX_INT_DIGITS + " digits");
        }
        try {
            return normalize(new BigInteger(t));
        } catch (NumberFormatException e) {
            throw new FormatProblem("corrupt pickle (bad integer)");
        }
    }

    private static double parseTextFloat(String s) {
        String t = s.trim();
        switch (t) {
            case "inf": return Double.POSITIVE_INFINITY;
            case "-inf": return Double.NEGATIVE_INFINITY;
            case "nan": return Double.NaN;
            default:
                if (t.length() > 1000) {
                    throw new FormatProblem("corrupt pickle (float text too long)");
                }
                try {
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new FormatProblem("corrupt pickle (bad float)");
                }
        }
    }

    private static Object twosComplement(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return normalize(new BigInteger(be));
    }

    private static Object normalize(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private static byte[] latin1(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                throw new FormatProblem("latin-1 text holds a character beyond U+00FF");
            }
            out[i] = (byte) c;
        }
        return out;
    }

    private static byte[] encode(String s, Object encoding) {
        if (!(encoding instanceof String enc)) {
            throw new FormatProblem("encoding is a " + typeName(encoding));
        }
        switch (enc.toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
            case "latin1":
            case "latin-1":
            case "iso-8859-1":
            case "iso8859-1":
                return latin1(s);
            case "utf-8":
            case "utf8":
                return s.getBytes(StandardCharsets.UTF_8);
            case "ascii":
                for (int i = 0; i < s.length(); i++) {
                    if (s.charAt(i) > 0x7f) {
                        throw new FormatProblem("ascii text holds a non-ascii character");
                    }
                }
                return s.getBytes(StandardCharsets.US_ASCII);
            default:
                throw new FormatProblem("unsupported text encoding '" + FormatProblem.printable(enc, 40) + "'");
        }
    }

    /** The Python-side name of a value's type, for messages. */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Tuple) {
            return "tuple";
        }
        if (o instanceof List) {
            return "list";
        }
        if (o instanceof Map) {
            return "dict";
        }
        if (o instanceof Set) {
            return "set";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Long || o instanceof BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof NdArray) {
            return "tensor";
        }
        if (o instanceof TorchStorage) {
            return "storage";
        }
        if (o instanceof PickleGlobal g) {
            return "global " + FormatProblem.printable(g.qualifiedName(), 100);
        }
        if (o instanceof NumpyScalars.Dtype) {
            return "numpy.dtype";
        }
        return o.getClass().getSimpleName();
    }
}
