/**
 * The messages of the overlay peer internal control protocol (paper Figure 1, the {@code <~~~>}
 * link between the Overlay Manager and its SATO-Ports), one small typed class per message, in the
 * paper's vocabulary. Each request and event has {@code toMessage()}; each answer has
 * {@code answer(request)}; every class has a static {@code from(ControlMessage)} that checks the
 * type and the fields and throws {@link org.p2psip.control.ControlException} with
 * {@link org.p2psip.control.ErrorCode#BAD_REQUEST} naming the missing or invalid field.
 * Constructors check only that mandatory fields are there (IllegalArgumentException otherwise);
 * whether a value is acceptable is for the receiver to judge, in {@code from}.
 * The field names are those of {@link org.p2psip.control.message.Fields}; type names those of
 * {@link org.p2psip.control.MessageTypes}. What goes on the wire is exactly what the untyped
 * {@link org.p2psip.control.ControlMessage}s carried before (docs/control-protocol.md).
 *
 * <pre>
 *   ControlMessage answer = om.call(new UserLookup("bob").toMessage());
 *   List&lt;String&gt; peers = UserLookupAnswer.from(answer).peers();
 * </pre>
 */
package org.p2psip.control.message;
