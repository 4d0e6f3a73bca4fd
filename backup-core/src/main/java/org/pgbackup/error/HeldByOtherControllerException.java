package org.pgbackup.error;

/**
 * Another controller, on this host or another, is backing up the same database: it holds the
 * database's advisory lock on its server. A scheduled run counts the slot as skipped, not
 * failed, since the other controller is taking the backup; a manual run fails.
 */
public class HeldByOtherControllerException extends ServiceBusyException {
    private static final long serialVersionUID = 1L;

    public HeldByOtherControllerException(String message) {
        super(message);
    }
}
