/*
 * om_server: a minimal legacy Overlay Manager in C with gSOAP 2.8, generated from the same
 * wsdl/om-if-v1.wsdl as the Java OM (wsdl2h -c, soapcpp2 -c). It plays the gSOAP peers of the
 * paper's prototype: it negotiates transports, keeps a SATO table and starts and stops
 * (simulated) RTP-Port sessions, and answers with the declared faults. A media SATO that is set
 * up can be adapted (AdaptSato: its far end moves to a new remote address) and can receive path
 * reports (ReportPath); both show in GetNodeStatus as the SATO's remoteEndpoint and note.
 *
 *   om_server NODE_ID SIP_OVERLAY_PORT
 *
 * Listens on 127.0.0.1, an ephemeral port, and prints "LISTENING <port>". Each connection is
 * served on its own thread with HTTP keep-alive (a single-threaded gSOAP server would block every
 * other client while a Java client keeps its connection open; max_keep_alive 0 would mean one
 * request per connection). Every request is logged on stdout as one line. Exits when stdin closes.
 *
 * om_server_tls (built with -DWITH_OPENSSL) serves HTTPS with client certificates when OMIF_TLS_CA
 * and OMIF_TLS_KEY are set (omif_tls.h, "LISTENING <port> https"): a client without a certificate
 * of the overlay CA fails the handshake ("TLS refused ..."), and a callerNodeId other than the
 * Node-ID in the caller's certificate gets InvalidRequest (callerNodeId).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "soapH.h"
#include "OverlayManagerSoapBinding.nsmap"
#include "omif_tls.h"

#define MAX_SATOS 256
#define MAX_SESSIONS 256

struct sato {
    int used;
    char id[129];
    char peer[65];
    char callId[129];
    enum om__Purpose purpose;
    enum om__Transport transport;
    int negotiated;
    enum om__SatoState state;
    int localPort;
    time_t created;
    /* the far end of the SATO: the caller's endpoint from SetupSato, moved by AdaptSato */
    int haveRemote;
    char remoteHost[256];
    int remotePort;
    /* AdaptSato and ReportPath received for this SATO */
    long adaptations;
    char lastReason[129];
    long reports;
    enum om__PathEvent lastEvent;
    LONG64 lastWindowMillis, lastPackets, lastSilentMillis;
    double lastLossRatio, lastJitterMillis;
    char lastReporter[300];
};

