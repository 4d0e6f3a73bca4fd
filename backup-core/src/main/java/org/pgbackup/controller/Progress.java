package org.pgbackup.controller;

import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.io.input.ProxyInputStream;
import org.apache.commons.io.output.ProxyOutputStream;
import org.pgbackup.controller.ProgressListener.Phase;
import org.tinylog.Logger;

/** One operation's listener, bound to its service, that never lets a listener fail the operation. */
final class Progress {
    private final ProgressListener listener;
    private final String service;

    Progress(ProgressListener listener, String service) {
        this.listener = listener;
        this.service = service;
    }

    void phase(Phase phase) {
        try {
            listener.phase(service, phase);
        } catch (RuntimeException e) {
            Logger.warn("{}: a progress listener failed on {} and is ignored: {}", service, phase, e.toString());
        }
    }

    private void transferred(long bytes) {
        try {
            listener.transferred(service, bytes);
        } catch (RuntimeException e) {
            Logger.warn("{}: a progress listener failed and is ignored: {}", service, e.toString());
        }
    }

    /** The stream, counting what is written through it. */
    OutputStream counting(OutputStream out) {
        return new ProxyOutputStream(out) {
            private long total;

            @Override
            protected void afterWrite(int n) {
                total += n;
                transferred(total);
            }
        };
    }

    /** The stream, counting what is read through it. */
    InputStream counting(InputStream in) {
        return new ProxyInputStream(in) {
            private long total;

            @Override
            protected void afterRead(int n) {
                if (n > 0) {
                    total += n;
                    transferred(total);
                }
            }
        };
    }
}
