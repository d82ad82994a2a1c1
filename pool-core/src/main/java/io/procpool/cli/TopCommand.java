package io.procpool.cli;

import io.procpool.PoolControl;
import io.procpool.internal.ExitCode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pool top}: a live view of the pool ({@link TopView}) redrawn every second on the terminal's
 * alternate screen with JLine, until {@code q} or Ctrl-C; {@code -n N} prints N frames as plain lines
 * and exits, as {@code top -n} does, with or without a terminal. The CLI's thread; JLine's signal
 * handler sets the quit flag.
 */
@Command(
        name = "top",
        description = "A live view of the pool's workers, redrawn every second; q quits. -n N prints N frames.")
final class TopCommand implements Callable<Integer> {

    private static final long REFRESH_MS = 1_000;

    @Mixin
    PoolOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "-n",
            paramLabel = "N",
            description = "Print N frames a second apart as plain lines, then exit (no terminal needed).")
    Integer frames;

    @Override
    public Integer call() throws Exception {
        if (frames != null && frames < 1) {
            throw new ParameterException(spec.commandLine(), "-n must be at least 1, but was " + frames);
        }
        PoolControl control = PoolControl.of(options.runDir());
        TopView view = new TopView();
        if (frames != null) {
            printFrames(control, view, System.out);
            return ExitCode.OK;
        }
        if (!Terminal.attached()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "pool top needs a terminal to draw on; -n N prints N frames without one (or use pool status --watch)");
        }
        try (org.jline.terminal.Terminal terminal =
                TerminalBuilder.builder().system(true).build()) {
            live(terminal, control, view);
        }
        return ExitCode.OK;
    }

    private void printFrames(PoolControl control, TopView view, PrintStream out) throws Exception {
        for (int i = 0; i < frames; i++) {
            if (i > 0) {
                Thread.sleep(REFRESH_MS);
                out.println();
            }
            view.frame(control.status(), System.nanoTime()).forEach(out::println);
            out.flush();
        }
    }

    /** Redraws every second until q, Ctrl-C or the end of input; the terminal is restored however it ends. */
    private static void live(org.jline.terminal.Terminal terminal, PoolControl control, TopView view)
            throws IOException {
        AtomicBoolean quit = new AtomicBoolean();
        terminal.handle(org.jline.terminal.Terminal.Signal.INT, s -> quit.set(true));
        Attributes saved = terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        try {
            Display display = new Display(terminal, true);
            NonBlockingReader keys = terminal.reader();
            while (!quit.get()) {
                Size size = terminal.getSize();
                int rows = size.getRows() > 0 ? size.getRows() : 24;
                int columns = size.getColumns() > 0 ? size.getColumns() : 80;
                display.resize(Size.of(columns, rows));
                display.update(screen(view.frame(control.status(), System.nanoTime()), rows, columns), -1);
                terminal.flush();
                long until = System.nanoTime() + REFRESH_MS * 1_000_000;
                long left;
                while (!quit.get() && (left = (until - System.nanoTime()) / 1_000_000) > 0) {
                    int c = keys.read(left);
                    if (c == 'q' || c == 'Q' || c == NonBlockingReader.EOF || c == 3) {
                        quit.set(true);
                    }
                }
            }
        } finally {
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.setAttributes(saved);
            terminal.flush();
        }
    }

    /** The frame cut to the screen, the column header in inverse video, the key help on the last line. */
    private static List<AttributedString> screen(List<String> lines, int rows, int columns) {
        List<AttributedString> screen = new ArrayList<>();
        for (String line : lines) {
            if (screen.size() == rows - 1) {
                break;
            }
            String cut = line.length() > columns ? line.substring(0, columns) : line;
            screen.add(
                    line.equals(TopView.HEADER)
                            ? new AttributedString(cut, AttributedStyle.INVERSE)
                            : new AttributedString(cut));
        }
        while (screen.size() < rows - 1) {
            screen.add(AttributedString.EMPTY);
        }
        String help = "q quits · every 1 s · " + StatusCommand.frameTime(ZonedDateTime.now(ZoneId.systemDefault()));
        screen.add(new AttributedString(
                help.length() > columns ? help.substring(0, columns) : help, AttributedStyle.BOLD));
        return screen;
    }
}
