package org.pgbackup.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart as Helm renders it: {@code helm lint}, {@code helm template} of both shapes and
 * the three example values files read as typed Kubernetes objects, and the schema's refusals.
 */
class ChartTemplateTest {
    private static final Pattern SECRET_NAME = Pattern.compile("PASSWORD|SECRET|ACCESS_KEY|TOKEN|AGE_RECIPIENTS"
            + "|NOTIFY_URLS");

    @TempDir
    Path dir;

    private Path values(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "values", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static SecretKeySelector secret(Map<String, EnvVar> env, String name) {
        EnvVar variable = env.get(name);
        assertThat(variable).as(name).isNotNull();
        assertThat(variable.getValue()).as("%s has no value of its own", name).isNull();
        return variable.getValueFrom().getSecretKeyRef();
    }

    private static String value(Map<String, EnvVar> env, String name) {
        assertThat(env).as("the variables").containsKey(name);
        return env.get(name).getValue();
    }

    /** Asserts each name's value, given as name, value, name, value... */
    private static void values(Map<String, EnvVar> env, String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            assertThat(value(env, namesAndValues[i])).as(namesAndValues[i]).isEqualTo(namesAndValues[i + 1]);
        }
    }

    /** What every pod of the chart must be: the compose example's hardening, secrets only by reference. */
    private static void hardened(PodSpec pod) {
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getContainers()).hasSize(1);
        Container container = pod.getContainers().get(0);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        Volume tmp = pod.getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow();
        assertThat(tmp.getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("tmp");
            assertThat(m.getMountPath()).isEqualTo("/tmp");
        });
        for (EnvVar variable : container.getEnv()) {
            if (SECRET_NAME.matcher(variable.getName()).find()) {
                assertThat(variable.getValue()).as("%s is given by value", variable.getName()).isNull();
                assertThat(variable.getValueFrom().getSecretKeyRef()).as(variable.getName()).isNotNull();
            }
        }
    }

    @Test
    void helmLintPassesStrict() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void theDefaultValuesRenderOneHardenedDeploymentRunningStartWithItsVolumeServiceAndProbes() {
        List<HasMetadata> objects = Chart.objects();
        assertThat(objects).extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("Deployment", "PersistentVolumeClaim", "Service");
        Deployment deployment = Chart.ofKind(objects, Deployment.class).get(0);
        assertThat(deployment.getMetadata().getName()).isEqualTo("backup-pg-backup-controller");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        hardened(pod);
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L);
        Container container = pod.getContainers().get(0);
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));
        assertThat(container.getImage()).isEqualTo("pg-backup-controller:latest");
        assertThat(container.getArgs()).containsExactly("start");
        assertThat(container.getReadinessProbe().getExec().getCommand()).containsExactly("/controller", "health");
        assertThat(container.getLivenessProbe().getExec().getCommand()).containsExactly("/controller", "health");
        Map<String, EnvVar> env = Chart.env(container);
        assertThat(value(env, "MODE")).isEqualTo("production");
        assertThat(value(env, "DATABASE_LIST")).isEqualTo("app-db");
        assertThat(value(env, "BACKUP_SCHEDULE")).isEqualTo("0 3,9,15,21 * * *");
        assertThat(value(env, "METRICS_PORT")).isEqualTo("9187");
        assertThat(value(env, "APP_DB_POSTGRES_HOST")).isEqualTo("app-db");
        assertThat(value(env, "APP_DB_POSTGRES_DB")).isEqualTo("app");
        SecretKeySelector password = secret(env, "APP_DB_POSTGRES_PASSWORD");
        assertThat(password.getName()).isEqualTo("app-db-credentials");
        assertThat(password.getKey()).isEqualTo("password");

        PersistentVolumeClaim claim = Chart.ofKind(objects, PersistentVolumeClaim.class).get(0);
        assertThat(claim.getMetadata().getName()).isEqualTo("backup-pg-backup-controller-backup");
        assertThat(claim.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("backup")).singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName())
                        .isEqualTo(claim.getMetadata().getName()));
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("backup");
            assertThat(m.getMountPath()).isEqualTo("/var/lib/postgresql/backup/data");
        });
        Service service = Chart.ofKind(objects, Service.class).get(0);
        assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(9187);
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void deploymentLocalTwoServicesSecretsByReferenceAndAServiceMonitor() {
        List<HasMetadata> objects = Chart.objects(Chart.example("deployment-local.yaml"));
        Deployment deployment = Chart.ofKind(objects, Deployment.class).get(0);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        hardened(pod);
        Map<String, EnvVar> env = Chart.env(pod.getContainers().get(0));
        values(env, "DATABASE_LIST", "users-db,orders-db", "TZ", "Europe/Berlin", "BACKUP_TARGET", "local",
                "USERS_DB_POSTGRES_HOST", "users-db.databases.svc.cluster.local", "ORDERS_DB_POSTGRES_PORT", "5433",
                "ORDERS_DB_POSTGRES_USER", "orders", "BACKUP_COMPRESSION", "zstd:3", "LOG_FORMAT", "json");
        assertThat(secret(env, "ORDERS_DB_POSTGRES_PASSWORD").getName()).isEqualTo("orders-db-credentials");
        SecretKeySelector notify = secret(env, "NOTIFY_URLS");
        assertThat(notify.getName()).isEqualTo("backup-notify");
        assertThat(notify.getKey()).isEqualTo("urls");
        assertThat(env).doesNotContainKeys("S3_BUCKET", "BACKUP_ENCRYPTION");
        assertThat(Chart.ofKind(objects, PersistentVolumeClaim.class).get(0).getSpec().getStorageClassName())
                .isEqualTo("standard");

        GenericKubernetesResource monitor = Chart.ofKind(objects, GenericKubernetesResource.class).get(0);
        assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.get("spec", "endpoints").toString()).contains("port=metrics", "path=/metrics");
    }

    @Test
    void twoReplicasOnS3OnlyHaveNoClaimAndTakeKeysAndRecipientsFromSecrets() {
        List<HasMetadata> objects = Chart.objects(Chart.example("deployment-s3-two-replicas.yaml"));
        assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Deployment", "Service");
        Deployment deployment = Chart.ofKind(objects, Deployment.class).get(0);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        hardened(pod);
        Volume backup = pod.getVolumes().stream().filter(v -> v.getName().equals("backup")).findFirst().orElseThrow();
        assertThat(backup.getEmptyDir()).isNotNull();
        assertThat(backup.getPersistentVolumeClaim()).isNull();
        Map<String, EnvVar> env = Chart.env(pod.getContainers().get(0));
        values(env, "BACKUP_TARGET", "s3", "BILLING_DB_POSTGRES_DB", "*", "S3_BUCKET", "pg-backups", "S3_PREFIX",
                "team-billing", "S3_REGION", "eu-central-1", "BACKUP_ENCRYPTION", "age");
        assertThat(secret(env, "S3_ACCESS_KEY_ID").getKey()).isEqualTo("access-key-id");
        assertThat(secret(env, "S3_SECRET_ACCESS_KEY").getKey()).isEqualTo("secret-access-key");
        assertThat(secret(env, "S3_SECRET_ACCESS_KEY").getName()).isEqualTo("backup-s3");
        SecretKeySelector recipients = secret(env, "AGE_RECIPIENTS");
        assertThat(recipients.getName()).isEqualTo("backup-age-recipients");
        assertThat(env).doesNotContainKey("AGE_IDENTITY_FILE");
    }

    @Test
    void cronjobShapeRendersOneCronJobPerServiceEachDumpingOnlyItsOwn() {
        List<HasMetadata> objects = Chart.objects(Chart.example("cronjob-s3.yaml"));
        assertThat(objects).extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("CronJob", "CronJob", "PersistentVolumeClaim");
        List<CronJob> jobs = Chart.ofKind(objects, CronJob.class);
        assertThat(jobs).extracting(j -> j.getMetadata().getName())
                .containsExactly("backup-pg-backup-controller-users-db", "backup-pg-backup-controller-orders-db");
        assertThat(jobs).extracting(j -> j.getSpec().getSchedule()).containsExactly("0 2 * * *", "30 2 * * *");
        for (CronJob job : jobs) {
            assertThat(job.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
            assertThat(job.getSpec().getTimeZone()).isEqualTo("UTC");
            var jobSpec = job.getSpec().getJobTemplate().getSpec();
            assertThat(jobSpec.getBackoffLimit()).isEqualTo(1);
            assertThat(jobSpec.getActiveDeadlineSeconds()).isEqualTo(7200L);
            assertThat(jobSpec.getTtlSecondsAfterFinished()).isEqualTo(86400);
            PodSpec pod = jobSpec.getTemplate().getSpec();
            assertThat(pod.getRestartPolicy()).isEqualTo("Never");
            hardened(pod);
            Map<String, EnvVar> env = Chart.env(pod.getContainers().get(0));
            assertThat(value(env, "BACKUP_TARGET")).isEqualTo("local,s3");
            assertThat(value(env, "S3_ENDPOINT")).isEqualTo("https://minio.storage.svc.cluster.local:9000");
            assertThat(value(env, "S3_FORCE_PATH_STYLE")).isEqualTo("true");
            assertThat(secret(env, "S3_ACCESS_KEY_ID").getName()).isEqualTo("backup-s3");
            assertThat(env).doesNotContainKeys("BACKUP_SCHEDULE", "METRICS_PORT");
        }
        Map<String, EnvVar> users = Chart.env(jobs.get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
                .getContainers().get(0));
        assertThat(jobs.get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0)
                .getArgs()).containsExactly("dump", "users-db");
        assertThat(value(users, "DATABASE_LIST")).isEqualTo("users-db");
        assertThat(users).doesNotContainKeys("ORDERS_DB_POSTGRES_HOST", "ORDERS_DB_POSTGRES_PASSWORD");
        Map<String, EnvVar> orders = Chart.env(jobs.get(1).getSpec().getJobTemplate().getSpec().getTemplate()
                .getSpec().getContainers().get(0));
        assertThat(jobs.get(1).getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0)
                .getArgs()).containsExactly("dump", "orders_db");
        assertThat(value(orders, "DATABASE_LIST")).isEqualTo("orders_db");
        assertThat(secret(orders, "ORDERS_DB_POSTGRES_PASSWORD").getName()).isEqualTo("orders-db-credentials");
        assertThat(orders).doesNotContainKey("USERS_DB_POSTGRES_PASSWORD");
    }

    @Test
    void theReadmesRestoreJobIsAHardenedJobWithTheDeploymentsSettingsForItsService() throws IOException {
        List<HasMetadata> documented = Chart.parse(Files.readString(Chart.example("restore-job.yaml")));
        Job job = Chart.ofKind(documented, Job.class).get(0);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        hardened(pod);
        Container restore = pod.getContainers().get(0);
        assertThat(restore.getArgs()).startsWith("restore", "app-db");
        Map<String, EnvVar> env = Chart.env(restore);
        assertThat(value(env, "AGE_IDENTITY_FILE")).startsWith("/run/age/");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("backup-age-identity"));

        // The Job must reach the service and volume the default release uses.
        Deployment deployment = Chart.ofKind(Chart.objects(), Deployment.class).get(0);
        Map<String, EnvVar> running = Chart.env(deployment.getSpec().getTemplate().getSpec().getContainers().get(0));
        env.remove("AGE_IDENTITY_FILE");
        env.forEach((name, variable) -> assertThat(running.get(name)).as(name).isEqualTo(variable));
        String claim = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("backup")).findFirst().orElseThrow().getPersistentVolumeClaim()
                .getClaimName();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null).singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim));
    }

    @Test
    void aPasswordInPlainValuesIsRefusedNamingTheField() throws IOException {
        Path values = values("""
                services:
                  - name: app-db
                    password: hunter2
                    passwordSecret: {name: app-db-credentials, key: password}
                """);
        assertThatThrownBy(() -> Chart.template(values)).hasMessageContaining("values don't meet the specifications")
                .hasMessageContaining("at '/services/0': additional properties 'password' not allowed")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aPasswordAmongTheOtherSettingsIsRefusedNamingTheField() throws IOException {
        Path values = values("""
                env:
                  APP_DB_POSTGRES_PASSWORD: hunter2
                """);
        assertThatThrownBy(() -> Chart.template(values)).hasMessageContaining("at '/env/APP_DB_POSTGRES_PASSWORD'")
                .hasMessageNotContaining("hunter2");
    }

    static Stream<Arguments> refusedValues() {
        return Stream.of(
                Arguments.of("no service", "services: []\n", "at '/services': minItems: got 0, want 1"),
                Arguments.of("a service without its password's Secret", "services:\n  - name: app-db\n",
                        "at '/services/0': missing property 'passwordSecret'"),
                Arguments.of("an unknown shape", "shape: statefulset\n",
                        "at '/shape': value must be one of 'deployment', 'cronjob'"),
                Arguments.of("a shape in the wrong case", "shape: Deployment\n",
                        "at '/shape': value must be one of 'deployment', 'cronjob'"),
                Arguments.of("a misspelt field", "replica: 2\n", "additional properties 'replica' not allowed"),
                Arguments.of("two replicas on one ReadWriteOnce claim", "replicas: 2\n",
                        "more than one controller needs persistence.enabled=false"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedValues")
    void badValuesAreRefusedNamingTheField(String what, String yaml, String message) throws IOException {
        Path values = values(yaml);
        assertThatThrownBy(() -> Chart.template(values)).as(what).hasMessageContaining(message);
    }
}
