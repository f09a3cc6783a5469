/*
 * om_client: a gSOAP 2.8 client of the OM IF, generated from wsdl/om-if-v1.wsdl (wsdl2h -c,
 * soapcpp2 -c). It plays a legacy peer that talks to a Java Overlay Manager.
 *
 *   om_client check URL CALLER_NODE_ID EXPECTED_NODE_ID
 *       calls every OM IF operation, checks each answer (and the declared faults), prints one
 *       "OK ..." or "FAIL ..." line per check; exit 0 only if every check passed. AdaptSato and
 *       ReportPath go to call "gsoap-call@legacy" (media SATO gsoap-media-1), which the OM under
 *       test must know, with the figures printed in their OK lines, and to call
 *       "no-such-call@legacy", which it must not know.
 *   om_client bench URL CALLER_NODE_ID WARMUP COUNT
 *       Ping round trips over one kept-alive connection; prints count, median, p99 and mean.
 *
 * om_client_tls (built with -DWITH_OPENSSL) speaks HTTPS with client certificates to a secured
 * overlay's OM (URL https://...) when OMIF_TLS_CA and OMIF_TLS_KEY are set (omif_tls.h);
 * CALLER_NODE_ID must then be the Node-ID in its certificate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "soapH.h"
#include "OverlayManagerSoapBinding.nsmap"
#include "omif_tls.h"

static int failures = 0;

static void check(int ok, const char *what, const char *detail)
{
    if (ok) {
        printf("OK %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    } else {
        failures++;
        printf("FAIL %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
    fflush(stdout);
}

static const char *fault_text(struct soap *soap)
{
    const char *s = soap_fault_string(soap);
    return s ? s : "(no fault string)";
}

/* The call failed: report why, unless it was expected. */
static void call_failed(struct soap *soap, const char *op, int rc)
{
    char buf[512];
    snprintf(buf, sizeof buf, "rc=%d %s", rc, soap->fault ? fault_text(soap) : "no SOAP fault (transport error)");
    check(0, op, buf);
}

static struct om__Endpoint *endpoint(struct soap *soap, const char *host, int port)
{
    struct om__Endpoint *e = soap_malloc(soap, sizeof *e);
    soap_default_om__Endpoint(soap, e);
    e->host = soap_strdup(soap, host);
    e->port = port;
    return e;
}

