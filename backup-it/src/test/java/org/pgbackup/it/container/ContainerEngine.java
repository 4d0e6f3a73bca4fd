package org.pgbackup.it.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the container suite when a container engine and the images are there. Without them,
 * as the specification says, the suite is skipped on a developer's machine, with one loud
 * line saying why; with {@code REQUIRE_CONTAINER_TESTS=true}, as CI sets it, that is a
 * failure instead, so CI can never pass without the container tests.
 */
public final class ContainerEngine implements ExecutionCondition {
    /** The controller image under test; docker/build-images builds it on the stand-in bases. */
    public static final String CONTROLLER_IMAGE = setting("CONTROLLER_IMAGE", "localhost/pg-backup-controller:latest");
    /** The PostgreSQL server image: the stand-in for postgres:17 unless set. */
    public static final String POSTGRES_IMAGE = setting("POSTGRES_IMAGE", "localhost/pgbackup-base/postgres:17");
    /** The S3-compatible server image, built from s3proxy's Maven artifact. */
    public static final String S3PROXY_IMAGE = setting("S3PROXY_IMAGE", "localhost/pgbackup-base/s3proxy:latest");
    /** An OpenSSH server with SFTP, built from Debian's packages. */
    public static final String SSHD_IMAGE = setting("SSHD_IMAGE", "localhost/pgbackup-base/sshd:latest");

    private static final String REQUIRED = "REQUIRE_CONTAINER_TESTS";

    private static String setting(String name, String fallback) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank()).orElse(fallback);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> missing = missing();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("a container engine and the images are there");
        }
        String why = "Container suite " + context.getDisplayName() + " NOT RUN: " + missing.get()
                + ". Start an engine (see README, \"Testing\"), run docker/build-images, and set DOCKER_HOST.";
        if (Boolean.parseBoolean(System.getenv(REQUIRED))) {
            throw new IllegalStateException(why + " " + REQUIRED + "=true, so this is a failure, not a skip");
        }
        System.err.println("!!!!! " + why);
        return ConditionEvaluationResult.disabled(why);
    }

    private static Optional<String> missing() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.of("no container engine answers (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + ")");
        }
        DockerClient client = DockerClientFactory.instance().client();
        List<String> absent = new ArrayList<>();
        for (String image : List.of(CONTROLLER_IMAGE, POSTGRES_IMAGE, S3PROXY_IMAGE, SSHD_IMAGE)) {
            try {
                client.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                absent.add(image);
            }
        }
        return absent.isEmpty() ? Optional.empty() : Optional.of("images missing: " + String.join(", ", absent));
    }
}
