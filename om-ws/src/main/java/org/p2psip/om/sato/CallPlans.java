package org.p2psip.om.sato;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;
import org.p2psip.om.records.PeerRecord;

/**
 * What the caller's OM decided for each call while it set up the call's signalling SATO (the far
 * peer, the relay, why), kept for the call's media SATOs. The caller's P2PSIP-Port asks for media
 * in parallel with the signalling SATO, so a media request may wait here for the plan. At most
 * {@value #MAX_CALLS} calls; a plan goes when its signalling SATO is torn down or nobody waited in time.
 */
final class CallPlans {
    static final int MAX_CALLS = 10_000;

    /** The plan of one call. */
    record CallPlan(String call, String signallingSato, PeerRecord peer, RelayPolicy.Decision decision) {
        boolean relayed() {
            return decision.relayed();
        }

        /** The relay RTP-Port's peer, or null. */
        PeerRecord relay() {
            return decision.relay();
        }

        String reason() {
            return decision.reason();
        }
    }

    private final Map<String, CompletableFuture<CallPlan>> byCall = new ConcurrentHashMap<>();
    private final Map<String, CallPlan> bySato = new ConcurrentHashMap<>();

    void decided(CallPlan plan) {
        bySato.put(plan.signallingSato(), plan);
        future(plan.call()).complete(plan);
    }

    void failed(String call, Exception e) {
        CompletableFuture<CallPlan> f = byCall.remove(call);
        if (f != null) {
            f.completeExceptionally(e);
        }
    }

    /** The plan made with signalling SATO {@code sato}, or null. */
    CallPlan ofSignallingSato(String sato) {
        return sato == null ? null : bySato.get(sato);
    }

    /** Waits for the plan of {@code call}, whose signalling SATO is being set up. */
    CallPlan await(String call, long timeoutSeconds) throws ControlException {
        CompletableFuture<CallPlan> f = future(call);
        try {
            return f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            byCall.remove(call, f);
            throw new ControlException(ErrorCode.UNAVAILABLE, "media SATO for call " + call + ": no signalling SATO ("
                    + (e instanceof TimeoutException ? "not ready in time" : e.getCause().getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted");
        }
    }

    /** Forgets the plan made with signalling SATO {@code sato} (it was torn down). */
    void forget(String sato) {
        CallPlan p = bySato.remove(sato);
        if (p != null) {
            byCall.computeIfPresent(p.call(), (k, f) -> f.isDone() && !f.isCompletedExceptionally()
                    && f.join().signallingSato().equals(sato) ? null : f);
        }
    }

    private CompletableFuture<CallPlan> future(String call) {
        CompletableFuture<CallPlan> f = byCall.get(call);
        if (f != null) {
            return f;
        }
        if (byCall.size() >= MAX_CALLS) {
            return CompletableFuture.failedFuture(new IllegalStateException("more than " + MAX_CALLS + " calls in progress"));
        }
        return byCall.computeIfAbsent(call, k -> new CompletableFuture<>());
    }
}