struct session {
    int used;
    char id[64];
    char owner[65];
    char sato[129];
    int portA, portB;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sato satos[MAX_SATOS];
static struct session sessions[MAX_SESSIONS];
static const char *node_id;
static int sip_port;
static int tls_on;
static int next_session = 1;
static int next_media_port = 42000;
static time_t started;

static void logline(const char *fmt, const char *a, const char *b)
{
    pthread_mutex_lock(&lock);
    printf(fmt, a ? a : "-", b ? b : "-");
    printf("\n");
    fflush(stdout);
    pthread_mutex_unlock(&lock);
}

static int valid_node_id(const char *s)
{
    size_t n, i;
    if (!s) {
        return 0;
    }
    n = strlen(s);
    if (n < 8 || n > 64) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

static struct SOAP_ENV__Detail *new_detail(struct soap *soap)
{
    struct SOAP_ENV__Detail *d = soap_malloc(soap, sizeof *d);
    soap_default_SOAP_ENV__Detail(soap, d);
    soap->fault->detail = d;
    return d;
}

static int invalid(struct soap *soap, const char *field, const char *msg)
{
    struct SOAP_ENV__Detail *d;
    struct _om__InvalidRequest *f;
    soap_sender_fault(soap, msg, NULL);
    d = new_detail(soap);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__InvalidRequest(soap, f);
    f->field = soap_strdup(soap, field);
    f->message = soap_strdup(soap, msg);
    d->om__InvalidRequest = f;
    return SOAP_FAULT;
}

static int unknown_sato(struct soap *soap, const char *id)
{
    struct SOAP_ENV__Detail *d;
    struct _om__UnknownSato *f;
    soap_sender_fault(soap, "unknown SATO", NULL);
    d = new_detail(soap);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__UnknownSato(soap, f);
    f->satoId = soap_strdup(soap, id);
    f->message = "unknown SATO";
    d->om__UnknownSato = f;
    return SOAP_FAULT;
}

static int unknown_session(struct soap *soap, const char *id)
{
    struct SOAP_ENV__Detail *d;
    struct _om__UnknownSession *f;
    soap_sender_fault(soap, "unknown session", NULL);
    d = new_detail(soap);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__UnknownSession(soap, f);
    f->sessionId = soap_strdup(soap, id);
    f->message = "unknown session";
    d->om__UnknownSession = f;
    return SOAP_FAULT;
}

static int unsupported(struct soap *soap, enum om__Purpose p, const char *msg)
{
    struct SOAP_ENV__Detail *d;
    struct _om__UnsupportedTransport *f;
    soap_sender_fault(soap, msg, NULL);
    d = new_detail(soap);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__UnsupportedTransport(soap, f);
    f->__sizesupported = 1;
    f->supported = soap_malloc(soap, sizeof(enum om__Transport));
    f->supported[0] = p == om__Purpose__signalling ? om__Transport__tcp : om__Transport__udp;
    f->message = soap_strdup(soap, msg);
    d->om__UnsupportedTransport = f;
    return SOAP_FAULT;
}

static int exhausted(struct soap *soap, const char *resource)
{
    struct SOAP_ENV__Detail *d;
    struct _om__ResourcesExhausted *f;
    soap_receiver_fault(soap, "resources exhausted", NULL);
    d = new_detail(soap);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__ResourcesExhausted(soap, f);
    f->resource = soap_strdup(soap, resource);
    f->message = "resources exhausted";
    d->om__ResourcesExhausted = f;
    return SOAP_FAULT;
}

/* Checks the caller's node id: a node id, not ours. */
static int bad_caller(struct soap *soap, const char *caller)
{
    if (!valid_node_id(caller)) {
        return invalid(soap, "callerNodeId", "callerNodeId is not a node id");
    }
    if (strcmp(caller, node_id) == 0) {
        return invalid(soap, "callerNodeId", "caller claims this node's own id");
    }
    if (tls_on) {
        char certified[65];
        if (!omif_tls_peer_node_id(soap, certified, sizeof certified)) {
            return invalid(soap, "callerNodeId", "the caller's certificate carries no Node-ID");
        }
        if (strcmp(caller, certified) != 0) {
            return invalid(soap, "callerNodeId", "callerNodeId is not the Node-ID in the caller's certificate");
        }
    }
    return SOAP_OK;
}

/* Only call with the lock held. */
static struct sato *find_sato(const char *id)
{
    int i;
    for (i = 0; i < MAX_SATOS; i++) {
        if (satos[i].used && strcmp(satos[i].id, id) == 0) {
            return &satos[i];
        }
    }
    return NULL;
}

static struct session *find_session(const char *id)
{
    int i;
    for (i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].used && strcmp(sessions[i].id, id) == 0) {
            return &sessions[i];
        }
    }
    return NULL;
}

static int meets(enum om__Transport t, enum om__Requirement r)
{
    switch (r) {
    case om__Requirement__reliable:
        return t == om__Transport__tcp || t == om__Transport__tls || t == om__Transport__tcp_rfc4571;
    case om__Requirement__secure:
        return t == om__Transport__tls;
    default:
        return t == om__Transport__udp;
    }
}

static int offered(enum om__Purpose p, enum om__Transport t)
{
    return p == om__Purpose__signalling ? t == om__Transport__tcp : t == om__Transport__udp;
}

