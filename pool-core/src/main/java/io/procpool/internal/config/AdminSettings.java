package io.procpool.internal.config;

import java.net.InetSocketAddress;

/**
 * The manager's HTTP admin endpoint ({@code http.*}): where it listens, and how many READY workers make
 * the pool ready. Off unless {@code http.listen} is set; a bare port listens on the loopback address.
 * The manager's own keys: set at the top of the file, read at start (a reload cannot move it). Immutable.
 *
 * @param listen the address to bind, or null when the endpoint is off
 * @param readyMin READY workers {@code /health/ready} needs; 0 means every worker the pool should run
 */
public record AdminSettings(InetSocketAddress listen, int readyMin) {

    public static final AdminSettings OFF = new AdminSettings(null, 0);

    static AdminSettings from(ConfigValues v) {
        String listen = v.string("http.listen", null);
        int readyMin = v.intIn("http.ready_min", 0, 0, PoolConfig.MAX_WORKERS);
        if (listen == null) {
            if (v.string("http.ready_min", null) != null) {
                throw ConfigException.invalid(
                        "http.ready_min",
                        "needs http.listen: the HTTP endpoint is off",
                        v.string("http.ready_min", null),
                        v.origin("http.ready_min"));
            }
            return OFF;
        }
        return new AdminSettings(address(listen.trim(), v), readyMin);
    }

    /** {@code host:port}, {@code :port} or {@code port}; without a host, the loopback address. */
    private static InetSocketAddress address(String listen, ConfigValues v) {
        int colon = listen.lastIndexOf(':');
        String host = colon <= 0 ? "127.0.0.1" : listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535) {
            throw ConfigException.invalid(
                    "http.listen",
                    "must be host:port, :port or port, with a port from 1 to 65535",
                    listen,
                    v.origin("http.listen"));
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw ConfigException.invalid(
                    "http.listen", "names a host that does not resolve: " + host, listen, v.origin("http.listen"));
        }
        return address;
    }

    public boolean on() {
        return listen != null;
    }

    /** {@code http.listen} as a person writes it ({@code 127.0.0.1:9464}), or {@code off}. */
    public String shownListen() {
        return listen == null ? "off" : listen.getHostString() + ":" + listen.getPort();
    }
}
