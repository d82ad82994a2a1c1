package io.procpool.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * An output stream that writes each complete line to {@code target} with a tag in front
 * ({@code [manager] }), one write per line so that lines of the manager and of its workers
 * never interleave mid-line. Thread-safe.
 */
public final class LineTaggingStream extends OutputStream {

    /**
     * The tag of the lines the current thread (and the threads it starts) writes, over the stream's own:
     * a worker that is a thread of the manager tags its lines as a worker process's are.
     */
    private static final InheritableThreadLocal<byte[]> THREAD_TAG = new InheritableThreadLocal<>();

    private final PrintStream target;
    private final byte[] tag;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    public LineTaggingStream(PrintStream target, String tag) {
        this.target = target;
        this.tag = tag.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Tags every line the current thread, and the threads it starts from now on, writes with {@code tag}. */
    public static void tagThisThread(String tag) {
        THREAD_TAG.set(tag.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A print stream over this stream, with autoflush so each line leaves at once. */
    public static PrintStream printStream(PrintStream target, String tag) {
        return new PrintStream(new LineTaggingStream(target, tag), true, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }

    private void emit() {
        byte[] own = THREAD_TAG.get();
        byte[] tag = own != null ? own : this.tag;
        byte[] out = new byte[tag.length + line.size()];
        System.arraycopy(tag, 0, out, 0, tag.length);
        System.arraycopy(line.toByteArray(), 0, out, tag.length, line.size());
        line.reset();
        synchronized (target) {
            target.write(out, 0, out.length);
            target.flush();
        }
    }
}
