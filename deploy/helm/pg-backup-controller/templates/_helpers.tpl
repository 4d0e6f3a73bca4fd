{{/* The release's name for its objects, at most 63 characters. */}}
{{- define "pgbackup.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pgbackup.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "pgbackup.labels" -}}
{{ include "pgbackup.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* A service's variable prefix: users-db reads USERS_DB_POSTGRES_HOST. */}}
{{- define "pgbackup.prefix" -}}
{{- . | upper | replace "-" "_" -}}_
{{- end -}}

{{- define "pgbackup.secretRef" -}}
valueFrom:
  secretKeyRef:
    name: {{ .name | quote }}
    key: {{ .key | quote }}
{{- end -}}

{{/*
The controller's environment for the given services: {"root": ., "services": [...], "start": bool}.
Passwords, S3 keys, age recipients and secretEnv come from Secrets; nothing secret is a value here.
*/}}
{{- define "pgbackup.env" -}}
{{- $v := .root.Values -}}
{{- $names := list -}}
{{- range .services }}{{ $names = append $names .name }}{{ end -}}
- name: MODE
  value: production
- name: DATABASE_LIST
  value: {{ join "," $names | quote }}
- name: BACKUP_TARGET
  value: {{ $v.target | quote }}
- name: TZ
  value: {{ $v.timeZone | quote }}
- name: STOP_GRACE_SECONDS
  value: {{ $v.stopGraceSeconds | quote }}
- name: RETENTION_DAILY_DAYS
  value: {{ $v.retention.dailyDays | quote }}
- name: RETENTION_WEEKLY_DAYS
  value: {{ $v.retention.weeklyDays | quote }}
- name: RETENTION_MONTHLY_DAYS
  value: {{ $v.retention.monthlyDays | quote }}
{{- if .start }}
- name: BACKUP_SCHEDULE
  value: {{ $v.schedule | quote }}
- name: METRICS_PORT
  value: {{ $v.metrics.port | quote }}
{{- end }}
{{- range .services }}
{{- $prefix := include "pgbackup.prefix" .name }}
- name: {{ $prefix }}POSTGRES_HOST
  value: {{ .host | default .name | quote }}
{{- with .port }}
- name: {{ $prefix }}POSTGRES_PORT
  value: {{ . | quote }}
{{- end }}
{{- with .user }}
- name: {{ $prefix }}POSTGRES_USER
  value: {{ . | quote }}
{{- end }}
{{- with .database }}
- name: {{ $prefix }}POSTGRES_DB
  value: {{ . | quote }}
{{- end }}
- name: {{ $prefix }}POSTGRES_PASSWORD
  {{- include "pgbackup.secretRef" .passwordSecret | nindent 2 }}
{{- end }}
{{- with $v.s3 }}
{{- if .bucket }}
- name: S3_BUCKET
  value: {{ .bucket | quote }}
{{- with .prefix }}
- name: S3_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- with .region }}
- name: S3_REGION
  value: {{ . | quote }}
{{- end }}
{{- with .endpoint }}
- name: S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: S3_FORCE_PATH_STYLE
  value: {{ .forcePathStyle | quote }}
{{- end }}
{{- if .credentialsSecret.name }}
- name: S3_ACCESS_KEY_ID
  {{- include "pgbackup.secretRef" (dict "name" .credentialsSecret.name "key" .credentialsSecret.accessKeyIdKey) | nindent 2 }}
- name: S3_SECRET_ACCESS_KEY
  {{- include "pgbackup.secretRef" (dict "name" .credentialsSecret.name "key" .credentialsSecret.secretAccessKeyKey) | nindent 2 }}
{{- end }}
{{- end }}
{{- with $v.encryption.recipientsSecret }}
{{- if .name }}
- name: BACKUP_ENCRYPTION
  value: age
- name: AGE_RECIPIENTS
  {{- include "pgbackup.secretRef" . | nindent 2 }}
{{- end }}
{{- end }}
{{- range $name, $value := $v.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $name, $ref := $v.secretEnv }}
- name: {{ $name }}
  {{- include "pgbackup.secretRef" $ref | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "pgbackup.podSecurityContext" -}}
runAsUser: 999
runAsGroup: 999
fsGroup: 999
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "pgbackup.containerSecurityContext" -}}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "pgbackup.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: backup
  mountPath: /var/lib/postgresql/backup/data
{{- if .Values.shared.enabled }}
- name: shared
  mountPath: /var/lib/postgresql/backup/shared
{{- end }}
{{- end -}}

{{/* Without a backup volume (S3 only), data/ still holds each service's lock and run history, for the pod's life. */}}
{{- define "pgbackup.volumes" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
- name: backup
{{- if .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ .Values.persistence.existingClaim | default (printf "%s-backup" (include "pgbackup.fullname" .)) }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- if .Values.shared.enabled }}
- name: shared
  persistentVolumeClaim:
    claimName: {{ .Values.shared.existingClaim | default (printf "%s-shared" (include "pgbackup.fullname" .)) }}
{{- end }}
{{- end -}}

{{- define "pgbackup.podExtras" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Two pods on one ReadWriteOnce claim would not start on two nodes: refuse before anything is applied. */}}
{{- define "pgbackup.checkReplicas" -}}
{{- if and (gt (int .Values.replicas) 1) .Values.persistence.enabled (not (has "ReadWriteMany" .Values.persistence.accessModes)) -}}
{{- fail "replicas: more than one controller needs persistence.enabled=false (S3 or another remote target only) or persistence.accessModes [ReadWriteMany]; one ReadWriteOnce volume cannot be mounted on two nodes" -}}
{{- end -}}
{{- end -}}
