/*
 * relay_peer: a legacy overlay peer in C with gSOAP 2.8 that offers its RTP-Port as a relay, as
 * the paper's prototype peers did. Generated from the same wsdl/om-if-v1.wsdl as the Java OM
 * (wsdl2h -c, soapcpp2 -c). It implements the OM IF operations a Java OM uses on a relay peer:
 *
 *   Ping           answers with its node id (liveness, RTT)
 *   GetNodeStatus  its RTP-Port (sessions, free) and every session with its packet counters
 *   StartPort      rtp-port, role relay, transport udp: two UDP sockets, leg.caller and leg.callee
 *   ConnectRtp     its hop of the chain: leg.caller <-> hop[i-1].towardCallee,
 *                  leg.callee <-> hop[i+1].towardCaller; from then on it relays both ways
 *   StopPort       closes a session's sockets and prints its final counters
 *   TeardownSato   stops every session of that SATO (if a peer tears the SATO down instead)
 *
 * NegotiateTransport, SetupSato, AdaptSato and ReportPath are answered with an InvalidRequest
 * fault: a relay peer terminates no SATO of its own (no phones register here).
 *
 *   relay_peer NODE_ID(hex) HOST [MAX_SESSIONS]
 *
 * Serves the OM IF (SOAP/HTTP, path /om/v1 or any) on HOST and an ephemeral port, prints
 * "LISTENING <port>", and binds the relay sockets on HOST. The relay itself is one thread that
 * polls every session's two sockets: a packet on one leg goes out of the other leg's socket to
 * that leg's far end (set by ConnectRtp, then latched on the source of the packets arriving there,
 * symmetric RTP). Lines on stdout: one per request, "RELAY <session> ..." counters when a session
 * stops. Exits when stdin closes.
 *
 * In a secured overlay (relay_peer_tls, built with -DWITH_OPENSSL; OMIF_TLS_CA and OMIF_TLS_KEY set,
 * omif_tls.h) the OM IF is HTTPS with client certificates: a client without a certificate of the
 * overlay CA fails the handshake ("TLS refused ..." on stdout), and a request whose callerNodeId is
 * not the Node-ID in the caller's certificate gets InvalidRequest (callerNodeId).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "soapH.h"
#include "OverlayManagerSoapBinding.nsmap"
#include "omif_tls.h"

#define MAX_SESSIONS 64
#define LEG_CALLER 0
#define LEG_CALLEE 1

struct leg {
    int fd;
    int port;
    int haveFar;
    struct sockaddr_in far;
    long long in;       /* packets received on this leg */
    long long out;      /* packets sent out of this leg (relayed from the other one) */
    long long dropped;  /* received while the other leg had no far end yet */
};

struct session {
    int used;
    char id[32];
    char owner[65];
    char sato[129];
    int connected;
    struct leg leg[2];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct session sessions[MAX_SESSIONS];
static const char *node_id;
static const char *host;
static int max_sessions = 16;
static int next_session = 1;
static time_t started;
static int tls_on;

static void say(const char *fmt, const char *a, const char *b)
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
    struct _om__InvalidRequest *f;
    soap_sender_fault(soap, msg, NULL);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__InvalidRequest(soap, f);
    f->field = soap_strdup(soap, field);
    f->message = soap_strdup(soap, msg);
    new_detail(soap)->om__InvalidRequest = f;
    return SOAP_FAULT;
}

static int unknown_session(struct soap *soap, const char *id)
{
    struct _om__UnknownSession *f;
    soap_sender_fault(soap, "unknown session", NULL);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__UnknownSession(soap, f);
    f->sessionId = soap_strdup(soap, id);
    f->message = "unknown session";
    new_detail(soap)->om__UnknownSession = f;
    return SOAP_FAULT;
}

static int unknown_sato(struct soap *soap, const char *id)
{
    struct _om__UnknownSato *f;
    soap_sender_fault(soap, "unknown SATO", NULL);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__UnknownSato(soap, f);
    f->satoId = soap_strdup(soap, id);
    f->message = "no session of this SATO here";
    new_detail(soap)->om__UnknownSato = f;
    return SOAP_FAULT;
}

static int unsupported_udp_only(struct soap *soap)
{
    struct _om__UnsupportedTransport *f;
    soap_sender_fault(soap, "this legacy RTP-Port relays udp only", NULL);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__UnsupportedTransport(soap, f);
    f->__sizesupported = 1;
    f->supported = soap_malloc(soap, sizeof(enum om__Transport));
    f->supported[0] = om__Transport__udp;
    f->message = "this legacy RTP-Port relays udp only";
    new_detail(soap)->om__UnsupportedTransport = f;
    return SOAP_FAULT;
}

