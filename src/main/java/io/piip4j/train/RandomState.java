package io.piip4j.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * A {@link Random}'s exact state as bytes (its serialised form), so a resumed run continues the
 * same draws. Reading accepts a serialised {@code java.util.Random} and nothing else.
 */
public final class RandomState {
    private RandomState() {
    }

    public static byte[] save(Random r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(b)) {
            o.writeObject(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** The generator {@link #save} captured; {@code source} names the checkpoint in errors. */
    public static Random load(byte[] state, String source) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(state))) {
            // checkpoints are untrusted input: nothing but a Random is ever deserialised
            in.setObjectInputFilter(java.io.ObjectInputFilter.Config.createFilter("java.util.Random;maxdepth=2;maxrefs=8;maxbytes=1024;!*"));
            if (in.readObject() instanceof Random r && r.getClass() == Random.class) {
                return r;
            }
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            // reported below
        }
        throw new io.piip4j.weights.CheckpointException(source + ": the sampler's random state is not readable");
    }
}
