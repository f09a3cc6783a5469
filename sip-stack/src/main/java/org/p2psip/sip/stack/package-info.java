/**
 * JAIN-SIP RI plumbing shared by the P2PSIP-Port and the phone: {@link org.p2psip.sip.stack.SipStacks}
 * creates stacks (unique name, SLF4J logging through {@link org.p2psip.sip.stack.Slf4jStackLogger} and
 * {@link org.p2psip.sip.stack.Slf4jServerLogger} instead of log4j, bounded thread pool and message
 * size), opens listening points on ephemeral ports, and shuts stacks down so that no thread is left.
 */
package org.p2psip.sip.stack;