static int exhausted(struct soap *soap, const char *resource, const char *msg)
{
    struct _om__ResourcesExhausted *f;
    soap_receiver_fault(soap, msg, NULL);
    f = soap_malloc(soap, sizeof *f);
    soap_default__om__ResourcesExhausted(soap, f);
    f->resource = soap_strdup(soap, resource);
    f->message = soap_strdup(soap, msg);
    new_detail(soap)->om__ResourcesExhausted = f;
    return SOAP_FAULT;
}

static int bad_caller(struct soap *soap, const char *caller)
{
    if (!valid_node_id(caller)) {
        return invalid(soap, "callerNodeId", "callerNodeId is not a node id (8-64 lower-case hex digits)");
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

static int active_sessions(void)
{
    int i, n = 0;
    for (i = 0; i < MAX_SESSIONS; i++) {
        n += sessions[i].used;
    }
    return n;
}

/* A UDP socket bound on HOST and an ephemeral port; -1 on failure. */
static int udp_socket(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        return -1;
    }
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = 0;
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1 || bind(fd, (struct sockaddr *) &a, sizeof a) != 0
        || getsockname(fd, (struct sockaddr *) &a, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* Only call with the lock held: closes the session's sockets and prints its counters. */
static void stop_session(struct session *s, const char *why)
{
    struct leg *c = &s->leg[LEG_CALLER], *e = &s->leg[LEG_CALLEE];
    printf("RELAY %s stopped (%s): caller_in=%lld callee_in=%lld to_callee=%lld to_caller=%lld dropped=%lld\n", s->id, why,
           c->in, e->in, e->out, c->out, c->dropped + e->dropped);
    fflush(stdout);
    close(c->fd);
    close(e->fd);
    s->used = 0;
}

static char *hostport(struct soap *soap, int port)
{
    char buf[80];
    snprintf(buf, sizeof buf, "%s:%d", host, port);
    return soap_strdup(soap, buf);
}

static char *number(struct soap *soap, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return soap_strdup(soap, buf);
}

/* Only call with the lock held. */
static void session_info(struct soap *soap, struct session *s, struct om__SessionInfo *si)
{
    static const char *names[] = {"leg.caller", "leg.callee", "packets.caller_in", "packets.callee_in", "packets.to_callee",
                                  "packets.to_caller", "packets.dropped"};
    char *values[7];
    int k;
    soap_default_om__SessionInfo(soap, si);
    si->sessionId = soap_strdup(soap, s->id);
    si->portType = om__PortType__rtp_port;
    si->satoId = s->sato[0] ? soap_strdup(soap, s->sato) : NULL;
    si->ownerNodeId = soap_strdup(soap, s->owner);
    si->__sizeendpoint = 2;
    si->endpoint = soap_malloc(soap, 2 * sizeof(struct om__Endpoint));
    for (k = 0; k < 2; k++) {
        soap_default_om__Endpoint(soap, &si->endpoint[k]);
        si->endpoint[k].host = (char *) host;
        si->endpoint[k].port = s->leg[k].port;
    }
    values[0] = hostport(soap, s->leg[LEG_CALLER].port);
    values[1] = hostport(soap, s->leg[LEG_CALLEE].port);
    values[2] = number(soap, s->leg[LEG_CALLER].in);
    values[3] = number(soap, s->leg[LEG_CALLEE].in);
    values[4] = number(soap, s->leg[LEG_CALLEE].out);
    values[5] = number(soap, s->leg[LEG_CALLER].out);
    values[6] = number(soap, s->leg[LEG_CALLER].dropped + s->leg[LEG_CALLEE].dropped);
    si->__sizedetail = 7;
    si->detail = soap_malloc(soap, 7 * sizeof(struct om__Parameter));
    for (k = 0; k < 7; k++) {
        soap_default_om__Parameter(soap, &si->detail[k]);
        si->detail[k].name = (char *) names[k];
        si->detail[k].value = values[k];
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

int __om__StartPort(struct soap *soap, struct _om__StartPort *req, struct _om__StartPortResponse *resp)
{
    int i, fa, fb, pa = 0, pb = 0;
    struct session *s;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    if (req->portType != om__PortType__rtp_port) {
        return invalid(soap, "portType", "this relay peer offers only its rtp-port");
    }
    for (i = 0; i < req->__sizeparameter; i++) {
        const char *n = req->parameter[i].name, *v = req->parameter[i].value;
        if (n && strcmp(n, "transport") == 0 && (!v || strcmp(v, "udp") != 0)) {
            return unsupported_udp_only(soap);
        }
        if (n && strcmp(n, "role") == 0 && (!v || strcmp(v, "relay") != 0)) {
            return invalid(soap, "parameter", "this relay peer starts role=relay sessions only (no phones register here)");
        }
    }
    pthread_mutex_lock(&lock);
    if (active_sessions() >= max_sessions) {
        pthread_mutex_unlock(&lock);
        return exhausted(soap, "sessions", "this relay peer already runs its maximum of relay sessions");
    }
    for (i = 0; i < MAX_SESSIONS && sessions[i].used; i++) {
    }
    fa = udp_socket(&pa);
    fb = fa < 0 ? -1 : udp_socket(&pb);
    if (fb < 0) {
        if (fa >= 0) {
            close(fa);
        }
        pthread_mutex_unlock(&lock);
        return exhausted(soap, "udp-ports", strerror(errno));
    }
    s = &sessions[i];
    memset(s, 0, sizeof *s);
    s->used = 1;
    snprintf(s->id, sizeof s->id, "relay-%d", next_session++);
    snprintf(s->owner, sizeof s->owner, "%s", req->callerNodeId);
    snprintf(s->sato, sizeof s->sato, "%s", req->satoId ? req->satoId : "");
    s->leg[LEG_CALLER].fd = fa;
    s->leg[LEG_CALLER].port = pa;
    s->leg[LEG_CALLEE].fd = fb;
    s->leg[LEG_CALLEE].port = pb;
    resp->session = soap_malloc(soap, sizeof *resp->session);
    session_info(soap, s, resp->session);
    pthread_mutex_unlock(&lock);
    say("StartPort %s for SATO %s", resp->session->sessionId, req->satoId);
    return SOAP_OK;
}

int __om__StopPort(struct soap *soap, struct _om__StopPort *req, struct _om__StopPortResponse *resp)
{
    struct session *s;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    pthread_mutex_lock(&lock);
    s = find_session(req->sessionId ? req->sessionId : "");
    if (!s) {
        pthread_mutex_unlock(&lock);
        return unknown_session(soap, req->sessionId ? req->sessionId : "");
    }
    if (strcmp(s->owner, req->callerNodeId) != 0) {
        pthread_mutex_unlock(&lock);
        return invalid(soap, "callerNodeId", "session was started by another node");
    }
    stop_session(s, "StopPort");
    pthread_mutex_unlock(&lock);
    resp->sessionId = req->sessionId;
    resp->stopped = xsd__boolean__true_;
    say("StopPort %s %s", req->sessionId, "stopped");
    return SOAP_OK;
}

/* Parses an endpoint into *a; 0 if it is unusable. */
static int to_sockaddr(const struct om__Endpoint *e, struct sockaddr_in *a)
{
    if (!e || !e->host || e->port < 1 || e->port > 65535) {
        return 0;
    }
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons((unsigned short) e->port);
    return inet_pton(AF_INET, e->host, &a->sin_addr) == 1;
}

int __om__ConnectRtp(struct soap *soap, struct _om__ConnectRtp *req, struct _om__ConnectRtpResponse *resp)
{
    int i, legs = 0, mine = 0;
    struct sockaddr_in prev, next;
    char why[200];
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    if (req->transport != om__Transport__udp) {
        return unsupported_udp_only(soap);
    }
    pthread_mutex_lock(&lock);
    for (i = 0; i < req->__sizehop; i++) {
        struct om__RtpHop *h = &req->hop[i];
        struct session *s;
        if (!h->nodeId || strcmp(h->nodeId, node_id) != 0) {
            continue;
        }
        mine++;
        s = find_session(h->sessionId ? h->sessionId : "");
        if (!s) {
            pthread_mutex_unlock(&lock);
            return unknown_session(soap, h->sessionId ? h->sessionId : "");
        }
        if (strcmp(s->owner, req->callerNodeId) != 0) {
            pthread_mutex_unlock(&lock);
            return invalid(soap, "callerNodeId", "session was started by another node");
        }
        if (i == 0 || i == req->__sizehop - 1) {
            pthread_mutex_unlock(&lock);
            return invalid(soap, "hop", "a relay session must be an inner hop of the chain");
        }
        if (!to_sockaddr(req->hop[i - 1].towardCallee, &prev)) {
            pthread_mutex_unlock(&lock);
            snprintf(why, sizeof why, "hop %d has no usable towardCallee address (IPv4 HOST and port)", i - 1);
            return invalid(soap, "hop.towardCallee", why);
        }
        if (!to_sockaddr(req->hop[i + 1].towardCaller, &next)) {
            pthread_mutex_unlock(&lock);
            snprintf(why, sizeof why, "hop %d has no usable towardCaller address (IPv4 HOST and port)", i + 1);
            return invalid(soap, "hop.towardCaller", why);
        }
        s->leg[LEG_CALLER].far = prev;
        s->leg[LEG_CALLER].haveFar = 1;
        s->leg[LEG_CALLEE].far = next;
        s->leg[LEG_CALLEE].haveFar = 1;
        s->connected = 1;
        legs += 2;
    }
    pthread_mutex_unlock(&lock);
    if (!mine) {
        return invalid(soap, "hop", "no hop of this chain is on this node");
    }
    resp->satoId = req->satoId;
    resp->connectedLegs = legs;
    say("ConnectRtp %s %s", req->satoId, "connected");
    return SOAP_OK;
}

int __om__TeardownSato(struct soap *soap, struct _om__TeardownSato *req, struct _om__TeardownSatoResponse *resp)
{
    int i, released = 0;
    if (bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    pthread_mutex_lock(&lock);
    for (i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].used && req->satoId && strcmp(sessions[i].sato, req->satoId) == 0
            && strcmp(sessions[i].owner, req->callerNodeId) == 0) {
            stop_session(&sessions[i], "TeardownSato");
            released++;
        }
    }
    pthread_mutex_unlock(&lock);
    if (!released) {
        return unknown_sato(soap, req->satoId ? req->satoId : "");
    }
    resp->satoId = req->satoId;
    resp->releasedSessions = released;
    say("TeardownSato %s %s", req->satoId, req->reason);
    return SOAP_OK;
}

int __om__GetNodeStatus(struct soap *soap, struct _om__GetNodeStatus *req, struct _om__GetNodeStatusResponse *resp)
{
    int i, n;
    if (req->callerNodeId && bad_caller(soap, req->callerNodeId)) {
        return SOAP_FAULT;
    }
    resp->nodeId = (char *) node_id;
    resp->protocolVersion = "1";
    resp->uptimeSeconds = (LONG64) (time(NULL) - started);
    pthread_mutex_lock(&lock);
    n = active_sessions();
    resp->__sizeport = 1;
    resp->port = soap_malloc(soap, sizeof(struct om__PortInfo));
    soap_default_om__PortInfo(soap, resp->port);
    resp->port->type = om__PortType__rtp_port;
    resp->port->name = "legacy-rtp-relay";
    resp->port->running = xsd__boolean__true_;
    resp->port->sessions = n;
    resp->port->__sizedetail = 1;
    resp->port->detail = soap_malloc(soap, sizeof(struct om__Parameter));
    soap_default_om__Parameter(soap, resp->port->detail);
    resp->port->detail->name = "free";
    resp->port->detail->value = number(soap, max_sessions - n);
    resp->__sizesession = n;
    resp->session = soap_malloc(soap, sizeof(struct om__SessionInfo) * (size_t) (n ? n : 1));
    n = 0;
    for (i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].used) {
            session_info(soap, &sessions[i], &resp->session[n++]);
        }
    }
    pthread_mutex_unlock(&lock);
    say("GetNodeStatus %s %s", req->callerNodeId, "");
    return SOAP_OK;
}

static int not_a_sato_end(struct soap *soap, const char *op)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s: this legacy peer only relays media (StartPort, ConnectRtp, StopPort); no SATO ends here",
             op);
    say("%s refused %s", op, "");
    return invalid(soap, "operation", msg);
}