static struct SOAP_ENV__Detail *detail(struct soap *soap)
{
    return soap->fault ? soap->fault->detail : NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int bench(struct soap *soap, const char *url, const char *caller, int warmup, int count)
{
    double *lat = malloc(sizeof(double) * (size_t) count);
    int i;
    for (i = 0; i < warmup + count; i++) {
        struct _om__Ping req;
        struct _om__PingResponse resp;
        double t0, t1;
        int rc;
        soap_default__om__Ping(soap, &req);
        req.callerNodeId = (char *) caller;
        req.sequence = i;
        t0 = now_ms();
        rc = soap_call___om__Ping(soap, url, NULL, &req, &resp);
        t1 = now_ms();
        if (rc != SOAP_OK || resp.sequence != i) {
            fprintf(stderr, "ping %d failed: rc=%d %s\n", i, rc, soap->fault ? fault_text(soap) : "");
            free(lat);
            return 1;
        }
        if (i >= warmup) {
            lat[i - warmup] = t1 - t0;
        }
        soap_end(soap);
    }
    qsort(lat, (size_t) count, sizeof(double), cmp_double);
    {
        double sum = 0;
        for (i = 0; i < count; i++) {
            sum += lat[i];
        }
        printf("BENCH n=%d median_ms=%.4f p99_ms=%.4f mean_ms=%.4f min_ms=%.4f max_ms=%.4f\n", count,
               lat[count / 2], lat[(int) (count * 0.99)], sum / count, lat[0], lat[count - 1]);
    }
    free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    struct soap *soap;
    const char *url, *caller, *expected;
    char buf[512];
    char *relay_session = NULL;
    struct om__Endpoint relay_a, relay_b;
    int have_relay = 0;
    char media_host[256] = "";
    int media_port = 0;

    if (argc == 6 && strcmp(argv[1], "bench") == 0) {
        int rc;
        soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
        soap->connect_timeout = 5;
        soap->recv_timeout = 20;
        soap->send_timeout = 20;
        if (omif_tls_setup(soap, 0, NULL) < 0) {
            return 1;
        }
        rc = bench(soap, argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
        soap_destroy(soap);
        soap_end(soap);
        soap_free(soap);
        return rc;
    }
    if (argc != 5 || strcmp(argv[1], "check") != 0) {
        fprintf(stderr, "usage: om_client check URL CALLER_NODE_ID EXPECTED_NODE_ID\n"
                        "       om_client bench URL CALLER_NODE_ID WARMUP COUNT\n");
        return 2;
    }
    url = argv[2];
    caller = argv[3];
    expected = argv[4];
    soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
    soap->connect_timeout = 5;
    soap->recv_timeout = 20;
    soap->send_timeout = 20;
    if (omif_tls_setup(soap, 0, NULL) < 0) {
        return 1;
    }

    /* 1. Ping, plain and with a padding */
    {
        struct _om__Ping req;
        struct _om__PingResponse resp;
        int rc;
        unsigned char pad[1000];
        soap_default__om__Ping(soap, &req);
        req.callerNodeId = (char *) caller;
        req.sequence = 42;
        rc = soap_call___om__Ping(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "Ping", rc);
        } else {
            snprintf(buf, sizeof buf, "nodeId=%s sequence=%lld", resp.nodeId, (long long) resp.sequence);
            check(resp.nodeId && strcmp(resp.nodeId, expected) == 0 && resp.sequence == 42 && resp.paddingLength == 0, "Ping", buf);
        }
        memset(pad, 0x5a, sizeof pad);
        req.sequence = 43;
        req.padding.__ptr = pad;
        req.padding.__size = sizeof pad;
        rc = soap_call___om__Ping(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "Ping padded", rc);
        } else {
            snprintf(buf, sizeof buf, "paddingLength=%d", resp.paddingLength);
            check(resp.sequence == 43 && resp.paddingLength == 1000, "Ping padded", buf);
        }
    }

