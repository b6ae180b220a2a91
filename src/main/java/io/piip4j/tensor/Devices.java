package io.piip4j.tensor;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Where tensors live. CPU by default; "cuda" / "cuda:N" with the CUDA build of the natives
 * ({@code mvn -Pgpu package}). On CUDA, TF32 is switched off so float32 products keep float32
 * precision, as the parity bound assumes.
 */
public final class Devices {
    private Devices() {
    }

    /** Parses "cpu", "cuda" or "cuda:N", failing clearly when CUDA is not available. */
    public static Device parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("cpu")) {
            return new Device("cpu");
        }
        if (n.equals("cuda") || n.matches("cuda:\\d+")) {
            if (!torch.cuda_is_available()) {
                throw new IllegalArgumentException("device '" + name + "': CUDA is not available (build with mvn -Pgpu package on a "
                        + "machine with an NVIDIA GPU and driver)");
            }
            torch.globalContext().setFloat32MatmulPrecision("highest");
            torch.globalContext().setAllowTF32CuDNN(false);
            return new Device(n);
        }
        throw new IllegalArgumentException("device '" + name + "': expected cpu, cuda or cuda:N");
    }

    /** {@code t} on the device of {@code like} (the same tensor when it is already there). */
    public static Tensor onDeviceOf(Tensor t, Tensor like) {
        return t.device().type().value == like.device().type().value && t.device().index() == like.device().index()
                ? t : t.to(like.device(), t.scalar_type());
    }
}
