package org.p2psip.om.ws;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Refuses a POST that is not SOAP (HTTP 415) and request bodies over a limit: a declared Content-Length over it gets HTTP 413 at once;
 * a chunked body is cut when it passes the limit, which makes the parser fail with a SOAP Fault.
 */
final class BodyLimitInterceptor extends AbstractPhaseInterceptor<Message> {
    private final int limit;

    BodyLimitInterceptor(int limit) {
        super(Phase.RECEIVE);
        this.limit = limit;
    }

    @Override
    public void handleMessage(Message message) {
        String method = (String) message.get(Message.HTTP_REQUEST_METHOD);
        if ("GET".equalsIgnoreCase(method)) {
            String q = String.valueOf(message.get(Message.QUERY_STRING)).toLowerCase(java.util.Locale.ROOT);
            if (!q.startsWith("wsdl") && !q.startsWith("xsd")) {
                throw clientFault(405, "the OM IF takes SOAP requests by POST; GET serves only ?wsdl");
            }
        } else if ("POST".equalsIgnoreCase(method)) {
            String type = String.valueOf(message.get(Message.CONTENT_TYPE)).toLowerCase(java.util.Locale.ROOT);
            if (!type.startsWith("text/xml") && !type.startsWith("application/soap+xml")) {
                throw clientFault(415, "the OM IF speaks SOAP 1.1: Content-Type text/xml, not '" + message.get(Message.CONTENT_TYPE) + "'");
            }
        }
        Object ct = message.get(Message.CONTENT_TYPE);
        if (ct == null || !String.valueOf(ct).toLowerCase(java.util.Locale.ROOT).contains("charset=")) {
            // A SOAP 1.1 request without a charset is UTF-8 XML (not HTTP's text/* default ISO-8859-1); answer in UTF-8 too
            message.put(Message.ENCODING, "UTF-8");
        }
        long declared = contentLength(message);
        if (declared > limit) {
            throw clientFault(413, "request body of " + declared + " bytes is larger than the OM IF limit of " + limit + " bytes");
        }
        InputStream in = message.getContent(InputStream.class);
        if (in != null) {
            message.setContent(InputStream.class, new Limited(in, limit));
        }
    }

    private static Fault clientFault(int status, String text) {
        Fault f = new Fault(new IOException(text));
        f.setStatusCode(status);
        f.setFaultCode(new javax.xml.namespace.QName("http://schemas.xmlsoap.org/soap/envelope/", "Client"));
        return f;
    }

    private static long contentLength(Message message) {
        Object h = message.get(Message.PROTOCOL_HEADERS);
        if (h instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) h).entrySet()) {
                if ("content-length".equalsIgnoreCase(String.valueOf(e.getKey())) && e.getValue() instanceof List) {
                    List<?> v = (List<?>) e.getValue();
                    if (!v.isEmpty()) {
                        try {
                            return Long.parseLong(String.valueOf(v.get(0)).trim());
                        } catch (NumberFormatException ex) {
                            return -1;
                        }
                    }
                }
            }
        }
        return -1;
    }

    /** Fails reads past the limit. */
    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long count;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        private void add(long n) throws IOException {
            if (n > 0) {
                count += n;
                if (count > limit) {
                    throw new IOException("request body larger than the OM IF limit of " + limit + " bytes");
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            add(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            add(s);
            return s;
        }
    }
}
