package org.pgbackup.error;

/**
 * Another controller, on this host or another, is backing up the same database: it holds the
 * database's advisory lock on its server, or, for a scheduled dump, the claim on the slot that
 * a scheduled controller keeps on what it dumped until its next run. A scheduled run counts the
 * slot as skipped, not failed, since the other controller is taking the backup; a manual run
 * fails.
 */
public class HeldByOtherControllerException extends ServiceBusyException {
    private static final long serialVersionUID = 1L;

    public HeldByOtherControllerException(String message) {
        super(message);
    }
}
