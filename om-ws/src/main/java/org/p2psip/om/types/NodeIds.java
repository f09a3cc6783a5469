package org.p2psip.om.types;

import java.util.regex.Pattern;

/** Node ids of the OM IF: the lookup-service node id, lower-case hex, 8 to 64 digits. */
public final class NodeIds {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{8,64}");

    private NodeIds() {
    }

    public static boolean isValid(String id) {
        return id != null && HEX.matcher(id).matches();
    }

    /** Lower-cases {@code id} and checks it; throws {@link IllegalArgumentException} if it is no node id. */
    public static String normalize(String id) {
        String n = id == null ? null : id.trim().toLowerCase(java.util.Locale.ROOT);
        if (!isValid(n)) {
            throw new IllegalArgumentException("not a node id (8 to 64 hex digits): '" + id + "'");
        }
        return n;
    }

    /** A short form for logs: the first 8 digits. */
    public static String shortId(String id) {
        return id == null ? "?" : id.length() <= 8 ? id : id.substring(0, 8);
    }
}
