package dev.modelgate.scan;

import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.trust.Signer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The models running in the cluster, as the series of {@code
 * modelgate_models_running{namespace,model_uri,digest,signer,result}}: pods per (namespace, model,
 * digest, signer, result), where result is the model's worst outcome over the policies that match
 * it. Cardinality is bounded: the {@code maxSeries - 4} rows with the most pods are kept, and the
 * others are summed into one row per result whose other labels are all {@value #OTHER}.
 */
public final class ModelInventory {
  /** The label value of the rows that collapse what does not fit. */
  public static final String OTHER = "other";

  private ModelInventory() {}

  /** One series: its labels and how many running pods it counts. */
  public record Row(
      String namespace,
      String modelUri,
      String digest,
      String signer,
      ScanOutcome result,
      int pods) {
    public Row {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(modelUri, "modelUri");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(signer, "signer");
      Objects.requireNonNull(result, "result");
    }
  }

  /** The rows of a scan, at most {@code maxSeries} of them. */
  public static List<Row> of(List<WorkloadScan> workloads, int maxSeries) {
    if (maxSeries < ScanOutcome.values().length + 1) {
      throw new IllegalArgumentException(
          "the model inventory needs room for at least "
              + (ScanOutcome.values().length + 1)
              + " series, got "
              + maxSeries);
    }
    Map<List<String>, Row> rows = new LinkedHashMap<>();
    for (WorkloadScan w : workloads) {
      Map<String, Row> perModel = new LinkedHashMap<>();
      for (ModelVerdict v : w.verdicts()) {
        String uri = v.model().uri().toString();
        Row r =
            new Row(
                w.workload().namespace(),
                uri,
                digestOf(v),
                v.signer().map(Signer::identity).orElse(""),
                ScanOutcome.of(v),
                w.pods());
        perModel.merge(
            v.model().name() + " " + uri,
            r,
            (a, b) ->
                new Row(
                    a.namespace(),
                    a.modelUri(),
                    a.digest().isEmpty() ? b.digest() : a.digest(),
                    a.signer().isEmpty() ? b.signer() : a.signer(),
                    a.result().worse(b.result()),
                    a.pods()));
      }
      for (Row r : perModel.values()) {
        List<String> key =
            List.of(r.namespace(), r.modelUri(), r.digest(), r.signer(), r.result().label());
        rows.merge(
            key,
            r,
            (a, b) ->
                new Row(
                    a.namespace(),
                    a.modelUri(),
                    a.digest(),
                    a.signer(),
                    a.result(),
                    a.pods() + b.pods()));
      }
    }
    List<Row> sorted = new ArrayList<>(rows.values());
    if (sorted.size() <= maxSeries) {
      return sorted;
    }
    sorted.sort(Comparator.comparingInt(Row::pods).reversed());
    int keep = maxSeries - ScanOutcome.values().length;
    List<Row> out = new ArrayList<>(sorted.subList(0, keep));
    Map<ScanOutcome, Integer> rest = new LinkedHashMap<>();
    for (Row r : sorted.subList(keep, sorted.size())) {
      rest.merge(r.result(), r.pods(), Integer::sum);
    }
    rest.forEach((result, pods) -> out.add(new Row(OTHER, OTHER, OTHER, OTHER, result, pods)));
    return out;
  }

  /** The manifest digest the workload runs: from its reference, or the one /mutate would pin. */
  static String digestOf(ModelVerdict v) {
    String location = v.model().uri().location();
    int at = location.lastIndexOf('@');
    if (at >= 0) {
      return location.substring(at + 1);
    }
    return v.pinned()
        .filter(p -> p.lastIndexOf('@') >= 0)
        .map(p -> p.substring(p.lastIndexOf('@') + 1))
        .orElse("");
  }
}