static struct om__Endpoint *endpoint(struct soap *soap, int port)
{
    struct om__Endpoint *e = soap_malloc(soap, sizeof *e);
    soap_default_om__Endpoint(soap, e);
    e->host = "127.0.0.1";
    e->port = port;
    return e;
}

static void sato_info(struct soap *soap, struct sato *s, struct om__SatoInfo *i)
{
    int n = 0, k;
    soap_default_om__SatoInfo(soap, i);
    i->satoId = soap_strdup(soap, s->id);
    i->purpose = s->purpose;
    i->peerNodeId = soap_strdup(soap, s->peer);
    i->callId = s->callId[0] ? soap_strdup(soap, s->callId) : NULL;
    if (s->negotiated) {
        i->transport = soap_malloc(soap, sizeof(enum om__Transport));
        *i->transport = s->transport;
        i->localEndpoint = endpoint(soap, s->localPort);
    }
    if (s->haveRemote) {
        i->remoteEndpoint = soap_malloc(soap, sizeof *i->remoteEndpoint);
        soap_default_om__Endpoint(soap, i->remoteEndpoint);
        i->remoteEndpoint->host = soap_strdup(soap, s->remoteHost);
        i->remoteEndpoint->port = s->remotePort;
    }
    if (s->adaptations || s->reports) {
        char note[1024];
        int k2 = snprintf(note, sizeof note, "adaptations=%ld reports=%ld", s->adaptations, s->reports);
        if (s->reports && k2 > 0 && (size_t) k2 < sizeof note) {
            k2 += snprintf(note + k2, sizeof note - (size_t) k2,
                           " lastEvent=%s windowMillis=%lld packets=%lld lossRatio=%.4f jitterMillis=%.2f silentMillis=%lld reporter=%s",
                           soap_om__PathEvent2s(soap, s->lastEvent), (long long) s->lastWindowMillis,
                           (long long) s->lastPackets, s->lastLossRatio, s->lastJitterMillis,
                           (long long) s->lastSilentMillis, s->lastReporter);
        }
        if (s->adaptations && k2 > 0 && (size_t) k2 < sizeof note) {
            snprintf(note + k2, sizeof note - (size_t) k2, " reason=%s", s->lastReason);
        }
        i->note = soap_strdup(soap, note);
    }
    i->state = s->state;
    i->ageSeconds = (LONG64) (time(NULL) - s->created);
    for (k = 0; k < MAX_SESSIONS; k++) {
        if (sessions[k].used && strcmp(sessions[k].sato, s->id) == 0) {
            n++;
        }
    }
    i->__sizesessionId = n;
    i->sessionId = soap_malloc(soap, sizeof(char *) * (size_t) (n ? n : 1));
    n = 0;
    for (k = 0; k < MAX_SESSIONS; k++) {
        if (sessions[k].used && strcmp(sessions[k].sato, s->id) == 0) {
            i->sessionId[n++] = soap_strdup(soap, sessions[k].id);
        }
    }
}

int __om__Ping(struct soap *soap, struct _om__Ping *req, struct _om__PingResponse *resp)
{
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    resp->nodeId = (char *) node_id;
    resp->sequence = req->sequence;
    resp->paddingLength = req->padding.__size;
    return SOAP_OK;
}

