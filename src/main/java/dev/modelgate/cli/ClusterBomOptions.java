package dev.modelgate.cli;

import dev.modelgate.bom.ClusterBom;
import dev.modelgate.bom.ModelBom;
import dev.modelgate.bom.k8s.ClusterReports;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code bom --cluster}: the BOM of the models running in a cluster, from ModelGate's
 * PolicyReports, read with the user's own kubeconfig (so exactly the reports' RBAC applies).
 */
final class ClusterBomOptions {
  @Option(
      names = "--cluster",
      description =
          "Write the BOM of every model ModelGate's PolicyReports record in the cluster (admission and background verification), with the workloads using each; read with your kubeconfig.")
  boolean cluster;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "With --cluster: the kubeconfig (default: $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "With --cluster: the kubeconfig context (default: its current context).")
  String context;

  int run(CommandSpec spec, List<String> namespaces, Path output, String toolVersion) {
    ClusterBom.Read read =
        ClusterReports.read(
            Optional.ofNullable(kubeconfig), Optional.ofNullable(context), namespaces);
    String json = ModelBom.json(ClusterBom.of(read, Instant.now(), toolVersion));
    BomOutput.write(spec, json, output);
    spec.commandLine()
        .getErr()
        .printf(
            "Cluster BOM: %d results from %d PolicyReports in %d namespaces%s%n",
            read.results().size(),
            read.reports(),
            read.namespaces().size(),
            output == null ? "" : ", written to " + output);
    return ExitCode.OK;
  }
}
