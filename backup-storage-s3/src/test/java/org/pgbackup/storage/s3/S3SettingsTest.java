package org.pgbackup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    private static Map<String, String> valid(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("S3_BUCKET", "my-company-backups", "S3_ACCESS_KEY_ID", "AKIA1",
                "S3_SECRET_ACCESS_KEY", "very-secret"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static S3Settings read(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        S3Settings settings = S3Settings.read(env, problems).orElse(null);
        assertThat(problems).isEmpty();
        return settings;
    }

    @Test
    void defaultsAreAwsVirtualHostStyleOverTlsWithOneAttempt() {
        S3Settings s = read(valid());
        assertThat(s.endpoint()).isEqualTo(URI.create("https://s3.amazonaws.com"));
        assertThat(s.pathStyle()).isFalse();
        assertThat(s.maxRetries()).isZero();
        assertThat(s.region()).isEmpty();
        assertThat(s.prefix()).isEmpty();
        assertThat(s.partSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(s.maxObjectSize()).isEqualTo(16L * 1024 * 1024 * 10_000);
    }

    @Test
    void tlsSettingAppliesOnlyToAnEndpointWithoutScheme() {
        assertThat(read(valid("S3_ENDPOINT", "minio.internal:9000", "S3_USE_TLS", "false")).endpoint())
                .isEqualTo(URI.create("http://minio.internal:9000"));
        assertThat(read(valid("S3_ENDPOINT", "minio.internal:9000")).endpoint())
                .isEqualTo(URI.create("https://minio.internal:9000"));
        assertThat(read(valid("S3_ENDPOINT", "https://minio.internal:9000", "S3_USE_TLS", "false")).endpoint())
                .isEqualTo(URI.create("https://minio.internal:9000"));
    }

    @Test
    void theSpecificationsExampleLayout() {
        S3Settings s = read(valid("S3_PREFIX", "sites/prod-blog"));
        assertThat(s.key("users", "file_daily_2025-07-04T09:00:00Z.dump"))
                .isEqualTo("sites/prod-blog/users/file_daily_2025-07-04T09:00:00Z.dump");
        assertThat(read(valid("S3_PREFIX", "")).key("users", "f")).isEqualTo("users/f");
        assertThat(read(valid("S3_PREFIX", "//a///b//")).servicePrefix("users")).isEqualTo("a/b/users/");
    }

    @Test
    void serverSideEncryptionTakesAes256OrKmsOverTls() {
        assertThat(read(valid("S3_SSE", "AES256")).sse()).contains("AES256");
        assertThat(read(valid("S3_SSE", "aws:kms", "S3_SSE_KMS_KEY_ID", "k1")).sseKmsKeyId()).contains("k1");
        assertThat(read(valid()).sse()).isEmpty();
        List<String> problems = new ArrayList<>();
        S3Settings.read(Map.of("S3_BUCKET", "b-1", "S3_ACCESS_KEY_ID", "a", "S3_SECRET_ACCESS_KEY", "s",
                "S3_SSE", "aes256"), problems);
        S3Settings.read(Map.of("S3_BUCKET", "b-1", "S3_ACCESS_KEY_ID", "a", "S3_SECRET_ACCESS_KEY", "s",
                "S3_SSE", "aws:kms", "S3_USE_TLS", "false", "S3_ENDPOINT", "minio:9000"), problems);
        S3Settings.read(Map.of("S3_BUCKET", "b-1", "S3_ACCESS_KEY_ID", "a", "S3_SECRET_ACCESS_KEY", "s",
                "S3_SSE_KMS_KEY_ID", "k1"), problems);
        assertThat(problems).containsExactly("Invalid value for S3_SSE (should be AES256 or aws:kms): aes256",
                "S3_SSE=aws:kms needs an https endpoint (S3 refuses KMS requests over plain HTTP): set"
                        + " S3_USE_TLS=true or an https:// S3_ENDPOINT",
                "S3_SSE_KMS_KEY_ID is set but S3_SSE is not aws:kms: set S3_SSE=aws:kms, or unset the key id");
    }

    @Test
    void everyProblemNamesItsVariableAndNoSecretIsShown() {
        List<String> problems = new ArrayList<>();
        S3Settings.read(Map.of("S3_BUCKET", "Bad_Bucket", "S3_SECRET_ACCESS_KEY", " ", "S3_USE_TLS", "yes",
                "S3_FORCE_PATH_STYLE", "1", "S3_ENDPOINT", "ftp://x", "S3_STORAGE_CLASS", "cheap",
                "S3_MAX_RETRIES", "-3", "S3_PART_SIZE_MB", "1", "S3_SESSION_TOKEN", "token-secret"), problems);
        assertThat(problems).containsExactly(
                "Invalid value for S3_BUCKET (should be a bucket name: 3 to 63 lower-case letters, digits, '.' and"
                        + " '-'): Bad_Bucket",
                "S3_ACCESS_KEY_ID is empty: set the access key of the bucket's credentials",
                "S3_SECRET_ACCESS_KEY is empty: set the secret key of the bucket's credentials",
                "Invalid value for S3_USE_TLS (should be true or false): yes",
                "Invalid value for S3_FORCE_PATH_STYLE (should be true or false): 1",
                "Invalid value for S3_ENDPOINT (should be a host, host:port or http(s)://host[:port], such as"
                        + " https://minio.internal:9000): ftp://x",
                "Invalid value for S3_STORAGE_CLASS (should be a storage class such as STANDARD or STANDARD_IA): cheap",
                "Invalid value for S3_MAX_RETRIES (should be a whole number from 0 to 100): -3",
                "Invalid value for S3_PART_SIZE_MB (should be a whole number of MiB from 5 to 4096): 1");
        assertThat(String.join(" ", problems)).doesNotContain("token-secret");
        assertThat(read(valid("S3_SESSION_TOKEN", "token-secret")).toString()).doesNotContain("token-secret")
                .doesNotContain("very-secret");
    }

    @Test
    void missingBucketIsNamed() {
        List<String> problems = new ArrayList<>();
        S3Settings.read(Map.of("S3_ACCESS_KEY_ID", "a", "S3_SECRET_ACCESS_KEY", "b"), problems);
        assertThat(problems).singleElement().asString().startsWith("S3_BUCKET is empty");
    }

    @Test
    void noSuchHostSuggestsPathStyleOnlyForVirtualHostRequests() {
        IOException virtual = S3Errors.describe(new UnknownHostException("my-company-backups.minio.internal"),
                "listing users/", read(valid("S3_ENDPOINT", "minio.internal")));
        assertThat(virtual.getMessage()).contains("no such host my-company-backups.minio.internal")
                .contains("set S3_FORCE_PATH_STYLE=true");
        IOException path = S3Errors.describe(new UnknownHostException("minio.internal"), "listing users/",
                read(valid("S3_ENDPOINT", "minio.internal", "S3_FORCE_PATH_STYLE", "true")));
        assertThat(path.getMessage()).contains("check S3_ENDPOINT").doesNotContain("S3_FORCE_PATH_STYLE=true");
    }

    @Test
    void retryableStatusesAreServerErrorsTimeoutsAndThrottling() {
        assertThat(RetryInterceptor.retryable(500)).isTrue();
        assertThat(RetryInterceptor.retryable(503)).isTrue();
        assertThat(RetryInterceptor.retryable(429)).isTrue();
        assertThat(RetryInterceptor.retryable(408)).isTrue();
        assertThat(RetryInterceptor.retryable(403)).isFalse();
        assertThat(RetryInterceptor.retryable(404)).isFalse();
    }
}