int __om__NegotiateTransport(struct soap *soap, struct _om__NegotiateTransport *req, struct _om__NegotiateTransportResponse *resp)
{
    int i, j, chosen = -1, port;
    struct sato *s;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    if (!req->satoId || !*req->satoId || strlen(req->satoId) > 128) {
        return invalid(soap, "satoId", "bad satoId");
    }
    for (i = 0; i < req->__sizecandidate && chosen < 0; i++) {
        int ok = offered(req->purpose, req->candidate[i].transport);
        for (j = 0; ok && j < req->__sizerequirement; j++) {
            ok = meets(req->candidate[i].transport, req->requirement[j]);
        }
        if (ok) {
            chosen = i;
        }
    }
    if (chosen < 0) {
        logline("NegotiateTransport %s -> %s", req->satoId, "UnsupportedTransport");
        return unsupported(soap, req->purpose, "no offered transport is available here and meets the requirements");
    }
    pthread_mutex_lock(&lock);
    s = find_sato(req->satoId);
    if (s && strcmp(s->peer, req->callerNodeId) != 0) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "callerNodeId", "SATO belongs to another peer");
    }
    if (!s) {
        for (i = 0; i < MAX_SATOS && satos[i].used; i++) {
        }
        if (i == MAX_SATOS) {
            pthread_mutex_unlock(&lock);
            return exhausted(soap, "satos");
        }
        s = &satos[i];
        memset(s, 0, sizeof *s);
        s->used = 1;
        snprintf(s->id, sizeof s->id, "%s", req->satoId);
        snprintf(s->peer, sizeof s->peer, "%s", req->callerNodeId);
        s->created = time(NULL);
        s->state = om__SatoState__negotiated;
    }
    s->purpose = req->purpose;
    s->transport = req->candidate[chosen].transport;
    s->negotiated = 1;
    s->localPort = req->purpose == om__Purpose__signalling ? sip_port : next_media_port++;
    port = s->localPort;
    pthread_mutex_unlock(&lock);
    resp->nodeId = (char *) node_id;
    resp->satoId = req->satoId;
    resp->transport = req->candidate[chosen].transport;
    resp->candidateIndex = chosen;
    resp->endpoint = endpoint(soap, port);
    logline("NegotiateTransport %s -> %s", req->satoId, soap_om__Transport2s(soap, resp->transport));
    return SOAP_OK;
}

int __om__SetupSato(struct soap *soap, struct _om__SetupSato *req, struct _om__SetupSatoResponse *resp)
{
    struct sato *s;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    if (!offered(req->purpose, req->transport)) {
        return unsupported(soap, req->purpose, "transport not offered");
    }
    pthread_mutex_lock(&lock);
    s = find_sato(req->satoId ? req->satoId : "");
    if (!s) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "satoId", "SetupSato without NegotiateTransport is not supported by this legacy OM");
    }
    if (strcmp(s->peer, req->callerNodeId) != 0) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "callerNodeId", "SATO belongs to another peer");
    }
    s->state = om__SatoState__established;
    s->transport = req->transport;
    if (req->callId) {
        snprintf(s->callId, sizeof s->callId, "%s", req->callId);
    }
    if (req->callerEndpoint && req->callerEndpoint->host) {
        s->haveRemote = 1;
        snprintf(s->remoteHost, sizeof s->remoteHost, "%s", req->callerEndpoint->host);
        s->remotePort = req->callerEndpoint->port;
    }
    resp->sato = soap_malloc(soap, sizeof *resp->sato);
    sato_info(soap, s, resp->sato);
    pthread_mutex_unlock(&lock);
    logline("SetupSato %s %s", req->satoId, "established");
    return SOAP_OK;
}

int __om__TeardownSato(struct soap *soap, struct _om__TeardownSato *req, struct _om__TeardownSatoResponse *resp)
{
    struct sato *s;
    int k, released = 0;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    pthread_mutex_lock(&lock);
    s = find_sato(req->satoId ? req->satoId : "");
    if (!s) {
        pthread_mutex_unlock(&lock);
        logline("TeardownSato %s -> %s", req->satoId, "UnknownSato");
        return unknown_sato(soap, req->satoId ? req->satoId : "");
    }
    if (strcmp(s->peer, req->callerNodeId) != 0) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "callerNodeId", "SATO belongs to another peer");
    }
    for (k = 0; k < MAX_SESSIONS; k++) {
        if (sessions[k].used && strcmp(sessions[k].sato, s->id) == 0) {
            sessions[k].used = 0;
            released++;
        }
    }
    s->used = 0;
    pthread_mutex_unlock(&lock);
    resp->satoId = req->satoId;
    resp->releasedSessions = released;
    logline("TeardownSato %s %s", req->satoId, req->reason);
    return SOAP_OK;
}

