{{- define "modelgate.selfManagedTls" -}}
{{- if and (not .Values.certManager.enabled) (not .Values.tls.caBundle) -}}true{{- end -}}
{{- end -}}
{{- define "modelgate.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}
{{- define "modelgate.labels" -}}
app.kubernetes.io/name: modelgate
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "modelgate.rules" -}}
- apiGroups: [""]
  apiVersions: ["v1"]
  operations: ["CREATE", "UPDATE"]
  {{- if .validating }}
  # pods/ephemeralcontainers: kubectl debug can add a container that mounts the model volume.
  resources: ["pods", "pods/ephemeralcontainers"]
  {{- else }}
  resources: ["pods"]
  {{- end }}
- apiGroups: ["apps"]
  apiVersions: ["v1"]
  operations: ["CREATE", "UPDATE"]
  resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
- apiGroups: ["batch"]
  apiVersions: ["v1"]
  operations: ["CREATE", "UPDATE"]
  resources: ["jobs", "cronjobs"]
{{- if .serving.kserve }}
# KServe's serving resources, decided when applied; their pods are still reviewed (docs/serving.md).
- apiGroups: ["serving.kserve.io"]
  apiVersions: ["v1beta1", "v1alpha1", "v1alpha2"]
  operations: ["CREATE", "UPDATE"]
  resources: ["inferenceservices", "llminferenceservices", "trainedmodels"]
{{- end }}
{{- if .serving.seldon }}
# Seldon Core 2 Models, loaded into running servers: decided only here (docs/serving.md).
- apiGroups: ["mlops.seldon.io"]
  apiVersions: ["v1alpha1"]
  operations: ["CREATE", "UPDATE"]
  resources: ["models"]
{{- end }}
{{- end -}}
{{- define "modelgate.selector" -}}
app.kubernetes.io/name: modelgate
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
