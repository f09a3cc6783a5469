package org.p2psip.phone;

/**
 * A continuous sine tone at 8 kHz, cut into 20 ms PCMU frames (160 mu-law bytes each). Not thread-safe:
 * one sender uses it.
 */
public final class Tone {

    /** Samples per second of PCMU. */
    public static final int SAMPLE_RATE = 8000;
    /** Samples (and bytes) per 20 ms frame. */
    public static final int FRAME_SAMPLES = 160;

    private final double phaseStep;
    private final double amplitude;
    private double phase;

    /** A tone of {@code hertz} at about -10 dBFS. */
    public Tone(double hertz) {
        if (hertz <= 0 || hertz >= SAMPLE_RATE / 2.0) {
            throw new IllegalArgumentException("tone frequency must be in (0, 4000) Hz: " + hertz);
        }
        this.phaseStep = 2 * Math.PI * hertz / SAMPLE_RATE;
        this.amplitude = 0.316 * Short.MAX_VALUE;
    }

    /** The next 20 ms of the tone, mu-law encoded, written to {@code out[offset .. offset+160)}. */
    public void nextFrame(byte[] out, int offset) {
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            out[offset + i] = MuLaw.encode((short) Math.round(amplitude * Math.sin(phase)));
            phase += phaseStep;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;
            }
        }
    }
}