int __om__StartPort(struct soap *soap, struct _om__StartPort *req, struct _om__StartPortResponse *resp)
{
    int i, n;
    struct session *ss;
    struct om__SessionInfo *si;
    char a[32], b[32];
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    if (req->portType != om__PortType__rtp_port) {
        return exhausted(soap, "p2psip-port");
    }
    for (i = 0; i < req->__sizeparameter; i++) {
        if (req->parameter[i].name && strcmp(req->parameter[i].name, "transport") == 0
            && (!req->parameter[i].value || strcmp(req->parameter[i].value, "udp") != 0)) {
            return unsupported(soap, om__Purpose__media, "this legacy RTP-Port relays udp only");
        }
    }
    pthread_mutex_lock(&lock);
    for (i = 0; i < MAX_SESSIONS && sessions[i].used; i++) {
    }
    if (i == MAX_SESSIONS) {
        pthread_mutex_unlock(&lock);
        return exhausted(soap, "sessions");
    }
    ss = &sessions[i];
    memset(ss, 0, sizeof *ss);
    ss->used = 1;
    n = next_session++;
    snprintf(ss->id, sizeof ss->id, "legacy-%d", n);
    snprintf(ss->owner, sizeof ss->owner, "%s", req->callerNodeId);
    snprintf(ss->sato, sizeof ss->sato, "%s", req->satoId ? req->satoId : "");
    ss->portA = 44000 + 2 * n;
    ss->portB = 44001 + 2 * n;
    si = soap_malloc(soap, sizeof *si);
    soap_default_om__SessionInfo(soap, si);
    si->sessionId = soap_strdup(soap, ss->id);
    si->portType = om__PortType__rtp_port;
    si->satoId = req->satoId;
    si->ownerNodeId = req->callerNodeId;
    si->__sizeendpoint = 2;
    si->endpoint = soap_malloc(soap, 2 * sizeof(struct om__Endpoint));
    soap_default_om__Endpoint(soap, &si->endpoint[0]);
    soap_default_om__Endpoint(soap, &si->endpoint[1]);
    si->endpoint[0].host = "127.0.0.1";
    si->endpoint[0].port = ss->portA;
    si->endpoint[1].host = "127.0.0.1";
    si->endpoint[1].port = ss->portB;
    snprintf(a, sizeof a, "127.0.0.1:%d", ss->portA);
    snprintf(b, sizeof b, "127.0.0.1:%d", ss->portB);
    si->__sizedetail = 2;
    si->detail = soap_malloc(soap, 2 * sizeof(struct om__Parameter));
    soap_default_om__Parameter(soap, &si->detail[0]);
    soap_default_om__Parameter(soap, &si->detail[1]);
    si->detail[0].name = "leg.caller";
    si->detail[0].value = soap_strdup(soap, a);
    si->detail[1].name = "leg.callee";
    si->detail[1].value = soap_strdup(soap, b);
    pthread_mutex_unlock(&lock);
    resp->session = si;
    logline("StartPort %s for SATO %s", si->sessionId, req->satoId);
    return SOAP_OK;
}

int __om__StopPort(struct soap *soap, struct _om__StopPort *req, struct _om__StopPortResponse *resp)
{
    struct session *ss;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    pthread_mutex_lock(&lock);
    ss = find_session(req->sessionId ? req->sessionId : "");
    if (!ss) {
        pthread_mutex_unlock(&lock);
        return unknown_session(soap, req->sessionId ? req->sessionId : "");
    }
    if (strcmp(ss->owner, req->callerNodeId) != 0) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "callerNodeId", "session was started by another node");
    }
    ss->used = 0;
    pthread_mutex_unlock(&lock);
    resp->sessionId = req->sessionId;
    resp->stopped = xsd__boolean__true_;
    logline("StopPort %s %s", req->sessionId, "stopped");
    return SOAP_OK;
}

