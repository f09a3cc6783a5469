package org.p2psip.peer;

import java.util.ArrayList;
import java.util.List;
import org.junit.rules.ExternalResource;

/**
 * What a test started (peers, phones, browsers), closed in reverse order after the test whatever its
 * outcome; a failure to close is ignored (the test's own result is what counts). Declare it as
 * {@code @Rule(order = 1)} so that it runs inside a {@code TemporaryFolder} rule: peers stop before
 * their state directories are deleted.
 */
public final class Owned extends ExternalResource {
    private final List<AutoCloseable> items = new ArrayList<>();

    /** Closes {@code item} after the test. */
    public synchronized void add(AutoCloseable item) {
        items.add(item);
    }

    @Override
    protected synchronized void after() {
        for (int i = items.size() - 1; i >= 0; i--) {
            try {
                items.get(i).close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
        items.clear();
    }
}
