package dev.modelgate.admission.runtimeargs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One table serves the inspector and the docs: every runtime ModelGate reads has its row, as {@link
 * ServingRuntime#tableRow()} writes it, in README.md and docs/model-sources.md.
 */
class RuntimeTableTest {
  @Test
  void readmeAndDocsListEveryRuntimeRow() throws Exception {
    List<String> rows =
        Arrays.stream(ServingRuntime.values()).map(ServingRuntime::tableRow).toList();

    for (Path doc : List.of(Path.of("README.md"), Path.of("docs/model-sources.md"))) {
      List<String> lines = Files.readAllLines(doc);
      assertThat(lines)
          .as(doc + " lacks runtime rows; expected:\n" + String.join("\n", rows))
          .containsAll(rows);
    }
  }

  @Test
  void everyRowNamesEveryFlagOfItsRuntime() {
    for (ServingRuntime r : ServingRuntime.values()) {
      for (String flag : r.flagNames()) {
        assertThat(r.tableRow()).contains("`" + flag + "`");
      }
    }
  }
}
