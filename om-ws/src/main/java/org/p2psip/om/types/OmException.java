package org.p2psip.om.types;

/**
 * A failure of an OM IF operation, typed like the faults the WSDL declares (plus the client-side
 * kinds {@link Kind#UNREACHABLE} and {@link Kind#PROTOCOL}). {@link #subject()} names the SATO,
 * session, resource or field concerned.
 */
public class OmException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        UNKNOWN_SATO, UNKNOWN_SESSION, UNSUPPORTED_TRANSPORT, RESOURCES_EXHAUSTED, INVALID_REQUEST,
        /** The remote OM could not be reached (connection refused, timeout). */
        UNREACHABLE,
        /** The remote OM answered with something that is not a declared fault of the OM IF. */
        PROTOCOL
    }

    private final Kind kind;
    private final String subject;

    public OmException(Kind kind, String subject, String message) {
        super(message);
        this.kind = kind;
        this.subject = subject == null ? "" : subject;
    }

    public OmException(Kind kind, String subject, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.subject = subject == null ? "" : subject;
    }

    public Kind kind() {
        return kind;
    }

    public String subject() {
        return subject;
    }

    public static OmException unknownSato(String satoId) {
        return new OmException(Kind.UNKNOWN_SATO, satoId, "unknown SATO '" + satoId + "'");
    }

    public static OmException unknownSession(String sessionId) {
        return new OmException(Kind.UNKNOWN_SESSION, sessionId, "unknown session '" + sessionId + "'");
    }

    public static OmException invalid(String field, String message) {
        return new OmException(Kind.INVALID_REQUEST, field, message);
    }

    @Override
    public String toString() {
        return kind + (subject.isEmpty() ? "" : "(" + subject + ")") + ": " + getMessage();
    }
}
