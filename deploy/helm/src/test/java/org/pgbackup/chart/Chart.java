package org.pgbackup.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chart under test, rendered with a real Helm and read back as typed Kubernetes objects. */
final class Chart {
    static final Path DIR = Path.of(System.getProperty("chart.dir", "pg-backup-controller")).toAbsolutePath();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    /** Helm would otherwise take an old default, below the chart's kubeVersion. */
    static final String KUBERNETES_VERSION = "v1.31.0";

    private Chart() {
    }

    /** {@code helm template backup <chart> -f values...}, as YAML. */
    static String template(Path... values) {
        TemplateCommand template = new Helm(DIR).template().withName("backup").withNamespace("backups")
                .withKubeVersion(KUBERNETES_VERSION);
        for (Path file : values) {
            template = template.withValuesFile(file);
        }
        return template.call();
    }

    /** The rendered manifests as typed objects, in the order Helm wrote them. */
    static List<HasMetadata> objects(Path... values) {
        return parse(template(values));
    }

    static List<HasMetadata> parse(String yaml) {
        Object parsed = KUBERNETES.unmarshal(yaml);
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return List.of((HasMetadata) parsed);
    }

    /** An object as YAML, as {@code kubectl get -o yaml} would write it. */
    static String yaml(HasMetadata object) {
        String yaml = KUBERNETES.asYaml(object);
        // One document each: the caller joins them.
        return yaml.startsWith("---\n") ? yaml.substring(4) : yaml;
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** A container's variables by name. */
    static Map<String, EnvVar> env(Container container) {
        Map<String, EnvVar> env = new LinkedHashMap<>();
        container.getEnv().forEach(variable -> env.put(variable.getName(), variable));
        return env;
    }

    static Path example(String name) {
        return DIR.resolve("examples").resolve(name);
    }
}
