package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.EchoConsumer;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TCP settings of the table in docs/sources.md that shape frames and connections: the length framing in
 * Swoole's terms ({@code package_length_type}, {@code package_length_offset}, {@code package_body_offset}),
 * {@code idle_timeout}, {@code max_connections}, {@code max_pending_per_connection} and a {@code unix:} listener.
 */
@Timeout(120)
class TcpSettingsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private PoolProcess start(String... settings) throws Exception {
        PoolProcess pool = PoolProcess.start(dir, Pools.yaml(EchoConsumer.class.getName(), 1, dir, settings));
        pool.awaitReady(1, WAIT);
        return pool;
    }

    /**
     * A frame as a Swoole client with {@code package_length_type}, {@code package_length_offset} and
     * {@code package_body_offset} writes it: {@code offset} bytes of header, the length field, header
     * bytes up to {@code bodyOffset}, the body. Swoole's length counts from {@code package_body_offset}:
     * with a body offset the body alone, with 0 the whole frame.
     */
    private static byte[] swooleFrame(String type, int offset, int bodyOffset, boolean countsWholeFrame, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(bodyOffset + body.length);
        for (int i = 0; i < offset; i++) {
            b.put((byte) 0x5A); // a header byte the length does not cover (a magic number, a version)
        }
        long length = countsWholeFrame ? bodyOffset + body.length : body.length;
        b.order(type.equals("V") || type.equals("v") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        switch (type) {
            case "N", "V" -> b.putInt((int) length);
            case "n", "v" -> b.putShort((short) length);
            default -> b.put((byte) length);
        }
        while (b.position() < bodyOffset) {
            b.put((byte) 0x00);
        }
        return b.put(body).array();
    }

    @ParameterizedTest(name = "length_type {0}, length_offset {1}, body_offset {2}, length_includes_header {3}")
    @CsvSource({"N, 0, 4, false", "n, 2, 6, false", "V, 0, 4, true", "v, 1, 5, false", "C, 3, 8, true"})
    void aFrameInSwoolesLengthFramingIsReadAndAnsweredInTheSameFraming(
            String type, int offset, int bodyOffset, boolean includesHeader) throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = start(
                        "source.type: tcp",
                        "source.listen: 127.0.0.1:" + port,
                        "source.length_type: " + type,
                        "source.length_offset: " + offset,
                        "source.body_offset: " + bodyOffset,
                        "source.length_includes_header: " + includesHeader);
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            byte[] body = "framed body".getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(swooleFrame(type, offset, bodyOffset, includesHeader, body));
            out.write(swooleFrame(type, offset, bodyOffset, includesHeader, "second".getBytes(StandardCharsets.UTF_8)));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] reply = new byte[bodyOffset + body.length];
            in.readFully(reply);
            byte[] expected = swooleFrame(type, offset, bodyOffset, includesHeader, body);
            java.util.Arrays.fill(
                    expected, 0, offset, (byte) 0); // the pool writes zeros where the client had its header
            assertThat(HexFormat.of().formatHex(reply))
                    .as("the echo, in the same framing")
                    .isEqualTo(HexFormat.of().formatHex(expected));
            byte[] second = new byte[bodyOffset + 6];
            in.readFully(second);
            assertThat(new String(second, bodyOffset, 6, StandardCharsets.UTF_8))
                    .isEqualTo("second");
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterIdleTimeout() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool =
                        start("source.type: tcp", "source.listen: 127.0.0.1:" + port, "source.idle_timeout: 1s");
                FrameClient client = new FrameClient(port, 10_000)) {
            client.send("hello");
            assertThat(client.read()).isEqualTo("hello");
            assertThat(client.closedByServer())
                    .as("closed once idle for 1 s, within the 10 s read timeout")
                    .isTrue();
            pool.awaitStatus("counted as idle", s -> closedFor(s, "idle") == 1, WAIT);
        }
    }

    @Test
    void connectionsOverMaxConnectionsAreClosedAtOnceAndTheOthersServed() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool =
                        start("source.type: tcp", "source.listen: 127.0.0.1:" + port, "source.max_connections: 2");
                FrameClient a = new FrameClient(port, 10_000);
                FrameClient b = new FrameClient(port, 10_000)) {
            a.send("a");
            b.send("b");
            assertThat(a.read()).isEqualTo("a");
            assertThat(b.read()).isEqualTo("b");
            try (FrameClient third = new FrameClient(port, 10_000)) {
                assertThat(third.closedByServer()).isTrue();
            }
            pool.awaitStatus("counted", s -> closedFor(s, "over_max_connections") == 1, WAIT);
            a.send("still served");
            assertThat(a.read()).isEqualTo("still served");
        }
    }

    @Test
    void aConnectionWithMaxPendingUnansweredRequestsIsNotReadUntilRepliesCatchUp() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = start(
                        "source.type: tcp",
                        "source.listen: 127.0.0.1:" + port,
                        "source.max_pending_per_connection: 4",
                        "app.jitter_us: 200000");
                FrameClient client = new FrameClient(port, 30_000)) {
            for (int i = 0; i < 20; i++) {
                client.send("p" + i);
            }
            long most = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, Object> tcp = tcp(pool.status());
                most = Math.max(
                        most, ((Number) tcp.get("waiting")).longValue() + ((Number) tcp.get("in_flight")).longValue());
                Thread.sleep(20);
            }
            assertThat(most)
                    .as("requests of the connection in the pool at once")
                    .isBetween(1L, 4L);
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                replies.add(client.read());
            }
            assertThat(replies)
                    .as("all answered, in order")
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20)
                            .mapToObj(i -> "p" + i)
                            .toList());
        }
    }

    @Test
    void aUnixSocketListenerServesFramesInProcessMode() throws Exception {
        Path socket = dir.resolve("echo.sock");
        try (PoolProcess pool = start("source.type: tcp", "source.listen: 'unix:" + socket + "'");
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(FrameClient.frame("over a unix socket"));
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            DataInputStream data = new DataInputStream(in);
            byte[] reply = new byte[data.readInt()];
            data.readFully(reply);
            assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("over a unix socket");
        }
    }

    private static Map<String, Object> tcp(PoolStatus status) {
        return status.pool().sourceStats();
    }

    @SuppressWarnings("unchecked")
    private static long closedFor(PoolStatus status, String cause) {
        return ((Number) ((Map<String, Object>) tcp(status).get("closed_for")).get(cause)).longValue();
    }
}
