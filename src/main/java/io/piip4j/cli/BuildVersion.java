package io.piip4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code piip --version}: the version Maven built (io/piip4j/version.properties, filtered at build time). */
final class BuildVersion implements IVersionProvider {
    /** The build's version, e.g. 0.1.0-SNAPSHOT. */
    static String version() {
        try (InputStream in = BuildVersion.class.getResourceAsStream("/io/piip4j/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"piip4j " + version() + " (libtorch 2.10 via JavaCPP)"};
    }
}