int __om__ConnectRtp(struct soap *soap, struct _om__ConnectRtp *req, struct _om__ConnectRtpResponse *resp)
{
    int i, legs = 0;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    pthread_mutex_lock(&lock);
    for (i = 0; i < req->__sizehop; i++) {
        if (req->hop[i].nodeId && strcmp(req->hop[i].nodeId, node_id) == 0) {
            if (!find_session(req->hop[i].sessionId ? req->hop[i].sessionId : "")) {
                pthread_mutex_unlock(&lock);
                return unknown_session(soap, req->hop[i].sessionId ? req->hop[i].sessionId : "");
            }
            legs += (i > 0) + (i < req->__sizehop - 1);
        }
    }
    pthread_mutex_unlock(&lock);
    resp->satoId = req->satoId;
    resp->connectedLegs = legs;
    logline("ConnectRtp %s %s", req->satoId, "connected");
    return SOAP_OK;
}

/* Why an endpoint of a request is unusable (written to why), or NULL if it is fine. */
static const char *bad_endpoint(const char *field, const struct om__Endpoint *e, char *why, size_t n)
{
    if (!e) {
        snprintf(why, n, "%s is missing", field);
    } else if (!e->host || !*e->host || strlen(e->host) > 255) {
        snprintf(why, n, "%s has no host (or one longer than 255 characters)", field);
    } else if (e->port < 1 || e->port > 65535) {
        snprintf(why, n, "%s port %d is out of range 1-65535", field, e->port);
    } else {
        return NULL;
    }
    return why;
}

static int bad_call_id(struct soap *soap, const char *callId)
{
    if (!callId || !*callId || strlen(callId) > 128) {
        return invalid(soap, "callId", "callId is missing or longer than 128 characters");
    }
    return SOAP_OK;
}

/*
 * The established media SATO of call callId whose local endpoint (the address this OM handed out
 * in NegotiateTransport) is at (any address if at is NULL). *call_known tells whether the call
 * has a media SATO here at all. Only call with the lock held.
 */
static struct sato *find_media_sato(const char *callId, const struct om__Endpoint *at, int *call_known)
{
    int i;
    *call_known = 0;
    for (i = 0; i < MAX_SATOS; i++) {
        struct sato *s = &satos[i];
        if (!s->used || s->purpose != om__Purpose__media || s->state != om__SatoState__established
            || strcmp(s->callId, callId) != 0) {
            continue;
        }
        *call_known = 1;
        if (!at || (at->port == s->localPort && strcmp(at->host, "127.0.0.1") == 0)) {
            return s;
        }
    }
    return NULL;
}

int __om__AdaptSato(struct soap *soap, struct _om__AdaptSato *req, struct _om__AdaptSatoResponse *resp)
{
    struct sato *s;
    char why[320], subject[300], remote[300];
    int call_known;
    if (bad_caller(soap, req->callerNodeId) || bad_call_id(soap, req->callId)) {
        return SOAP_FAULT;
    }
    if (bad_endpoint("mediaAddress", req->mediaAddress, why, sizeof why)) {
        return invalid(soap, "mediaAddress", why);
    }
    if (bad_endpoint("remote", req->remote, why, sizeof why)) {
        return invalid(soap, "remote", why);
    }
    pthread_mutex_lock(&lock);
    s = find_media_sato(req->callId, req->mediaAddress, &call_known);
    if (!s) {
        pthread_mutex_unlock(&lock);
        if (call_known) {
            snprintf(subject, sizeof subject, "call %s at %s:%d", req->callId, req->mediaAddress->host, req->mediaAddress->port);
        } else {
            snprintf(subject, sizeof subject, "call %s", req->callId);
        }
        logline("AdaptSato %s -> %s", subject, "UnknownSato");
        return unknown_sato(soap, subject);
    }
    if (strcmp(s->peer, req->callerNodeId) != 0) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "callerNodeId", "SATO belongs to another peer");
    }
    s->haveRemote = 1;
    snprintf(s->remoteHost, sizeof s->remoteHost, "%s", req->remote->host);
    s->remotePort = req->remote->port;
    s->adaptations++;
    snprintf(s->lastReason, sizeof s->lastReason, "%s", req->reason ? req->reason : "");
    resp->satoId = soap_strdup(soap, s->id);
    pthread_mutex_unlock(&lock);
    resp->remote = endpoint(soap, req->remote->port);
    resp->remote->host = soap_strdup(soap, req->remote->host);
    snprintf(remote, sizeof remote, "%s:%d", req->remote->host, req->remote->port);
    logline("AdaptSato %s -> %s", resp->satoId, remote);
    return SOAP_OK;
}

