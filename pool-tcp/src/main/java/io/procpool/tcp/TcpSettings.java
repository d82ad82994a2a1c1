package io.procpool.tcp;

import io.procpool.spi.ManagerSource;
import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceSettings;
import io.procpool.spi.WorkerSource;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code source.*} settings of a TCP source, validated: every bad value is refused with its
 * key. Framing follows Swoole's server settings: a length header ({@code length_type} as in
 * PHP's {@code pack()}: N, n, V, v, C; at {@code length_offset}; the body at {@code body_offset};
 * by default the length counts the body only) or a delimiter. They define the source: the manager's
 * listener in process mode, each worker's own in base mode. Immutable.
 */
record TcpSettings(
        String host,
        int port,
        String unixPath,
        boolean base,
        boolean delimited,
        String lengthType,
        int lengthOffset,
        int bodyOffset,
        boolean lengthIncludesHeader,
        int maxFrameBytes,
        byte[] delimiter,
        boolean closeAfterReply,
        Duration readTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxPendingPerConnection,
        int prefetch,
        String errorPrefix,
        String tlsCert,
        String tlsKey)
        implements SourceDefinition {

    static final Set<String> KEYS = Set.of(
            "listen",
            "mode",
            "framing",
            "length_type",
            "length_offset",
            "body_offset",
            "length_includes_header",
            "max_frame_bytes",
            "delimiter",
            "close_after_reply",
            "read_timeout",
            "idle_timeout",
            "max_connections",
            "max_pending_per_connection",
            "prefetch",
            "error_prefix",
            "tls_cert",
            "tls_key");

    /** Keys that mean something with {@code framing: length} only. */
    private static final Set<String> LENGTH_FRAMING_KEYS =
            Set.of("length_type", "length_offset", "body_offset", "length_includes_header");

    /** Bytes of the length field for each {@code length_type}. */
    static int lengthBytes(String type) {
        return switch (type) {
            case "N", "V" -> 4;
            case "n", "v" -> 2;
            case "C" -> 1;
            default -> -1;
        };
    }

    @Override
    public Placement placement() {
        return base ? Placement.WORKERS : Placement.MANAGER;
    }

    /** In process mode only {@code prefetch} changes on a reload: the listener was built once, at start. */
    @Override
    public boolean reloadable(String key) {
        return base || key.equals("prefetch");
    }

    @Override
    public ManagerSource managerSource() {
        return new TcpSource(
                new TcpServer(this, Math.max(1, Runtime.getRuntime().availableProcessors())));
    }

    @Override
    public WorkerSource workerSource(String poolId) {
        return new TcpSource(new TcpServer(this, 1));
    }

    static TcpSettings from(SourceSettings s) throws SourceConfigException {
        s.requireKnown(KEYS);
        String listen = s.string("listen", "127.0.0.1:9501");
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
            port = portOf(listen, colon < 0 ? listen : listen.substring(colon + 1));
        }
        boolean base = s.oneOf("mode", "process", "process", "base").equals("base");
        if (base && unix != null) {
            throw new SourceConfigException(
                    "listen", "base mode needs a TCP port (workers share it with SO_REUSEPORT)", listen);
        }
        if (base) {
            s.refuse(
                    "prefetch",
                    "limits what the manager hands each worker in process mode; in base mode each worker "
                            + "reads its own connections (max_pending_per_connection bounds them)");
        }
        int prefetch = s.integer("prefetch", 64, 1, 100_000);
        boolean delimited = s.oneOf("framing", "length", "length", "delimiter").equals("delimiter");
        for (String key : delimited ? LENGTH_FRAMING_KEYS : Set.of("delimiter")) {
            s.refuse(
                    key,
                    "is a setting of framing: " + (delimited ? "length" : "delimiter") + ", but framing is "
                            + (delimited ? "delimiter" : "length"));
        }
        String lengthType = s.string("length_type", "N");
        if (lengthBytes(lengthType) < 0) {
            throw new SourceConfigException(
                    "length_type",
                    "must be N (u32 big-endian), n (u16 big-endian), V (u32 "
                            + "little-endian), v (u16 little-endian) or C (u8)",
                    lengthType);
        }
        int lengthOffset = s.integer("length_offset", 0, 0, 1024);
        int headerEnd = lengthOffset + lengthBytes(lengthType);
        int bodyOffset = s.integer("body_offset", headerEnd, headerEnd, 2048);
        int maxFrame = s.integer("max_frame_bytes", 2 << 20, 1, 64 << 20);
        byte[] delimiter =
                unescape(s.string("delimiter", "\\r\\n")).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (delimiter.length == 0) {
            throw new SourceConfigException("delimiter", "must not be empty", s.string("delimiter", ""));
        }
        return new TcpSettings(
                host,
                port,
                unix,
                base,
                delimited,
                lengthType,
                lengthOffset,
                bodyOffset,
                s.bool("length_includes_header", false),
                maxFrame,
                delimiter,
                s.bool("close_after_reply", false),
                s.duration("read_timeout", Duration.ofSeconds(30)),
                s.duration("idle_timeout", Duration.ZERO),
                s.integer("max_connections", 10_000, 1, 1_000_000),
                s.integer("max_pending_per_connection", 1024, 1, 1_000_000),
                prefetch,
                s.string("error_prefix", "procpool-error: "),
                tlsFile(s, "tls_cert"),
                tlsFile(s, "tls_key"));
    }

    private static int portOf(String listen, String port) throws SourceConfigException {
        try {
            int p = Integer.parseInt(port.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SourceConfigException(
                "listen", "must be host:port, :port or unix:/path with a port from 1 to 65535", listen);
    }

    /** A PEM file for TLS; both or neither of tls_cert and tls_key. */
    private static String tlsFile(SourceSettings s, String key) throws SourceConfigException {
        String other = key.equals("tls_cert") ? "tls_key" : "tls_cert";
        String v = s.string(key, null);
        if (v == null) {
            if (s.has(other)) {
                throw new SourceConfigException(
                        key, "is needed with " + other + " (TLS takes a certificate and its key)", "");
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

    /** {@code \r \n \t \0 \\} as in a YAML single-quoted or plain string. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(
                        switch (n) {
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
