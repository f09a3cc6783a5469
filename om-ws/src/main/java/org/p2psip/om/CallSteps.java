package org.p2psip.om;

/**
 * The overlay's steps of a call as arrows between the boxes of the paper's figures, for the call
 * ladder of the peer's web view: the same steps {@link Flow} narrates, with the call (or the SATO) they
 * belong to. {@link #NONE} (the default) when nobody records them. The lanes are the constants here;
 * a step's {@code call} may be null when only its {@code sato} is known (the recorder maps SATOs to
 * calls from the earlier steps that named both).
 */
public interface CallSteps {
    String PORT = "P2PSIP-Port";
    String OM = "OM";
    String LOOKUP = "lookup service";
    String RTP = "RTP-Port";
    String FAR_OM = "far OM";
    String RELAY = "relay";

    /** A step from lane {@code from} to lane {@code to}, {@code label} its name, {@code detail} what it carried. */
    void step(String call, String sato, String from, String to, String label, String detail);

    CallSteps NONE = (call, sato, from, to, label, detail) -> {
    };
}