    /* 2. NegotiateTransport for a media SATO: tcp is not low-delay, so the udp candidate wins */
    {
        struct _om__NegotiateTransport req;
        struct _om__NegotiateTransportResponse resp;
        enum om__Requirement reqs[1] = {om__Requirement__low_delay};
        struct om__Candidate cands[2];
        int rc;
        soap_default__om__NegotiateTransport(soap, &req);
        req.callerNodeId = (char *) caller;
        req.callerOmAddress = NULL;
        req.satoId = "gsoap-media-1";
        req.purpose = om__Purpose__media;
        req.__sizerequirement = 1;
        req.requirement = reqs;
        soap_default_om__Candidate(soap, &cands[0]);
        soap_default_om__Candidate(soap, &cands[1]);
        cands[0].transport = om__Transport__tcp;
        cands[0].endpoint = endpoint(soap, "127.0.0.1", 5004);
        cands[1].transport = om__Transport__udp;
        cands[1].endpoint = endpoint(soap, "127.0.0.1", 5006);
        req.__sizecandidate = 2;
        req.candidate = cands;
        rc = soap_call___om__NegotiateTransport(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "NegotiateTransport", rc);
        } else {
            snprintf(buf, sizeof buf, "transport=%s index=%d endpoint=%s:%d",
                     soap_om__Transport2s(soap, resp.transport), resp.candidateIndex,
                     resp.endpoint ? resp.endpoint->host : "-", resp.endpoint ? resp.endpoint->port : -1);
            check(resp.transport == om__Transport__udp && resp.candidateIndex == 1 && resp.endpoint
                  && resp.endpoint->port > 0 && strcmp(resp.nodeId, expected) == 0
                  && strcmp(resp.satoId, "gsoap-media-1") == 0, "NegotiateTransport", buf);
            if (resp.endpoint && resp.endpoint->host) {
                snprintf(media_host, sizeof media_host, "%s", resp.endpoint->host);
                media_port = resp.endpoint->port;
            }
        }
    }

    /* 3. SetupSato on the negotiated transport */
    {
        struct _om__SetupSato req;
        struct _om__SetupSatoResponse resp;
        int rc;
        soap_default__om__SetupSato(soap, &req);
        req.callerNodeId = (char *) caller;
        req.satoId = "gsoap-media-1";
        req.purpose = om__Purpose__media;
        req.callId = "gsoap-call@legacy";
        req.transport = om__Transport__udp;
        req.callerEndpoint = endpoint(soap, "127.0.0.1", 5006);
        rc = soap_call___om__SetupSato(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "SetupSato", rc);
        } else {
            struct om__SatoInfo *s = resp.sato;
            snprintf(buf, sizeof buf, "state=%s peer=%s sessions=%d", s ? soap_om__SatoState2s(soap, s->state) : "-",
                     s ? s->peerNodeId : "-", s ? s->__sizesessionId : -1);
            check(s && s->state == om__SatoState__established && strcmp(s->peerNodeId, caller) == 0
                  && s->__sizesessionId == 1 && s->callId && strcmp(s->callId, "gsoap-call@legacy") == 0, "SetupSato", buf);
        }
    }

    /* 4. StartPort: an RTP-Port relay (RTP3) for another SATO */
    {
        struct _om__StartPort req;
        struct _om__StartPortResponse resp;
        struct om__Parameter ps[2];
        int rc;
        soap_default__om__StartPort(soap, &req);
        req.callerNodeId = (char *) caller;
        req.satoId = "gsoap-relay-1";
        req.portType = om__PortType__rtp_port;
        soap_default_om__Parameter(soap, &ps[0]);
        soap_default_om__Parameter(soap, &ps[1]);
        ps[0].name = "role";
        ps[0].value = "relay";
        ps[1].name = "transport";
        ps[1].value = "udp";
        req.__sizeparameter = 2;
        req.parameter = ps;
        rc = soap_call___om__StartPort(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "StartPort", rc);
        } else {
            struct om__SessionInfo *s = resp.session;
            snprintf(buf, sizeof buf, "session=%s endpoints=%d", s ? s->sessionId : "-", s ? s->__sizeendpoint : -1);
            check(s && s->sessionId && s->portType == om__PortType__rtp_port && s->__sizeendpoint == 2
                  && s->endpoint[0].port > 0 && s->endpoint[1].port > 0 && s->ownerNodeId
                  && strcmp(s->ownerNodeId, caller) == 0, "StartPort", buf);
            if (s && s->sessionId && s->__sizeendpoint == 2) {
                relay_session = strdup(s->sessionId);
                relay_a.host = strdup(s->endpoint[0].host);
                relay_a.port = s->endpoint[0].port;
                relay_b.host = strdup(s->endpoint[1].host);
                relay_b.port = s->endpoint[1].port;
                have_relay = 1;
            }
        }
        /* 5. the node allows two sessions: a third one is the declared fault ResourcesExhausted */
        rc = soap_call___om__StartPort(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            snprintf(buf, sizeof buf, "fault '%s' resource=%s", fault_text(soap),
                     d && d->om__ResourcesExhausted ? d->om__ResourcesExhausted->resource : "-");
            check(d && d->om__ResourcesExhausted != NULL, "StartPort beyond the limit -> ResourcesExhausted", buf);
        } else {
            check(0, "StartPort beyond the limit -> ResourcesExhausted", "no fault");
        }
    }

    /* 6. ConnectRtp: caller's RTP1 -> the relay on the Java node -> caller's RTP2 */
    if (have_relay) {
        struct _om__ConnectRtp req;
        struct _om__ConnectRtpResponse resp;
        struct om__RtpHop hops[3];
        int rc, i;
        soap_default__om__ConnectRtp(soap, &req);
        for (i = 0; i < 3; i++) {
            soap_default_om__RtpHop(soap, &hops[i]);
        }
        hops[0].nodeId = (char *) caller;
        hops[0].sessionId = "legacy-rtp1";
        hops[0].towardCallee = endpoint(soap, "127.0.0.1", 5010);
        hops[1].nodeId = (char *) expected;
        hops[1].sessionId = relay_session;
        hops[1].towardCaller = &relay_a;
        hops[1].towardCallee = &relay_b;
        hops[2].nodeId = (char *) caller;
        hops[2].sessionId = "legacy-rtp2";
        hops[2].towardCaller = endpoint(soap, "127.0.0.1", 5012);
        req.callerNodeId = (char *) caller;
        req.satoId = "gsoap-relay-1";
        req.transport = om__Transport__udp;
        req.__sizehop = 3;
        req.hop = hops;
        rc = soap_call___om__ConnectRtp(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "ConnectRtp", rc);
        } else {
            snprintf(buf, sizeof buf, "connectedLegs=%d", resp.connectedLegs);
            check(resp.connectedLegs == 2, "ConnectRtp", buf);
        }
    } else {
        check(0, "ConnectRtp", "no relay session to connect");
    }

    /* 6a. AdaptSato: the chain of call gsoap-call@legacy moved; the OM's end (the media address
     * it handed out in NegotiateTransport) is re-pointed to a new relay */
    if (media_port > 0) {
        struct _om__AdaptSato req;
        struct _om__AdaptSatoResponse resp;
        int rc;
        soap_default__om__AdaptSato(soap, &req);
        req.callerNodeId = (char *) caller;
        req.callId = "gsoap-call@legacy";
        req.mediaAddress = endpoint(soap, media_host, media_port);
        req.remote = endpoint(soap, "127.0.0.1", 5020);
        req.reason = "relay inserted";
        rc = soap_call___om__AdaptSato(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "AdaptSato", rc);
        } else {
            snprintf(buf, sizeof buf, "satoId=%s remote=%s:%d callId=gsoap-call@legacy mediaAddress=%s:%d",
                     resp.satoId ? resp.satoId : "-", resp.remote && resp.remote->host ? resp.remote->host : "-",
                     resp.remote ? resp.remote->port : -1, media_host, media_port);
            check(resp.satoId && strcmp(resp.satoId, "gsoap-media-1") == 0 && resp.remote && resp.remote->host
                  && strcmp(resp.remote->host, "127.0.0.1") == 0 && resp.remote->port == 5020, "AdaptSato", buf);
        }
        /* 6b. a call the OM does not know: declared fault UnknownSato */
        req.callId = "no-such-call@legacy";
        rc = soap_call___om__AdaptSato(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            snprintf(buf, sizeof buf, "fault '%s' satoId=%s", fault_text(soap),
                     d && d->om__UnknownSato && d->om__UnknownSato->satoId ? d->om__UnknownSato->satoId : "-");
            check(d && d->om__UnknownSato && d->om__UnknownSato->satoId
                  && strstr(d->om__UnknownSato->satoId, "no-such-call@legacy") != NULL,
                  "AdaptSato unknown call -> UnknownSato", buf);
        } else {
            check(0, "AdaptSato unknown call -> UnknownSato", "no fault");
        }
        /* 6c. no remote to re-point to: declared fault InvalidRequest naming remote */
        req.callId = "gsoap-call@legacy";
        req.remote = NULL;
        rc = soap_call___om__AdaptSato(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            snprintf(buf, sizeof buf, "fault '%s' field=%s", fault_text(soap),
                     d && d->om__InvalidRequest && d->om__InvalidRequest->field ? d->om__InvalidRequest->field : "-");
            check(d && d->om__InvalidRequest && d->om__InvalidRequest->field
                  && strcmp(d->om__InvalidRequest->field, "remote") == 0, "AdaptSato without remote -> InvalidRequest", buf);
        } else {
            check(0, "AdaptSato without remote -> InvalidRequest", "no fault");
        }
    } else {
        check(0, "AdaptSato", "no media address from NegotiateTransport");
    }

    /* 6d. ReportPath: what the legacy end of call gsoap-call@legacy receives */
    {
        struct _om__ReportPath req;
        struct _om__ReportPathResponse resp;
        int rc;
        soap_default__om__ReportPath(soap, &req);
        req.callerNodeId = (char *) caller;
        req.callId = "gsoap-call@legacy";
        req.mediaAddress = endpoint(soap, "127.0.0.1", 5006);
        req.event = om__PathEvent__degraded;
        req.windowMillis = 5000;
        req.packets = 230;
        req.lossRatio = 0.08;
        req.jitterMillis = 12.5;
        req.silentMillis = 40;
        rc = soap_call___om__ReportPath(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "ReportPath", rc);
        } else {
            snprintf(buf, sizeof buf, "satoId=%s callId=gsoap-call@legacy mediaAddress=127.0.0.1:5006 event=degraded "
                     "windowMillis=5000 packets=230 lossRatio=0.08 jitterMillis=12.5 silentMillis=40",
                     resp.satoId ? resp.satoId : "-");
            check(resp.satoId && strcmp(resp.satoId, "gsoap-media-1") == 0, "ReportPath", buf);
        }
        /* 6e. a call the OM does not know: declared fault UnknownSato */
        req.callId = "no-such-call@legacy";
        rc = soap_call___om__ReportPath(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            snprintf(buf, sizeof buf, "fault '%s' satoId=%s", fault_text(soap),
                     d && d->om__UnknownSato && d->om__UnknownSato->satoId ? d->om__UnknownSato->satoId : "-");
            check(d && d->om__UnknownSato && d->om__UnknownSato->satoId
                  && strstr(d->om__UnknownSato->satoId, "no-such-call@legacy") != NULL,
                  "ReportPath unknown call -> UnknownSato", buf);
        } else {
            check(0, "ReportPath unknown call -> UnknownSato", "no fault");
        }
        /* 6f. a loss ratio above 1: declared fault InvalidRequest */
        req.callId = "gsoap-call@legacy";
        req.lossRatio = 2.0;
        rc = soap_call___om__ReportPath(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            check(d && d->om__InvalidRequest != NULL, "ReportPath lossRatio 2.0 -> InvalidRequest", fault_text(soap));
        } else {
            check(0, "ReportPath lossRatio 2.0 -> InvalidRequest", "no fault");
        }
        /* 6g. an event outside the enumeration (gSOAP sends an unknown enum value as its number,
         * here "7"): declared fault InvalidRequest */
        req.lossRatio = 0.08;
        req.event = (enum om__PathEvent) 7;
        rc = soap_call___om__ReportPath(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            snprintf(buf, sizeof buf, "fault '%s' field=%s", fault_text(soap),
                     d && d->om__InvalidRequest && d->om__InvalidRequest->field ? d->om__InvalidRequest->field : "-");
            check(d && d->om__InvalidRequest != NULL, "ReportPath unknown event -> InvalidRequest", buf);
        } else {
            check(0, "ReportPath unknown event -> InvalidRequest", "no fault");
        }
    }

    /* 7. GetNodeStatus */
    {
        struct _om__GetNodeStatus req;
        struct _om__GetNodeStatusResponse resp;
        int rc;
        soap_default__om__GetNodeStatus(soap, &req);
        req.callerNodeId = (char *) caller;
        rc = soap_call___om__GetNodeStatus(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "GetNodeStatus", rc);
        } else {
            snprintf(buf, sizeof buf, "node=%s version=%s satos=%d sessions=%d ports=%d", resp.nodeId,
                     resp.protocolVersion, resp.__sizesato, resp.__sizesession, resp.__sizeport);
            check(strcmp(resp.nodeId, expected) == 0 && strcmp(resp.protocolVersion, "1") == 0 && resp.__sizesato == 2
                  && resp.__sizesession == 2 && resp.__sizeport == 1 && resp.port[0].running == xsd__boolean__true_,
                  "GetNodeStatus", buf);
        }
    }

    /* 8. StopPort the relay */
    if (have_relay) {
        struct _om__StopPort req;
        struct _om__StopPortResponse resp;
        int rc;
        soap_default__om__StopPort(soap, &req);
        req.callerNodeId = (char *) caller;
        req.sessionId = relay_session;
        rc = soap_call___om__StopPort(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "StopPort", rc);
        } else {
            check(resp.stopped == xsd__boolean__true_ && strcmp(resp.sessionId, relay_session) == 0, "StopPort", resp.sessionId);
        }
    }

    /* 9. TeardownSato of the media SATO releases its RTP session */
    {
        struct _om__TeardownSato req;
        struct _om__TeardownSatoResponse resp;
        int rc;
        soap_default__om__TeardownSato(soap, &req);
        req.callerNodeId = (char *) caller;
        req.satoId = "gsoap-media-1";
        req.reason = "call ended";
        rc = soap_call___om__TeardownSato(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "TeardownSato", rc);
        } else {
            snprintf(buf, sizeof buf, "releasedSessions=%d", resp.releasedSessions);
            check(resp.releasedSessions == 1, "TeardownSato", buf);
        }
        /* 10. an unknown SATO: declared fault UnknownSato */
        req.satoId = "no-such-sato";
        rc = soap_call___om__TeardownSato(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            snprintf(buf, sizeof buf, "fault '%s' satoId=%s", fault_text(soap),
                     d && d->om__UnknownSato ? d->om__UnknownSato->satoId : "-");
            check(d && d->om__UnknownSato && strcmp(d->om__UnknownSato->satoId, "no-such-sato") == 0,
                  "TeardownSato unknown -> UnknownSato", buf);
        } else {
            check(0, "TeardownSato unknown -> UnknownSato", "no fault");
        }
    }

    /* 11. StopPort of an unknown session: declared fault UnknownSession */
    {
        struct _om__StopPort req;
        struct _om__StopPortResponse resp;
        int rc;
        soap_default__om__StopPort(soap, &req);
        req.callerNodeId = (char *) caller;
        req.sessionId = "no-such-session";
        rc = soap_call___om__StopPort(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            check(d && d->om__UnknownSession && strcmp(d->om__UnknownSession->sessionId, "no-such-session") == 0,
                  "StopPort unknown -> UnknownSession", fault_text(soap));
        } else {
            check(0, "StopPort unknown -> UnknownSession", "no fault");
        }
    }

    /* 12. signalling over tcp that must be secure: declared fault UnsupportedTransport */
    {
        struct _om__NegotiateTransport req;
        struct _om__NegotiateTransportResponse resp;
        enum om__Requirement reqs[2] = {om__Requirement__reliable, om__Requirement__secure};
        struct om__Candidate cand;
        int rc;
        soap_default__om__NegotiateTransport(soap, &req);
        soap_default_om__Candidate(soap, &cand);
        req.callerNodeId = (char *) caller;
        req.satoId = "gsoap-sig-1";
        req.purpose = om__Purpose__signalling;
        req.__sizerequirement = 2;
        req.requirement = reqs;
        cand.transport = om__Transport__tcp;
        cand.endpoint = endpoint(soap, "127.0.0.1", 5070);
        req.__sizecandidate = 1;
        req.candidate = &cand;
        rc = soap_call___om__NegotiateTransport(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            check(d && d->om__UnsupportedTransport != NULL, "NegotiateTransport tcp+secure -> UnsupportedTransport", fault_text(soap));
        } else {
            check(0, "NegotiateTransport tcp+secure -> UnsupportedTransport", "no fault");
        }
    }

    /* 13. a caller id that is no node id: declared fault InvalidRequest */
    {
        struct _om__Ping req;
        struct _om__PingResponse resp;
        int rc;
        soap_default__om__Ping(soap, &req);
        req.callerNodeId = "not-a-node-id";
        req.sequence = 1;
        rc = soap_call___om__Ping(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK && soap->fault) {
            struct SOAP_ENV__Detail *d = detail(soap);
            check(d && d->om__InvalidRequest && strcmp(d->om__InvalidRequest->field, "callerNodeId") == 0,
                  "Ping with a bad caller id -> InvalidRequest", fault_text(soap));
        } else {
            check(0, "Ping with a bad caller id -> InvalidRequest", "no fault");
        }
    }

    /* 14. everything released */
    {
        struct _om__GetNodeStatus req;
        struct _om__GetNodeStatusResponse resp;
        int rc;
        soap_default__om__GetNodeStatus(soap, &req);
        rc = soap_call___om__GetNodeStatus(soap, url, NULL, &req, &resp);
        if (rc != SOAP_OK) {
            call_failed(soap, "GetNodeStatus at the end", rc);
        } else {
            snprintf(buf, sizeof buf, "satos=%d sessions=%d", resp.__sizesato, resp.__sizesession);
            check(resp.__sizesato == 0 && resp.__sizesession == 0, "GetNodeStatus at the end", buf);
        }
    }

    printf("%d failed\n", failures);
    free(relay_session);
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    return failures == 0 ? 0 : 1;
}
