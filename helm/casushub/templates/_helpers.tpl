{{/* Names, labels and the pieces every pod shares. */}}

{{- define "casushub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "casushub.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "casushub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "casushub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "casushub.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "casushub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Usage: include "casushub.componentSelector" (dict "root" $ "component" "web") */}}
{{- define "casushub.componentSelector" -}}
{{ include "casushub.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "casushub.componentLabels" -}}
{{ include "casushub.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "casushub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "casushub.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag@digest; the schema guarantees a tag or a digest. */}}
{{- define "casushub.image" -}}
{{- $image := .Values.image.repository }}
{{- if .Values.image.tag }}{{ $image = printf "%s:%s" $image .Values.image.tag }}{{ end }}
{{- if .Values.image.digest }}{{ $image = printf "%s@%s" $image .Values.image.digest }}{{ end }}
{{- $image }}
{{- end }}

{{/* The non-secret configuration as a flat map; the ConfigMap and the migration Job share it. */}}
{{- define "casushub.configData" -}}
CASUSHUB_ENV: {{ .Values.config.environment | quote }}
BASE_URL: {{ required "config.baseUrl is required" .Values.config.baseUrl | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
LOG_JSON: {{ .Values.config.logJson | ternary "true" "false" | quote }}
DB_ROLE_PREFIX: {{ .Values.config.dbRolePrefix | quote }}
DB_POOL_SIZE: {{ .Values.config.dbPoolSize | toString | quote }}
FORCE_HTTPS: {{ .Values.config.forceHttps | ternary "true" "false" | quote }}
FORWARDED_ALLOW_IPS: {{ .Values.config.forwardedAllowIps | quote }}
BACKUP_RETENTION_DAYS: {{ .Values.backup.retentionDays | toString | quote }}
{{- /* Dutch time for the processes (logs, tools); the code's own clock is casushub.platform.klok. */}}
TZ: "Europe/Amsterdam"
{{- if include "casushub.caBundleSource" . }}
OIDC_CA_BUNDLE: {{ include "casushub.caBundlePath" . | quote }}
{{- end }}
{{- include "casushub.checkSmtpPort" . }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* env entries for one Secret group: include "casushub.secretEnv" .Values.secrets.runtime */}}
{{- define "casushub.secretEnv" -}}
{{- $secret := required "secrets.*.name is required" .name }}
{{- range $env, $key := .keys }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- range $env, $key := .optionalKeys }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end }}

{{/* The restricted Pod Security Standard, for every pod of the chart. */}}
{{- define "casushub.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "casushub.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pod-level fields shared by every workload. */}}
{{- define "casushub.podCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "casushub.podSecurityContext" . | nindent 2 }}
{{- end }}

{{/* The only writable place: /tmp (uploads in flight, font caches). */}}
{{- define "casushub.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end }}

{{- define "casushub.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/* envFrom + env for a long-running component. */}}
{{- define "casushub.runtimeEnv" -}}
envFrom:
  - configMapRef:
      name: {{ include "casushub.fullname" . }}
env:
  {{- include "casushub.secretEnv" .Values.secrets.runtime | nindent 2 }}
{{- end }}

{{/* Checksum of the configuration: a change rolls the pods. */}}
{{- define "casushub.configChecksum" -}}
checksum/config: {{ include "casushub.configData" . | sha256sum }}
{{- end }}

{{/*
The SMTP port the processes will use (SMTP_PORT, or the one SMTP_TLS implies, as
casushub.platform.settings does) must be open in the egress policy: otherwise mail silently
stays in the outbox. Renders nothing; fails the render on a mismatch.
*/}}
{{- define "casushub.checkSmtpPort" -}}
{{- $np := .Values.networkPolicy }}
{{- if and $np.enabled $np.egress.smtp.enabled }}
{{- $env := .Values.config.extraEnv }}
{{- $tls := toString (default "starttls" (get $env "SMTP_TLS")) }}
{{- $implied := get (dict "starttls" "587" "tls" "465" "none" "25") $tls }}
{{- $port := toString (default $implied (get $env "SMTP_PORT")) }}
{{- $open := list }}
{{- range $np.egress.smtp.ports }}{{ $open = append $open (toString .port) }}{{ end }}
{{- if not (has $port $open) }}
{{- fail (printf "SMTP port %s (SMTP_PORT, or the port of SMTP_TLS=%s) is not in networkPolicy.egress.smtp.ports %v: add it there or set SMTP_PORT" $port $tls $open) }}
{{- end }}
{{- end }}
{{- end }}

{{/* "secret" or "configMap" when a CA bundle for the identity providers is configured. */}}
{{- define "casushub.caBundleSource" -}}
{{- if .Values.oidc.caBundle.secretName }}secret{{ else if .Values.oidc.caBundle.configMapName }}configMap{{ end }}
{{- end }}

{{- define "casushub.caBundlePath" -}}
/etc/casushub/oidc-ca/{{ .Values.oidc.caBundle.key }}
{{- end }}

{{- define "casushub.caBundleVolume" -}}
{{- $ca := .Values.oidc.caBundle }}
- name: oidc-ca
  {{- if $ca.secretName }}
  secret:
    secretName: {{ $ca.secretName }}
    items: [{key: {{ $ca.key | quote }}, path: {{ $ca.key | quote }}}]
  {{- else }}
  configMap:
    name: {{ $ca.configMapName }}
    items: [{key: {{ $ca.key | quote }}, path: {{ $ca.key | quote }}}]
  {{- end }}
{{- end }}

{{- define "casushub.caBundleMount" -}}
- name: oidc-ca
  mountPath: /etc/casushub/oidc-ca
  readOnly: true
{{- end }}

{{/* The backup volume: an existing claim or the chart's own. */}}
{{- define "casushub.backupClaim" -}}
{{- default (printf "%s-backup" (include "casushub.fullname" .)) .Values.backup.persistence.existingClaim }}
{{- end }}

{{- define "casushub.backupVolume" -}}
- name: backup
  persistentVolumeClaim:
    claimName: {{ include "casushub.backupClaim" . }}
{{- end }}

{{- define "casushub.backupMount" -}}
- name: backup
  mountPath: /backup
{{- end }}

{{/*
The environment of a one-off administration pod (migration, bootstrap, backup): the
configuration inline (a pre-install hook runs before the ConfigMap exists), the runtime and
the owner Secrets.
*/}}
{{- define "casushub.adminEnv" -}}
{{- range $name, $value := fromYaml (include "casushub.configData" .) }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- include "casushub.secretEnv" .Values.secrets.runtime }}
{{- include "casushub.secretEnv" .Values.secrets.migration }}
{{- end }}

{{/*
Exec probes of a process without HTTP: its heartbeat file (DATA_DIR/heartbeat/<component>,
casushub/workers/heartbeat.py) must be younger than the given seconds. sh and find only, so
a probe costs no Python start-up.
*/}}
{{- define "casushub.heartbeatProbe" -}}
exec:
  command:
    - /bin/sh
    - -c
    - find /tmp/casushub/heartbeat/{{ .component }} -newermt '-{{ .seconds }} seconds' | grep -q .
{{- end }}