int __om__ReportPath(struct soap *soap, struct _om__ReportPath *req, struct _om__ReportPathResponse *resp)
{
    struct sato *s;
    char why[320], subject[300], what[128];
    int call_known;
    if (bad_caller(soap, req->callerNodeId) || bad_call_id(soap, req->callId)) {
        return SOAP_FAULT;
    }
    if (bad_endpoint("mediaAddress", req->mediaAddress, why, sizeof why)) {
        return invalid(soap, "mediaAddress", why);
    }
    if (req->event != om__PathEvent__silent && req->event != om__PathEvent__degraded && req->event != om__PathEvent__recovered) {
        return invalid(soap, "event", "event must be silent, degraded or recovered");
    }
    if (req->windowMillis < 0) {
        return invalid(soap, "windowMillis", "windowMillis is negative");
    }
    if (req->packets < 0) {
        return invalid(soap, "packets", "packets is negative");
    }
    if (req->silentMillis < 0) {
        return invalid(soap, "silentMillis", "silentMillis is negative");
    }
    if (!(req->lossRatio >= 0 && req->lossRatio <= 1)) {
        snprintf(why, sizeof why, "lossRatio %g is not within 0..1", req->lossRatio);
        return invalid(soap, "lossRatio", why);
    }
    if (!(req->jitterMillis >= 0 && req->jitterMillis < 1e9)) {
        snprintf(why, sizeof why, "jitterMillis %g is negative or not a number", req->jitterMillis);
        return invalid(soap, "jitterMillis", why);
    }
    pthread_mutex_lock(&lock);
    s = find_media_sato(req->callId, NULL, &call_known);
    if (!s) {
        pthread_mutex_unlock(&lock);
        snprintf(subject, sizeof subject, "call %s", req->callId);
        logline("ReportPath %s -> %s", subject, "UnknownSato");
        return unknown_sato(soap, subject);
    }
    if (strcmp(s->peer, req->callerNodeId) != 0) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "callerNodeId", "SATO belongs to another peer");
    }
    s->reports++;
    s->lastEvent = req->event;
    s->lastWindowMillis = req->windowMillis;
    s->lastPackets = req->packets;
    s->lastLossRatio = req->lossRatio;
    s->lastJitterMillis = req->jitterMillis;
    s->lastSilentMillis = req->silentMillis;
    snprintf(s->lastReporter, sizeof s->lastReporter, "%s:%d", req->mediaAddress->host, req->mediaAddress->port);
    resp->satoId = soap_strdup(soap, s->id);
    pthread_mutex_unlock(&lock);
    snprintf(what, sizeof what, "%s packets=%lld lossRatio=%.4f", soap_om__PathEvent2s(soap, req->event),
             (long long) req->packets, req->lossRatio);
    logline("ReportPath %s %s", resp->satoId, what);
    return SOAP_OK;
}

