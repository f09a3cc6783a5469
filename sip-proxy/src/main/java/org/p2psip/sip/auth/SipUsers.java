package org.p2psip.sip.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users of a P2PSIP-Port and their passwords, read from the file given with {@code --users}: one
 * user a line, {@code NAME:PASSWORD} (the user part of the address-of-record, then everything after the
 * first colon is the password); blank lines and lines starting with {@code #} are ignored. A bad line
 * is an error naming the file and the line. Immutable.
 */
public final class SipUsers {
    /** Longest users file read (bytes): a bound, not a limit anyone should meet. */
    public static final long MAX_FILE_BYTES = 4 * 1024 * 1024;

    private final Map<String, String> passwords;
    private final String source;

    private SipUsers(Map<String, String> passwords, String source) {
        this.passwords = Map.copyOf(passwords);
        this.source = source;
    }

    /** Reads {@code file}; throws {@link IllegalArgumentException} naming the file and line of a bad entry. */
    public static SipUsers read(Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("users file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read users file " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    /** The users of {@code lines} (the file format), {@code source} naming them in errors. */
    public static SipUsers parse(List<String> lines, String source) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new IllegalArgumentException("users file " + source + " line " + (i + 1)
                        + ": expected NAME:PASSWORD (a non-empty name and password)");
            }
            String name = line.substring(0, colon).strip();
            if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c != '@' && c != '"')) {
                throw new IllegalArgumentException("users file " + source + " line " + (i + 1)
                        + ": bad user name '" + name + "' (no spaces, '@' or quotes)");
            }
            if (m.put(name, line.substring(colon + 1)) != null) {
                throw new IllegalArgumentException("users file " + source + " line " + (i + 1) + ": user " + name
                        + " given twice");
            }
        }
        return new SipUsers(m, source);
    }

    /** The password of {@code user}, or null if the user is not in the file. */
    public String password(String user) {
        return user == null ? null : passwords.get(user);
    }

    public boolean contains(String user) {
        return user != null && passwords.containsKey(user);
    }

    public int size() {
        return passwords.size();
    }

    /** Where the users came from (the file). */
    public String source() {
        return source;
    }
}
