package io.procpool.tcp;

import io.procpool.spi.SourceConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code source.*} settings of a TCP source, validated: every bad value is refused with its
 * key. Framing follows Swoole's server settings: a length header ({@code length_type} as in
 * PHP's {@code pack()}: N, n, V, v, C; at {@code length_offset}; the body at {@code body_offset};
 * by default the length counts the body only) or a delimiter. Immutable.
 */
record TcpSettings(String host, int port, String unixPath, boolean base, boolean delimited, String lengthType,
                   int lengthOffset, int bodyOffset, boolean lengthIncludesHeader, int maxFrameBytes, byte[] delimiter,
                   boolean closeAfterReply, Duration readTimeout, Duration idleTimeout, int maxConnections,
                   int maxPendingPerConnection, String errorPrefix, String tlsCert, String tlsKey) {

    static final Set<String> KEYS = Set.of("type", "listen", "mode", "framing", "length_type", "length_offset",
            "body_offset", "length_includes_header", "max_frame_bytes", "delimiter", "close_after_reply", "read_timeout",
            "idle_timeout", "max_connections", "max_pending_per_connection", "prefetch", "error_prefix", "tls_cert", "tls_key");

    /** Keys that mean something with {@code framing: length} only. */
    private static final Set<String> LENGTH_FRAMING_KEYS = Set.of("length_type", "length_offset", "body_offset",
            "length_includes_header");

    /** Bytes of the length field for each {@code length_type}. */
    static int lengthBytes(String type) {
        return switch (type) {
            case "N", "V" -> 4;
            case "n", "v" -> 2;
            case "C" -> 1;
            default -> -1;
        };
    }

    static TcpSettings from(Map<String, String> s) throws SourceConfigException {
        for (String key : s.keySet()) {
            if (!KEYS.contains(key)) {
                throw new SourceConfigException(key, "unknown key for source type tcp (known: "
                        + String.join(", ", new TreeSet<>(KEYS)) + ")", s.get(key));
            }
        }
        String listen = s.getOrDefault("listen", "127.0.0.1:9501");
        String host = null;
        int port = 0;
        String unix = null;
        if (listen.startsWith("unix:")) {
            unix = listen.substring("unix:".length());
            if (unix.isEmpty()) {
                throw new SourceConfigException("listen", "unix: needs a socket path", listen);
            }
        } else {
            int colon = listen.lastIndexOf(':');
            host = colon <= 0 ? "127.0.0.1" : listen.substring(0, colon);
            port = integer(s, "listen", colon < 0 ? listen : listen.substring(colon + 1), 1, 65535,
                    "must be host:port, :port or unix:/path with a port from 1 to 65535");
        }
        String mode = oneOf(s, "mode", "process", Set.of("process", "base"));
        if (mode.equals("base") && unix != null) {
            throw new SourceConfigException("listen", "base mode needs a TCP port (workers share it with SO_REUSEPORT)", listen);
        }
        if (mode.equals("base") && s.containsKey("prefetch")) {
            throw new SourceConfigException("prefetch", "limits what the manager hands each worker in process mode; in base "
                    + "mode each worker reads its own connections (max_pending_per_connection bounds them)", s.get("prefetch"));
        }
        integer(s, "prefetch", s.getOrDefault("prefetch", "64"), 1, 100_000, "must be an integer from 1 to 100000");
        boolean delimited = oneOf(s, "framing", "length", Set.of("length", "delimiter")).equals("delimiter");
        for (String key : delimited ? LENGTH_FRAMING_KEYS : Set.of("delimiter")) {
            if (s.containsKey(key)) {
                throw new SourceConfigException(key, "is a setting of framing: " + (delimited ? "length" : "delimiter")
                        + ", but framing is " + (delimited ? "delimiter" : "length"), s.get(key));
            }
        }
        String lengthType = s.getOrDefault("length_type", "N");
        if (lengthBytes(lengthType) < 0) {
            throw new SourceConfigException("length_type", "must be N (u32 big-endian), n (u16 big-endian), V (u32 "
                    + "little-endian), v (u16 little-endian) or C (u8)", lengthType);
        }
        int lengthOffset = integer(s, "length_offset", s.getOrDefault("length_offset", "0"), 0, 1024, "must be 0 to 1024");
        int bodyOffset = integer(s, "body_offset", s.getOrDefault("body_offset",
                Integer.toString(lengthOffset + lengthBytes(lengthType))), lengthOffset + lengthBytes(lengthType), 2048,
                "must be at least length_offset + the length field's size");
        int maxFrame = integer(s, "max_frame_bytes", s.getOrDefault("max_frame_bytes", "2097152"), 1, 64 << 20,
                "must be 1 to 67108864 bytes");
        byte[] delimiter = unescape(s.getOrDefault("delimiter", "\\r\\n")).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (delimiter.length == 0) {
            throw new SourceConfigException("delimiter", "must not be empty", s.get("delimiter"));
        }
        return new TcpSettings(host, port, unix, mode.equals("base"), delimited, lengthType, lengthOffset, bodyOffset,
                bool(s, "length_includes_header"), maxFrame, delimiter, bool(s, "close_after_reply"),
                duration(s, "read_timeout", "30s"), duration(s, "idle_timeout", "0s"),
                integer(s, "max_connections", s.getOrDefault("max_connections", "10000"), 1, 1_000_000, "must be 1 to 1000000"),
                integer(s, "max_pending_per_connection", s.getOrDefault("max_pending_per_connection", "1024"), 1, 1_000_000,
                        "must be 1 to 1000000"),
                s.getOrDefault("error_prefix", "procpool-error: "), tlsFile(s, "tls_cert"), tlsFile(s, "tls_key"));
    }

    /** A PEM file for TLS; both or neither of tls_cert and tls_key. */
    private static String tlsFile(Map<String, String> s, String key) throws SourceConfigException {
        String other = key.equals("tls_cert") ? "tls_key" : "tls_cert";
        String v = s.get(key);
        if (v == null) {
            if (s.get(other) != null) {
                throw new SourceConfigException(key, "is needed with " + other + " (TLS takes a certificate and its key)", "");
            }
            return null;
        }
        if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(v))) {
            throw new SourceConfigException(key, "must be a readable PEM file", v);
        }
        return v;
    }

    /** Where it listens, for logs and {@code Message.source()}. */
    String address() {
        return unixPath != null ? "unix:" + unixPath : host + ":" + port;
    }

    private static String oneOf(Map<String, String> s, String key, String dflt, Set<String> allowed) throws SourceConfigException {
        String v = s.getOrDefault(key, dflt);
        if (!allowed.contains(v)) {
            throw new SourceConfigException(key, "must be one of " + String.join(", ", new TreeSet<>(allowed)), v);
        }
        return v;
    }

    private static int integer(Map<String, String> s, String key, String text, int min, int max, String problem)
            throws SourceConfigException {
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SourceConfigException(key, problem, s.getOrDefault(key, text));
    }

    private static boolean bool(Map<String, String> s, String key) throws SourceConfigException {
        String v = s.getOrDefault(key, "false");
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new SourceConfigException(key, "must be true or false", v);
        };
    }

    private static Duration duration(Map<String, String> s, String key, String dflt) throws SourceConfigException {
        String v = s.getOrDefault(key, dflt).trim();
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(v);
        if (!m.matches()) {
            throw new SourceConfigException(key, "must be a duration with a unit (500ms, 30s, 5m, 1h; 0s = none)", v);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** {@code \r \n \t \0 \\} as in a YAML single-quoted or plain string. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'r' -> '\r';
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '0' -> '\0';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
