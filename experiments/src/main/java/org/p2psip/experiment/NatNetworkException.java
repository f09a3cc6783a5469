package org.p2psip.experiment;

/**
 * The emulated network could not be built, changed or torn down (missing privileges or tools, a
 * failed {@code ip}/{@code nft} command, a process that would not stop). The message says what
 * failed and, for a failed command, its exit status and error output.
 */
public class NatNetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NatNetworkException(String message) {
        super(message);
    }

    public NatNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
