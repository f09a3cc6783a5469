package org.p2psip.peer;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.p2psip.common.ChildJvm;
import org.p2psip.control.ControlBounds;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.ParentWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SATO-Port run as a child process of the Overlay Manager, as in the prototype: started
 * with the same Java and classpath as the OM ({@code org.p2psip.peer.cli.P2psip <command> --control
 * SOCKET ...}), connected over its control socket, restarted if it dies (at most
 * {@value #MAX_RESTARTS} times), and stopped with {@code port.shutdown}, then a signal. It ends
 * by itself when the OM's process ends, SIGKILL included ({@link ParentWatch}), and its JVM has a
 * heap bound and exits on OutOfMemoryError (the OM then restarts it).
 * Its output goes to {@code <state-dir>/<name>.log}.
 */
public final class SatoPortProcess extends ControlledSatoPort {
    private static final Logger log = LoggerFactory.getLogger(SatoPortProcess.class);
    static final int MAX_RESTARTS = 3;
    static final String CHILD_JVM_OPTIONS = "-Xmx160m -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -XX:+ExitOnOutOfMemoryError";

    private final String command;
    private final List<String> args;
    private final Path logFile;
    private volatile Process process;
    private volatile boolean stopping;
    private int restarts;

    public SatoPortProcess(String name, String command, List<String> args, Path socket, Path stateDir, ControlHandler handler) {
        super(name, socket, handler);
        this.command = command;
        this.args = List.copyOf(args);
        this.logFile = stateDir.resolve(name + ".log");
    }

    @Override
    public synchronized void start(Duration timeout) throws IOException, ControlException {
        launch();
        connect(timeout);
        log.info("SATO-Port {} started as process {} (control socket {})", name, process.pid(), socket);
    }

    private void launch() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(List.of(System.getProperty("p2psip.child.jvm", CHILD_JVM_OPTIONS).trim().split("\\s+")));
        cmd.addAll(ChildJvm.sharedArchiveOptions());
        cmd.add("-D" + ParentWatch.PROPERTY + "=" + ProcessHandle.current().pid()); // ends with this OM, however it ends
        cmd.addAll(ControlBounds.childOptions()); // --control-bounds, when given
        String level = System.getProperty("p2psip.log.level");
        if (level != null) {
            cmd.add("-Dp2psip.log.level=" + level);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.p2psip.peer.cli.P2psip");
        cmd.add(command);
        cmd.add("--control");
        cmd.add(socket.toString());
        cmd.addAll(args);
        Files.createDirectories(logFile.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.directory(new File(System.getProperty("user.dir")));
        Process p = pb.start();
        process = p;
        p.onExit().thenAccept(this::exited);
    }

    private void exited(Process p) {
        if (stopping || p != process) {
            return;
        }
        synchronized (this) {
            if (restarts >= MAX_RESTARTS) {
                log.error("SATO-Port {} died (exit {}) and was restarted {} times already; giving up. See {}",
                        name, p.exitValue(), restarts, logFile);
                return;
            }
            restarts++;
            log.warn("SATO-Port {} died (exit {}); restarting ({} of {}). See {}", name, p.exitValue(), restarts, MAX_RESTARTS, logFile);
            try {
                launch(); // the control client reconnects by itself once the new process listens
            } catch (IOException e) {
                log.error("Could not restart SATO-Port {}: {}", name, e.getMessage());
            }
        }
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    @Override
    public void close() {
        stopping = true;
        ControlClient c = control();
        Process p = process;
        if (c != null && p != null && p.isAlive()) {
            try {
                c.call(ControlMessage.request(MessageTypes.PORT_SHUTDOWN), Duration.ofSeconds(3));
            } catch (ControlException e) {
                log.debug("{}: shutdown request: {}", name, e.getMessage());
            }
        }
        if (c != null) {
            c.close();
        }
        if (p != null) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    log.warn("SATO-Port {} did not stop within 5 s; terminating it", name);
                    p.destroy();
                    if (!p.waitFor(3, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(3, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            log.info("SATO-Port {} stopped", name);
        }
    }
}
