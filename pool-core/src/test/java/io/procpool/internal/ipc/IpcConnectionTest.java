package io.procpool.internal.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames over a real Unix domain socket pair. */
class IpcConnectionTest {

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private SocketChannel clientChannel;
    private IpcConnection client;
    private IpcConnection served;

    @BeforeEach
    void connect() throws Exception {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("t.sock")));
        clientChannel = SocketChannel.open(StandardProtocolFamily.UNIX);
        clientChannel.connect(UnixDomainSocketAddress.of(dir.resolve("t.sock")));
        client = new IpcConnection(clientChannel);
        served = new IpcConnection(server.accept());
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        served.close();
        server.close();
    }

    @Test
    void carriesABatchOfDeliveriesIntact() throws Exception {
        List<Deliveries.Delivery> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(new Deliveries.Delivery(
                    i,
                    "id-" + i,
                    1 + i % 3,
                    "queue:default",
                    i % 2 == 0 ? Map.of() : Map.of("k", "v" + i),
                    ("body " + i).getBytes(StandardCharsets.UTF_8)));
        }
        client.send(FrameType.DELIVER, new Deliveries.Deliver(batch).encode());
        Frame f = served.readFrame();
        assertThat(f.type()).isEqualTo(FrameType.DELIVER);
        List<Deliveries.Delivery> got = Deliveries.Deliver.decode(f.payload()).deliveries();
        assertThat(got).hasSize(1000);
        assertThat(got.get(999).id()).isEqualTo("id-999");
        assertThat(got.get(999).headers()).containsEntry("k", "v999");
        assertThat(new String(got.get(500).body(), StandardCharsets.UTF_8)).isEqualTo("body 500");
    }

    @Test
    void framesLargerThanTheReadBufferArriveWhole() throws Exception {
        byte[] big = new byte[3 << 20];
        big[big.length - 1] = 42;
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                client.send(FrameType.SEND, new WorkerReports.Send(7, big).encode());
                client.send(FrameType.READY, new byte[0]);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        WorkerReports.Send s = WorkerReports.Send.decode(served.readFrame().payload());
        assertThat(s.slot()).isEqualTo(7);
        assertThat(s.body()).hasSize(big.length).endsWith((byte) 42);
        assertThat(served.readFrame().type()).isEqualTo(FrameType.READY);
        writer.join();
    }

    @Test
    void acksKeepTheirErrors() throws Exception {
        client.send(
                FrameType.ACK,
                new Outcomes.Ack(List.of(
                                Outcomes.Outcome.acked(1),
                                Outcomes.Outcome.failed(2, "java.lang.IllegalStateException: boom"),
                                Outcomes.Outcome.released(3)))
                        .encode());
        List<Outcomes.Outcome> got =
                Outcomes.Ack.decode(served.readFrame().payload()).outcomes();
        assertThat(got)
                .extracting(Outcomes.Outcome::result)
                .containsExactly(Outcomes.Result.ACKED, Outcomes.Result.FAILED, Outcomes.Result.RELEASED);
        assertThat(got.get(1).error()).isEqualTo("java.lang.IllegalStateException: boom");
    }

    @Test
    void peerCloseIsAnEof() {
        client.close();
        assertThatThrownBy(served::readFrame).isInstanceOf(EOFException.class);
    }

    @Test
    void aGarbageLengthIsRefusedWithoutAllocatingIt() throws Exception {
        clientChannel.write(ByteBuffer.wrap(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 4}));
        assertThatThrownBy(served::readFrame)
                .isInstanceOf(IpcProtocolException.class)
                .hasMessageContaining("over the limit");
    }

    @Test
    void anUnknownFrameTypeIsRefused() throws Exception {
        clientChannel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 99}));
        assertThatThrownBy(served::readFrame)
                .isInstanceOf(IpcProtocolException.class)
                .hasMessageContaining("unknown frame type 99");
    }
}
