package io.procpool.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The version of procpool this CLI belongs to, as the build wrote it into {@code io/procpool/version.properties}
 * (so it is right in a jar, a distribution and a test's class directory alike). Stateless; any thread.
 */
public final class Version implements CommandLine.IVersionProvider {

    /** The build's project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return property("version");
    }

    /** A value the build wrote beside the version, e.g. {@code junit.version} for {@code pool init}. */
    static String property(String key) {
        try (InputStream in = Version.class.getResourceAsStream("/io/procpool/version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/procpool/version.properties is missing: a build without resources");
            }
            Properties p = new Properties();
            p.load(in);
            String value = p.getProperty(key);
            if (value == null) {
                throw new IllegalStateException("io/procpool/version.properties has no " + key);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"procpool " + current() + " (Java " + Runtime.version() + ")"};
    }
}
