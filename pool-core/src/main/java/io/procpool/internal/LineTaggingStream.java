package io.procpool.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that writes each complete line to {@code target} in the log's form ({@link
 * LogLines}: a tag in front, {@code [manager] }, or a JSON object), one write per line so that lines of
 * the manager and of its workers never interleave mid-line. Thread-safe.
 */
public final class LineTaggingStream extends OutputStream {

    /** A tag and the writer it stands for. */
    private record Tag(String text, LogLines.Writer writer) {}

    /**
     * The tag of the lines the current thread (and the threads it starts) writes, over the stream's own:
     * a worker that is a thread of the manager tags its lines as a worker process's are.
     */
    private static final InheritableThreadLocal<Tag> THREAD_TAG = new InheritableThreadLocal<>();

    private final PrintStream target;
    private final Tag tag;
    private final boolean stderr;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    public LineTaggingStream(PrintStream target, String tag, boolean stderr) {
        this.target = target;
        this.tag = new Tag(tag, LogLines.Writer.manager());
        this.stderr = stderr;
    }

    /** Tags every line the current thread, and the threads it starts from now on, writes as slot {@code slot}'s. */
    public static void tagThisThread(String tag, String group, int slot) {
        THREAD_TAG.set(new Tag(
                tag, new LogLines.Writer(group, slot, ProcessHandle.current().pid())));
    }

    /** A print stream over this stream, with autoflush so each line leaves at once. */
    public static PrintStream printStream(PrintStream target, String tag, boolean stderr) {
        return new PrintStream(new LineTaggingStream(target, tag, stderr), true, StandardCharsets.UTF_8);
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
        Tag own = THREAD_TAG.get();
        Tag t = own != null ? own : this.tag;
        String raw = line.toString(StandardCharsets.UTF_8);
        line.reset();
        int end = raw.length() - 1; // the newline
        if (end > 0 && raw.charAt(end - 1) == '\r') {
            end--;
        }
        byte[] out = (LogLines.current().line(t.text(), t.writer(), stderr, raw.substring(0, end)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        synchronized (target) {
            target.write(out, 0, out.length);
            target.flush();
        }
    }
}
