/*
 * omif_tls.h: the OM IF of a secured overlay for the gSOAP peers: HTTPS with client certificates
 * (mutual TLS with the overlay CA), as the Java OM speaks it. Built with -DWITH_OPENSSL and linked
 * with -lgsoapssl -lssl -lcrypto (the *_tls programs); without WITH_OPENSSL the peers speak plain
 * HTTP only (the unsecured legacy mode) and refuse to start when asked for TLS.
 *
 * Configured by two environment variables, so the programs' arguments stay as they are:
 *   OMIF_TLS_CA   the overlay CA's certificate (PEM; ca.crt of a peer's security directory)
 *   OMIF_TLS_KEY  this peer's key and certificate in one PEM file (node.key followed by node.crt,
 *                 as ./p2psip ca enroll-peer writes them; gSOAP reads both from one file)
 * Only the overlay CA is trusted (no system CA paths); a server requires a client certificate; a
 * client does not check host names (node certificates carry Node-IDs, URIs p2psip:node:HEX).
 */
#ifndef OMIF_TLS_H
#define OMIF_TLS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef WITH_OPENSSL
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#endif

#define OMIF_TLS_FLAGS (SOAP_SSL_NO_DEFAULT_CA_PATH | SOAP_TLSv1_2 | SOAP_TLSv1_3)

/* 1: TLS configured (context set up), 0: plain HTTP, -1: error (printed). */
static int omif_tls_setup(struct soap *soap, int server, const char *sid)
{
    const char *ca = getenv("OMIF_TLS_CA");
    const char *key = getenv("OMIF_TLS_KEY");
    if (!ca && !key) {
        return 0;
    }
    if (!ca || !key) {
        fprintf(stderr, "TLS needs both OMIF_TLS_CA and OMIF_TLS_KEY\n");
        return -1;
    }
#ifdef WITH_OPENSSL
    soap_ssl_init();
    if (server ? soap_ssl_server_context(soap, OMIF_TLS_FLAGS | SOAP_SSL_REQUIRE_CLIENT_AUTHENTICATION, key, NULL, ca, NULL,
                                         NULL, NULL, sid)
               : soap_ssl_client_context(soap, OMIF_TLS_FLAGS | SOAP_SSL_REQUIRE_SERVER_AUTHENTICATION | SOAP_SSL_SKIP_HOST_CHECK,
                                         key, NULL, ca, NULL, NULL)) {
        soap_print_fault(soap, stderr);
        return -1;
    }
    return 1;
#else
    (void) soap;
    (void) server;
    (void) sid;
    fprintf(stderr, "this build has no TLS (built without -DWITH_OPENSSL): use the *_tls program\n");
    return -1;
#endif
}

/* The Node-ID in the certificate the other end of this TLS connection presented; 0 if none. */
static int omif_tls_peer_node_id(struct soap *soap, char *out, size_t n)
{
#ifdef WITH_OPENSSL
    X509 *cert;
    GENERAL_NAMES *names;
    int i, found = 0;
    if (!soap->ssl) {
        return 0;
    }
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    cert = SSL_get1_peer_certificate(soap->ssl);
#else
    cert = SSL_get_peer_certificate(soap->ssl);
#endif
    if (!cert) {
        return 0;
    }
    names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    for (i = 0; names && i < sk_GENERAL_NAME_num(names) && !found; i++) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_URI) {
            const char *uri = (const char *) ASN1_STRING_get0_data(g->d.uniformResourceIdentifier);
            int len = ASN1_STRING_length(g->d.uniformResourceIdentifier);
            if (len > 12 && strncmp(uri, "p2psip:node:", 12) == 0 && (size_t) (len - 12) < n) {
                memcpy(out, uri + 12, (size_t) (len - 12));
                out[len - 12] = '\0';
                found = 1;
            }
        }
    }
    GENERAL_NAMES_free(names);
    X509_free(cert);
    return found;
#else
    (void) soap;
    (void) out;
    (void) n;
    return 0;
#endif
}

#endif
