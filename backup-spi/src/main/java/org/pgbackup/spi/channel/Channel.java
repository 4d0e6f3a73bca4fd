package org.pgbackup.spi.channel;

import java.io.IOException;

/**
 * One destination of notifications, such as a Slack webhook or a list of e-mail recipients.
 * The controller calls it from one thread at a time and closes it when it stops.
 */
public interface Channel extends AutoCloseable {

    /**
     * Delivers a notice, or fails. A failure is logged and counted by the controller and
     * never fails a backup; the controller does not retry.
     *
     * @throws IOException when the notice could not be delivered; its message should say
     *     why (the service's answer, a refused login) without repeating a secret
     */
    void send(Notice notice) throws IOException;

    /** Frees what the channel holds. The default holds nothing. */
    @Override
    default void close() {
    }
}
