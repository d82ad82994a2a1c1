package io.procpool.internal.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.PoolControl.NotRunningException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Talks to a running manager over its {@code control.sock}: one JSON request line, one JSON
 * answer line. Used by the CLI and {@link io.procpool.PoolControl}; one instance per connection, one thread.
 */
public final class ControlClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private ControlClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    public static ControlClient connect(Path runDir) throws IOException {
        Path socket = runDir.resolve("control.sock");
        if (!Files.exists(socket)) {
            throw new NotRunningException("no pool is running on run directory " + runDir
                    + " (no control.sock there); start one with `pool start`");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new NotRunningException(
                    "no pool answers on " + socket + " (" + e.getMessage() + "); its manager has exited");
        }
        return new ControlClient(ch);
    }

    /** Sends one request and returns the answer; {@code ok} in it says whether it worked. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> call(Map<String, Object> request) throws IOException {
        out.write(JSON.writeValueAsBytes(request));
        out.write('\n');
        out.flush();
        String line = in.readLine();
        if (line == null) {
            throw new NotRunningException("the manager closed the control connection without answering");
        }
        return JSON.readValue(line, Map.class);
    }

    /** Shorthand for a one-shot call. */
    public static Map<String, Object> call(Path runDir, Map<String, Object> request) throws IOException {
        try (ControlClient c = connect(runDir)) {
            return c.call(request);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
