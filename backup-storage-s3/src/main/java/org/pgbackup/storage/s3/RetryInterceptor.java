package org.pgbackup.storage.s3;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.tinylog.Logger;

/**
 * Makes {@code S3_MAX_RETRIES=N} mean exactly what it says: a request that fails (no answer,
 * a dropped connection, or a 5xx, 408 or 429 status) is sent again up to N times, with
 * exponential backoff. OkHttp's own silent retry is switched off, so N=0 is one attempt.
 * Other client errors (a bad signature, a missing bucket) are final and not retried.
 */
final class RetryInterceptor implements Interceptor {
    private static final long FIRST_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    private final int maxRetries;

    RetryInterceptor(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        for (int attempt = 0; ; attempt++) {
            boolean last = attempt >= maxRetries;
            Response response;
            try {
                response = chain.proceed(chain.request());
            } catch (IOException e) {
                if (last) {
                    throw e;
                }
                Logger.warn("S3 {} {} failed ({}); retry {} of {}", chain.request().method(), chain.request().url()
                        .encodedPath(), e.toString(), attempt + 1, maxRetries);
                backoff(attempt);
                continue;
            }
            if (last || !retryable(response.code())) {
                return response;
            }
            Logger.warn("S3 {} {} answered {}; retry {} of {}", chain.request().method(), chain.request().url()
                    .encodedPath(), response.code(), attempt + 1, maxRetries);
            response.close();
            backoff(attempt);
        }
    }

    static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private static void backoff(int attempt) throws IOException {
        long millis = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt, 10));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting to retry", e);
        }
    }
}