int __om__NegotiateTransport(struct soap *soap, struct _om__NegotiateTransport *req,
                             struct _om__NegotiateTransportResponse *resp)
{
    (void) req;
    (void) resp;
    return not_a_sato_end(soap, "NegotiateTransport");
}

int __om__SetupSato(struct soap *soap, struct _om__SetupSato *req, struct _om__SetupSatoResponse *resp)
{
    (void) req;
    (void) resp;
    return not_a_sato_end(soap, "SetupSato");
}

int __om__AdaptSato(struct soap *soap, struct _om__AdaptSato *req, struct _om__AdaptSatoResponse *resp)
{
    (void) req;
    (void) resp;
    return not_a_sato_end(soap, "AdaptSato");
}

int __om__ReportPath(struct soap *soap, struct _om__ReportPath *req, struct _om__ReportPathResponse *resp)
{
    (void) req;
    (void) resp;
    return not_a_sato_end(soap, "ReportPath");
}

/* The relay: polls every session's two legs; a packet on one leg goes out of the other. */
static void *relay(void *arg)
{
    struct pollfd fds[2 * MAX_SESSIONS];
    unsigned char buf[2048];
    (void) arg;
    for (;;) {
        int i, n = 0, r;
        pthread_mutex_lock(&lock);
        for (i = 0; i < MAX_SESSIONS; i++) {
            if (sessions[i].used) {
                fds[n].fd = sessions[i].leg[LEG_CALLER].fd;
                fds[n++].events = POLLIN;
                fds[n].fd = sessions[i].leg[LEG_CALLEE].fd;
                fds[n++].events = POLLIN;
            }
        }
        pthread_mutex_unlock(&lock);
        r = poll(fds, (nfds_t) n, 50);
        if (r <= 0) {
            if (n == 0) {
                usleep(50000);
            }
            continue;
        }
        pthread_mutex_lock(&lock);
        for (i = 0; i < n; i++) {
            int k, l;
            if (!(fds[i].revents & POLLIN)) {
                continue;
            }
            /* the socket may have been closed (and its number reused) since the snapshot: look it up again */
            for (k = 0; k < MAX_SESSIONS; k++) {
                for (l = 0; l < 2; l++) {
                    if (sessions[k].used && sessions[k].leg[l].fd == fds[i].fd) {
                        struct leg *in = &sessions[k].leg[l], *out = &sessions[k].leg[1 - l];
                        struct sockaddr_in from;
                        socklen_t flen = sizeof from;
                        ssize_t got = recvfrom(in->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &from, &flen);
                        if (got < 0) {
                            continue;
                        }
                        in->in++;
                        in->far = from; /* symmetric RTP: answer where the packets come from */
                        in->haveFar = 1;
                        if (!out->haveFar
                            || sendto(out->fd, buf, (size_t) got, 0, (struct sockaddr *) &out->far, sizeof out->far) < 0) {
                            in->dropped++;
                        } else {
                            out->out++;
                        }
                    }
                }
            }
        }
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *serve(void *arg)
{
    struct soap *soap = (struct soap *) arg;
#ifdef WITH_OPENSSL
    if (tls_on && soap_ssl_accept(soap) != SOAP_OK) {
        const char *why = soap_fault_string(soap);
        say("TLS refused %s %s", "a client:", why ? why : "handshake failed");
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
    int i;
    (void) arg;
    while (read(0, buf, sizeof buf) > 0) {
    }
    pthread_mutex_lock(&lock);
    for (i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].used) {
            stop_session(&sessions[i], "exit");
        }
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
    if ((argc != 3 && argc != 4) || !valid_node_id(argv[1])) {
        fprintf(stderr, "usage: relay_peer NODE_ID(8-64 lower-case hex) HOST [MAX_SESSIONS 1-%d]\n", MAX_SESSIONS);
        return 2;
    }
    node_id = argv[1];
    host = argv[2];
    if (argc == 4) {
        max_sessions = atoi(argv[3]);
        if (max_sessions < 1 || max_sessions > MAX_SESSIONS) {
            fprintf(stderr, "relay_peer: MAX_SESSIONS must be 1-%d, not %s\n", MAX_SESSIONS, argv[3]);
            return 2;
        }
    }
    started = time(NULL);
    soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
    soap->bind_flags = SO_REUSEADDR;
    soap->max_keep_alive = 1000000;
    soap->recv_timeout = 60;
    soap->send_timeout = 30;
    tls_on = omif_tls_setup(soap, 1, "relay_peer");
    if (tls_on < 0) {
        return 1;
    }
    if (!soap_valid_socket(soap_bind(soap, host, 0, 64))) {
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
    pthread_create(&t, NULL, relay, NULL);
    pthread_detach(t);
    for (;;) {
        struct soap *copy;
        if (!soap_valid_socket(soap_accept(soap))) {
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
