{{/*
A Deployment for a process without HTTP (worker, scheduler).
Usage: include "casushub.backgroundDeployment" (dict "root" $ "component" "worker" "values" .Values.worker "replicas" 2 "strategy" (dict ...))
*/}}
{{- define "casushub.backgroundDeployment" -}}
{{- $root := .root }}
{{- $v := .values }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "casushub.fullname" $root }}-{{ .component }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "casushub.componentLabels" (dict "root" $root "component" .component) | nindent 4 }}
  annotations:
    checkov.io/skip1: CKV_K8S_35=secrets as environment variables by design, see docs/operations.md
    {{- if not $v.probes.enabled }}
    checkov.io/skip2: CKV_K8S_9=probes switched off ({{ .component }}.probes.enabled)
    {{- if not $v.livenessProbe }}
    checkov.io/skip3: CKV_K8S_8=probes switched off ({{ .component }}.probes.enabled)
    {{- end }}
    {{- end }}
spec:
  {{- with .replicas }}
  replicas: {{ . }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- toYaml .strategy | nindent 4 }}
  selector:
    matchLabels:
      {{- include "casushub.componentSelector" (dict "root" $root "component" .component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "casushub.componentSelector" (dict "root" $root "component" .component) | nindent 8 }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- include "casushub.configChecksum" $root | nindent 8 }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "casushub.serviceAccountName" $root }}
      {{- include "casushub.podCommon" $root | nindent 6 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      containers:
        - name: {{ .component }}
          image: {{ include "casushub.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args:
            {{- toYaml $v.args | nindent 12 }}
          {{- include "casushub.runtimeEnv" $root | nindent 10 }}
          {{- if $v.ownerRole }}
          {{- include "casushub.secretEnv" $root.Values.secrets.migration | nindent 12 }}
          {{- end }}
          securityContext:
            {{- include "casushub.containerSecurityContext" $root | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          {{- if $v.livenessProbe }}
          livenessProbe:
            {{- toYaml $v.livenessProbe | nindent 12 }}
          {{- else if $v.probes.enabled }}
          # The heartbeat stops when the process hangs (or, for the scheduler, loses its
          # database connection): restart it.
          livenessProbe:
            {{- include "casushub.heartbeatProbe" (dict "component" .component "seconds" 180) | nindent 12 }}
            initialDelaySeconds: 30
            periodSeconds: 30
            timeoutSeconds: 5
            failureThreshold: 3
          {{- end }}
          {{- if $v.probes.enabled }}
          readinessProbe:
            {{- include "casushub.heartbeatProbe" (dict "component" .component "seconds" 60) | nindent 12 }}
            periodSeconds: 15
            timeoutSeconds: 5
            failureThreshold: 2
          {{- end }}
          volumeMounts:
            {{- include "casushub.tmpMount" $root | nindent 12 }}
      volumes:
        {{- include "casushub.tmpVolume" $root | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
