package dev.modelgate.scan;

import java.util.List;

/** The pods running now, with their workloads resolved. */
@FunctionalInterface
public interface PodInventory {
  /**
   * Every running pod that is not being deleted.
   *
   * @throws RuntimeException when the list cannot be read; the scan then changes no report
   */
  List<RunningPod> runningPods();
}
