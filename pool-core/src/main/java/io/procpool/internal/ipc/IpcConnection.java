package io.procpool.internal.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One end of a Unix domain socket carrying frames: {@code u32 length | u8 type | payload},
 * big-endian, where {@code length} counts the payload only.
 *
 * <p>Threads: one reader thread calls {@link #readFrame()}; any thread may call
 * {@link #send} (writes are serialized on a lock). Batching happens above this class: one
 * DELIVER or ACK frame carries many messages, so a frame costs one {@code write} call.
 */
public final class IpcConnection implements AutoCloseable {

    /** Frames larger than this are refused as corrupt rather than allocated. */
    public static final int MAX_FRAME_BYTES = 64 << 20;

    private static final int HEADER_BYTES = 5;

    private final SocketChannel channel;
    /**
     * Direct, so that a read goes from the kernel straight into it (a heap buffer costs the JDK
     * one more copy through a temporary direct buffer). Frames larger than what is buffered are
     * read straight into their payload array instead.
     */
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 << 10).flip();

    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    private final Object writeLock = new Object();

    public IpcConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Blocks for the next frame.
     *
     * @throws EOFException when the peer closed the connection
     */
    public Frame readFrame() throws IOException {
        fill(HEADER_BYTES);
        int length = in.getInt();
        FrameType type = FrameType.of(in.get());
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new IpcProtocolException("frame length " + Integer.toUnsignedString(length) + " is over the limit of "
                    + MAX_FRAME_BYTES + " bytes");
        }
        byte[] payload = new byte[length];
        if (length <= in.capacity()) {
            fill(length);
            in.get(payload);
        } else {
            int buffered = in.remaining();
            in.get(payload, 0, buffered);
            ByteBuffer rest = ByteBuffer.wrap(payload, buffered, length - buffered);
            while (rest.hasRemaining()) {
                if (channel.read(rest) < 0) {
                    throw new EOFException("peer closed the connection in the middle of a frame");
                }
            }
        }
        return new Frame(type, payload);
    }

    /** Makes at least {@code n} bytes (at most the buffer's capacity) readable in {@code in}, reading from the socket as needed. */
    private void fill(int n) throws IOException {
        if (in.remaining() >= n) {
            return;
        }
        in.compact().flip();
        while (in.remaining() < n) {
            in.position(in.limit()).limit(in.capacity());
            int r;
            try {
                r = channel.read(in);
            } finally {
                in.flip();
                in.position(0);
            }
            if (r < 0) {
                throw new EOFException("peer closed the connection");
            }
        }
    }

    /** Sends one frame; returns when the kernel has taken every byte. */
    public void send(FrameType type, byte[] payload) throws IOException {
        synchronized (writeLock) {
            header.clear();
            header.putInt(payload.length).put(type.code).flip();
            ByteBuffer[] parts = {header, ByteBuffer.wrap(payload)};
            while (parts[1].hasRemaining() || parts[0].hasRemaining()) {
                channel.write(parts);
            }
        }
    }

    /**
     * Sends one frame whose payload is {@code payload}'s remaining bytes. With a direct buffer
     * the kernel copies straight from it: the hot path reuses one instead of a new array per frame.
     */
    public void send(FrameType type, ByteBuffer payload) throws IOException {
        synchronized (writeLock) {
            header.clear();
            header.putInt(payload.remaining()).put(type.code).flip();
            ByteBuffer[] parts = {header, payload};
            while (parts[1].hasRemaining() || parts[0].hasRemaining()) {
                channel.write(parts);
            }
        }
    }

    public void send(Frame frame) throws IOException {
        send(frame.type(), frame.payload());
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort: the peer sees EOF either way
        }
    }
}
