package org.p2psip.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The one command-line parser of {@code ./p2psip} and its parts: {@code --name VALUE},
 * {@code --name=VALUE}, value-less flags, {@code --help}/{@code -h}, and, when an option named
 * {@code config} is declared, a {@code key=value} file with the same names (flags override the
 * file, the file overrides the defaults). Every error is an {@link IllegalArgumentException} with
 * one line naming the option and what it must be.
 */
public final class Options {

    /** One declared option; {@code defaultValue} null means "no default". */
    public record Option(String name, String defaultValue, String help, boolean flag) {
        /** An option that takes a value. */
        public static Option value(String name, String defaultValue, String help) {
            return new Option(name, defaultValue, help, false);
        }

        /** A flag: present or not, no value. */
        public static Option flag(String name, String help) {
            return new Option(name, null, help, true);
        }
    }

    private final String command;
    private final Map<String, Option> declared;
    private final Map<String, String> values;
    private final List<String> operands;
    private final boolean help;

    private Options(String command, Map<String, Option> declared, Map<String, String> values, List<String> operands, boolean help) {
        this.command = command;
        this.declared = declared;
        this.values = values;
        this.operands = operands;
        this.help = help;
    }

    /** Parses {@code args} against {@code options}; any argument that is not an option is an error. */
    public static Options parse(String command, List<Option> options, String... args) {
        Options o = parseWithOperands(command, options, args);
        if (!o.operands.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + o.operands.get(0) + "' (see " + command + " --help)");
        }
        return o;
    }

    /** Like {@link #parse}, but arguments that are not options are kept, in order, as {@link #operands()}. */
    public static Options parseWithOperands(String command, List<Option> options, String... args) {
        Map<String, Option> declared = new LinkedHashMap<>();
        for (Option o : options) {
            declared.put(o.name(), o);
        }
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> operands = new ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                operands.add(a);
                continue;
            }
            String key = a.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            Option o = declared.get(key);
            if (o == null) {
                throw new IllegalArgumentException("unknown option: --" + key + " (see " + command + " --help)");
            }
            if (o.flag()) {
                if (value != null) {
                    throw new IllegalArgumentException("--" + key + " takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args[++i];
            }
            flags.put(key, value);
        }
        Map<String, String> merged = new LinkedHashMap<>();
        for (Option o : options) {
            if (o.defaultValue() != null) {
                merged.put(o.name(), o.defaultValue());
            }
        }
        String file = declared.containsKey("config") ? flags.get("config") : null;
        if (file != null) {
            merged.putAll(readFile(command, declared, Path.of(file)));
        }
        merged.putAll(flags);
        return new Options(command, declared, merged, Collections.unmodifiableList(operands), help);
    }

    private static Map<String, String> readFile(String command, Map<String, Option> declared, Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file.toAbsolutePath() + " (--config): it does not exist");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file.toAbsolutePath()
                    + " (--config): permission denied for this user");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file.toAbsolutePath() + " (--config): "
                    + (Files.isDirectory(file) ? "it is a directory" : e.getMessage() + " (" + e.getClass().getSimpleName() + ")"));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            String key = k.trim();
            if (!declared.containsKey(key)) {
                throw new IllegalArgumentException("unknown option: " + key + " in " + file + " (see " + command + " --help)");
            }
            out.put(key, p.getProperty(k).trim());
        }
        return out;
    }

    /** The option list as {@code --help} prints it: one line per option, default in brackets. */
    public static String help(List<Option> options) {
        StringBuilder sb = new StringBuilder();
        for (Option o : options) {
            String left = o.flag() ? o.name() : o.name() + " X";
            sb.append(String.format(Locale.ROOT, "  --%-22s %s%s%n", left, o.help(),
                    o.defaultValue() == null ? "" : " [" + o.defaultValue() + "]"));
        }
        return sb.toString();
    }

    /** Whether {@code --help} or {@code -h} was given. */
    public boolean help() {
        return help;
    }

    /** Arguments that are not options (only with {@link #parseWithOperands}). */
    public List<String> operands() {
        return operands;
    }

    /** Every option with a value (given, from the file, or default), in declaration order. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** Whether the option has a value (given, from the file, or a default). */
    public boolean has(String name) {
        return values.containsKey(check(name));
    }

    /** The option's text, or null when it has none. */
    public String get(String name) {
        return values.get(check(name));
    }

    /** The option's text; an error naming it when absent. */
    public String require(String name) {
        String v = get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required (see " + command + " --help)");
        }
        return v;
    }

    public boolean flag(String name) {
        return "true".equals(get(name));
    }

    /** A whole number within {@code [min, max]}. */
    public long number(String name, long min, long max) {
        String v = require(name);
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a number from " + min + " to " + max + ", not '" + v + "'");
        }
    }

    /** A non-negative whole number. */
    public long number(String name) {
        String v = require(name);
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a non-negative number, not '" + v + "'");
        }
    }

    /** A port number 0-65535 (0: any free port). */
    public int port(String name) {
        String v = require(name);
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || n > 65535) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a port number 0-65535, not '" + v + "'");
        }
    }

    /** Seconds within {@code [min, max]}. */
    public Duration seconds(String name, long min, long max) {
        return Duration.ofSeconds(number(name, min, max));
    }

    /** {@code on} or {@code off}. */
    public boolean onOff(String name) {
        String v = require(name);
        if ("on".equals(v)) {
            return true;
        }
        if ("off".equals(v)) {
            return false;
        }
        throw new IllegalArgumentException("--" + name + " must be on or off, not '" + v + "'");
    }

    /** One of an enum's constants, written in lower case with '-' for '_'. */
    public <E extends Enum<E>> E choice(Class<E> type, String name) {
        String v = require(name);
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + " must be one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT).replace('_', '-') + ", not '" + v + "'");
        }
    }

    /** {@code HOST:PORT} of something to reach (port 1-65535). */
    public HostPort hostPort(String name) {
        String v = require(name);
        try {
            return HostPort.parseRemote(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + " needs HOST:PORT, not '" + v + "'");
        }
    }

    private String check(String name) {
        if (!declared.containsKey(name)) {
            throw new IllegalStateException("option --" + name + " is not declared for " + command);
        }
        return name;
    }

    @Override
    public String toString() {
        return command + " " + values;
    }
}
