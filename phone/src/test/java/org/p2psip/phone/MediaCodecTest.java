package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** G.711 mu-law and the 440 Hz tone. */
public class MediaCodecTest {

    @Test
    public void muLawKnownValues() {
        assertEquals((byte) 0xFF, MuLaw.encode((short) 0));
        assertEquals((byte) 0x80, MuLaw.encode(Short.MAX_VALUE));
        assertEquals((byte) 0x00, MuLaw.encode(Short.MIN_VALUE));
        assertEquals(0, MuLaw.decode((byte) 0xFF));
    }

    @Test
    public void muLawRoundTripKeepsSignAndMagnitude() {
        for (int s = -32768; s <= 32767; s += 7) {
            short back = MuLaw.decode(MuLaw.encode((short) s));
            int err = Math.abs(back - s);
            // quantisation step grows with the segment: at most about 1/16 of the magnitude (+ the bias step)
            assertTrue("sample " + s + " -> " + back, err <= Math.abs(s) / 16 + 132);
            if (Math.abs(s) > 200) {
                assertEquals("sign of " + s, Integer.signum(s), Integer.signum(back));
            }
        }
    }

    @Test
    public void toneIsA440HzSineOf160BytesPerFrame() {
        Tone tone = new Tone(440);
        double[] samples = new double[Tone.SAMPLE_RATE];
        byte[] frame = new byte[Tone.FRAME_SAMPLES];
        for (int f = 0; f < Tone.SAMPLE_RATE / Tone.FRAME_SAMPLES; f++) {
            tone.nextFrame(frame, 0);
            for (int i = 0; i < frame.length; i++) {
                samples[f * Tone.FRAME_SAMPLES + i] = MuLaw.decode(frame[i]);
            }
        }
        double at440 = goertzel(samples, 440);
        double at1000 = goertzel(samples, 1000);
        double at300 = goertzel(samples, 300);
        assertTrue("440 Hz dominates: " + at440 + " vs " + at1000, at440 > 100 * at1000);
        assertTrue("440 Hz dominates: " + at440 + " vs " + at300, at440 > 100 * at300);
    }

    private static double goertzel(double[] x, double hz) {
        double w = 2 * Math.PI * hz / Tone.SAMPLE_RATE;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (double v : x) {
            double s = v + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }
}