int __om__GetNodeStatus(struct soap *soap, struct _om__GetNodeStatus *req, struct _om__GetNodeStatusResponse *resp)
{
    int i, n = 0, m = 0;
    if (req->callerNodeId && bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    resp->nodeId = (char *) node_id;
    resp->protocolVersion = "1";
    resp->uptimeSeconds = (LONG64) (time(NULL) - started);
    pthread_mutex_lock(&lock);
    for (i = 0; i < MAX_SATOS; i++) {
        n += satos[i].used;
    }
    for (i = 0; i < MAX_SESSIONS; i++) {
        m += sessions[i].used;
    }
    resp->__sizesato = n;
    resp->sato = soap_malloc(soap, sizeof(struct om__SatoInfo) * (size_t) (n ? n : 1));
    n = 0;
    for (i = 0; i < MAX_SATOS; i++) {
        if (satos[i].used) {
            sato_info(soap, &satos[i], &resp->sato[n++]);
        }
    }
    resp->__sizesession = m;
    resp->session = soap_malloc(soap, sizeof(struct om__SessionInfo) * (size_t) (m ? m : 1));
    m = 0;
    for (i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].used) {
            struct om__SessionInfo *si = &resp->session[m++];
            soap_default_om__SessionInfo(soap, si);
            si->sessionId = soap_strdup(soap, sessions[i].id);
            si->portType = om__PortType__rtp_port;
            si->satoId = soap_strdup(soap, sessions[i].sato);
            si->ownerNodeId = soap_strdup(soap, sessions[i].owner);
        }
    }
    pthread_mutex_unlock(&lock);
    logline("GetNodeStatus %s %s", req->callerNodeId, "");
    return SOAP_OK;
}

static void *serve(void *arg)
{
    struct soap *soap = (struct soap *) arg;
#ifdef WITH_OPENSSL
    if (tls_on && soap_ssl_accept(soap) != SOAP_OK) {
        const char *why = soap_fault_string(soap);
        printf("TLS refused a client: %s\n", why ? why : "handshake failed");
        fflush(stdout);
        soap_destroy(soap);
        soap_end(soap);
        soap_free(soap);
        return NULL;
    }
#endif
    soap_serve(soap); /* keeps serving this connection while the client keeps it alive */
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    return NULL;
}

static void *watch_stdin(void *arg)
{
    char buf[64];
    (void) arg;
    while (read(0, buf, sizeof buf) > 0) {
    }
    exit(0);
    return NULL;
}

int main(int argc, char **argv)
{
    struct soap *soap;
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    pthread_t t;

    if (argc != 3 || !valid_node_id(argv[1])) {
        fprintf(stderr, "usage: om_server NODE_ID(hex) SIP_OVERLAY_PORT\n");
        return 2;
    }
    node_id = argv[1];
    sip_port = atoi(argv[2]);
    started = time(NULL);
    soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
    soap->bind_flags = SO_REUSEADDR;
    soap->max_keep_alive = 1000000;
    soap->recv_timeout = 60;
    soap->send_timeout = 30;
    tls_on = omif_tls_setup(soap, 1, "om_server");
    if (tls_on < 0) {
        return 1;
    }
    if (!soap_valid_socket(soap_bind(soap, "127.0.0.1", 0, 64))) {
        soap_print_fault(soap, stderr);
        return 1;
    }
    if (getsockname(soap->master, (struct sockaddr *) &a, &len) != 0) {
        perror("getsockname");
        return 1;
    }
    printf("LISTENING %d%s\n", ntohs(a.sin_port), tls_on ? " https" : "");
    fflush(stdout);
    pthread_create(&t, NULL, watch_stdin, NULL);
    pthread_detach(t);
    for (;;) {
        struct soap *copy;
        if (!soap_valid_socket(soap_accept(soap))) {
            soap_print_fault(soap, stderr);
            continue;
        }
        copy = soap_copy(soap);
        if (!copy) {
            soap_force_closesock(soap);
            continue;
        }
        if (pthread_create(&t, NULL, serve, copy) != 0) {
            soap_force_closesock(copy);
            soap_free(copy);
            continue;
        }
        pthread_detach(t);
    }
    return 0;
}
