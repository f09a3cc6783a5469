package org.p2psip.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The agent side of an {@link AgentChannel}: says {@code ready}, then reads one command per line
 * from standard input and prints one answer line per command ({@code err <exception>: <message>}
 * when the handler throws), until the input ends.
 */
final class AgentLoop {

    /** Answers one command, split at spaces. */
    @FunctionalInterface
    interface Handler {
        String handle(String[] command) throws Exception;
    }

    private AgentLoop() {
    }

    /** Standard output as an auto-flushing UTF-8 stream, for the answers. */
    static PrintStream answers() {
        return new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    }

    /** Serves commands until the end of standard input. */
    static void serve(PrintStream out, Handler handler) throws IOException {
        out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try {
                answer = handler.handle(line.trim().split(" "));
            } catch (Exception e) {
                answer = "err " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            out.println(answer.replace('\n', ' '));
        }
    }
}
